#!/usr/bin/env python3
"""rootlock fix --json-patch, checked with a real RFC 6902 implementation (python3-jsonpatch).

For every single-object Kubernetes input we have (examples, fix goldens, extra cases made
here), the patch must
  1. apply cleanly to the object (every path exists where RFC 6902 says it must),
  2. leave an object that `rootlock scan` passes (unless a container was left alone),
  3. be idempotent: the patch of the patched object is [],
  4. agree with `rootlock fix`: the byte-edited file, parsed, equals the patched object.
And one golden: the exact patch for tests/golden/fix/kubernetes/pod.json.
usage: json_patch_test.py ROOTLOCK   (from the repository root)
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

import jsonpatch
import yaml

ROOTLOCK = sys.argv[1]
failures = []


def run(args, stdin=None):
    p = subprocess.run([ROOTLOCK] + args, input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


EXTRA = {
    # securityContext: null, volumeMounts already there, volumes absent.
    "null-security-context.yaml": """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: busybox
      securityContext:
      volumeMounts:
        - {name: cfg, mountPath: /etc/app}
""",
    # A List: two objects, paths through /items/N.
    "list.json": json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"},
         "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}}},
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "b"},
         "spec": {"jobTemplate": {"spec": {"template": {"spec": {
             "initContainers": [{"name": "i", "image": "busybox",
                                 "securityContext": {"readOnlyRootFilesystem": False}}],
             "containers": [{"name": "c", "image": "busybox",
                             "securityContext": {"readOnlyRootFilesystem": True}}],
             "volumes": [{"name": "tmp", "configMap": {"name": "x"}}]}}}}}},
    ]}),
    # Read-only already, but nothing writable at /tmp: only mounts are added.
    "tmp-only.yaml": """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: busybox
      securityContext: {readOnlyRootFilesystem: true}
""",
    # Already compliant: the patch is [].
    "compliant.yaml": """apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: busybox
      securityContext: {readOnlyRootFilesystem: true}
      volumeMounts: [{name: t, mountPath: /tmp}]
  volumes: [{name: t, emptyDir: {}}]
""",
}


def load(path):
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    # Through JSON: what an API server holds, with no YAML alias shared between two places.
    return json.loads(json.dumps(docs))


def main():
    tmp = tempfile.mkdtemp()
    inputs = sorted(glob.glob("examples/kubernetes/*") +
                    glob.glob("tests/golden/fix/kubernetes/*.yaml") +
                    glob.glob("tests/golden/fix/kubernetes/*.json") +
                    glob.glob("tests/golden/kubernetes/*.yaml"))
    for name, text in EXTRA.items():
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        inputs.append(path)
    checked = 0
    for path in inputs:
        docs = load(path)
        rc, out, err = run(["fix", "--json-patch", "--no-config", path])
        if len(docs) != 1:
            check(rc == 2 and "applies to one object" in err,
                  f"{path}: {len(docs)} documents should be refused, got {rc}: {err}")
            continue
        check(rc in (0, 1), f"{path}: exit {rc}: {err}")
        if rc not in (0, 1):
            continue
        checked += 1
        left_alone = rc == 1
        patch = json.loads(out)
        try:
            patched = jsonpatch.apply_patch(docs[0], patch)
        except Exception as e:  # noqa: BLE001 - any failure to apply is the finding
            check(False, f"{path}: the patch does not apply: {e}")
            continue
        patched_path = os.path.join(tmp, "patched.json")
        with open(patched_path, "w", encoding="utf-8") as f:
            json.dump(patched, f)
        rc2, out2, err2 = run(["fix", "--json-patch", "--no-config", patched_path])
        check(json.loads(out2) == [], f"{path}: patching the patched object is not []: {out2}")
        if not left_alone:
            # The rules fix remedies; no-privileged and the like are not written yet.
            rc3, out3, _ = run(["scan", "--no-config", "--rules", "read-only-root-fs,tmp-writable",
                                "--format", "json", patched_path])
            findings = json.loads(out3)["findings"]
            bad = [f for f in findings if f["status"] == "fail"]
            check(not bad, f"{path}: the patched object still fails: {bad}")
            with open(path, encoding="utf-8", newline="") as f:
                rc4, fixed, err4 = run(["fix", "--no-config", "-"], stdin=f.read())
            if rc4 == 0:
                fixed_obj = [d for d in yaml.safe_load_all(fixed) if d is not None][0]
                check(fixed_obj == patched,
                      f"{path}: fix and the JSON Patch disagree:\n{json.dumps(fixed_obj)}\n"
                      f"{json.dumps(patched)}")
    check(checked >= 10, f"only {checked} objects were checked")
    golden = "tests/golden/fix/kubernetes/expected/pod.json.patch.json"
    rc, out, err = run(["fix", "--json-patch", "--no-config",
                        "tests/golden/fix/kubernetes/pod.json"])
    if os.environ.get("UPDATE_GOLDEN"):
        with open(golden, "w", encoding="utf-8") as f:
            f.write(out)
    with open(golden, encoding="utf-8") as f:
        check(out == f.read() and len(json.loads(out)) > 0, f"{golden} differs:\n{out}")
    print(f"{checked} objects patched and checked; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
