#!/usr/bin/env python3
"""deploy/chart/rootlock-webhook renders the objects `rootlock webhook manifests` prints.

For each combination of values and the matching flags, the chart rendered with Go's
text/template (tests/server/render_chart.go: Helm's own engine; the chart uses no sprig
function) must give the same objects as manifests, and pass `rootlock scan`. Skipped (77)
without go (Debian: golang-go) or python3-yaml.
usage: chart_test.py ROOTLOCK   (from the repository root)
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is missing")
    sys.exit(77)
if not shutil.which("go"):
    print("SKIP: go is missing (the chart is rendered with Go's text/template)")
    sys.exit(77)

ROOTLOCK = os.path.abspath(sys.argv[1])
CHART = os.path.join("deploy", "chart", "rootlock-webhook")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def objects(text):
    return sorted(json.dumps(d, sort_keys=True) for d in yaml.safe_load_all(text) if d)


def main():
    work = tempfile.mkdtemp(prefix="rootlock-chart-")
    env = dict(os.environ, GOCACHE=os.path.join(work, "gocache"), GOPATH=os.path.join(work, "go"),
               GOPROXY="off", GO111MODULE="off")
    renderer = os.path.join(work, "render_chart")
    p = subprocess.run(["go", "build", "-o", renderer,
                        os.path.join("tests", "server", "render_chart.go")],
                       env=env, capture_output=True, text=True)
    if not check(p.returncode == 0, "go build render_chart.go: %s" % p.stderr):
        return 1
    subprocess.run([ROOTLOCK, "webhook", "certs", "--out-dir", os.path.join(work, "certs"),
                    "--namespace", "ops"], capture_output=True)
    ca_file = os.path.join(work, "certs", "ca.crt")
    with open(ca_file, "rb") as f:
        ca = base64.b64encode(f.read()).decode()
    with open(os.path.join(CHART, "values.yaml")) as f:
        defaults = yaml.safe_load(f)
    cases = [
        ("defaults", {}, "rootlock", []),
        ("mutate, caBundle, ops", {"mutate": True, "caBundle": ca}, "ops",
         ["--mutate", "--ca-bundle", ca_file, "--namespace", "ops"]),
        ("fail-closed, warn, 5 replicas", {"failClosed": True, "mode": "warn", "replicas": 5,
                                           "minAvailable": 4},
         "rootlock", ["--fail-closed", "--mode", "warn", "--replicas", "5"]),
        ("cert-manager, mutate", {"certManager": True, "mutate": True}, "rootlock",
         ["--cert-manager", "--mutate"]),
        ("image", {"image": "registry.example/rootlock:0.1.0"}, "rootlock",
         ["--image", "registry.example/rootlock:0.1.0"]),
        ("audit schedule, kubectl image", {"auditSchedule": "*/30 * * * *",
                                           "kubectlImage": "registry.example/kubectl:1"},
         "rootlock", ["--audit-schedule", "*/30 * * * *", "--kubectl-image",
                      "registry.example/kubectl:1"]),
        ("no audit", {"audit": False}, "rootlock", ["--no-audit"]),
    ]
    for what, values, ns, flags in cases:
        v = dict(defaults, **values)
        p = subprocess.run([renderer, CHART, json.dumps(v), ns], capture_output=True, text=True)
        if not check(p.returncode == 0, "%s: render: %s" % (what, p.stderr)):
            continue
        chart = p.stdout
        m = subprocess.run([ROOTLOCK, "webhook", "manifests"] + flags, capture_output=True,
                           text=True)
        try:
            same = objects(chart) == objects(m.stdout)
        except yaml.YAMLError as e:
            check(False, "%s: the rendered chart is not YAML: %s" % (what, e))
            continue
        check(same, "%s: the chart's objects differ from webhook manifests %s" % (what, flags))
        s = subprocess.run([ROOTLOCK, "scan", "--no-config", "-"], input=chart,
                           capture_output=True, text=True)
        check(s.returncode == 0, "%s: rootlock scan of the rendered chart: exit %d\n%s" % (
            what, s.returncode, s.stdout))
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("chart: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
