#!/usr/bin/env python3
"""rootlock ecs against tests/live/fake_ecs.py on loopback: signed requests (checked by the
server with botocore), every page of families, one family denied (one error line, exit 2,
the others judged), one throttled (retried), tags carrying an exemption, the ARN as the
location, the same verdicts as `rootlock scan` gives the same describe output, and never a
credential in any output.

usage: ecs_live_test.py ROOTLOCK_BINARY     exit 0, 1, or 77 without botocore
"""
import json
import os
import subprocess
import sys
import tempfile
import time

try:
    import botocore  # noqa: F401  (the fake endpoint checks signatures with it)
except ImportError:
    print("python3-botocore is not installed: skipped")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        port_file, log = os.path.join(tmp, "port"), os.path.join(tmp, "log")
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_ecs.py"), port_file,
                                   log])
        try:
            deadline = time.time() + 30
            while not os.path.exists(port_file):
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("the fake ECS endpoint did not start")
                time.sleep(0.05)
            port = open(port_file).read()
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(AWS_ACCESS_KEY_ID="AKIDFAKEECS", AWS_SECRET_ACCESS_KEY="fake/secret+key",
                       AWS_SESSION_TOKEN="session-token-value", HOME=tmp,
                       SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")
            args = [binary, "ecs", "--region", "eu-west-1", "--endpoint-url",
                    f"http://127.0.0.1:{port}", "--format", "json"]
            p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
            requests = open(log).read().split()
        finally:
            server.terminate()
            server.wait()

        check(p.returncode == 2, f"exit {p.returncode}, expected 2 (one family denied)")
        err = [line for line in p.stderr.splitlines() if line]
        check(len(err) == 1 and "AccessDeniedException" in err[0] and "secret" in err[0],
              f"stderr: {p.stderr!r}")
        check("BAD-SIGNATURE" not in requests, f"a request was badly signed: {requests}")
        check(requests.count("ListTaskDefinitionFamilies") == 3, f"pages: {requests}")
        check(requests.count("DescribeTaskDefinition") == 6, f"describes: {requests}")
        for secret in ("fake/secret+key", "session-token-value"):
            check(secret not in p.stdout + p.stderr, f"{secret} reached the output")
        report = json.loads(p.stdout)
        got = {(f["name"], f["container"], f["rule"]): f for f in report["findings"]}
        web = got.get(("web:12", "nginx", "read-only-root-fs"))
        check(web is not None and web["status"] == "fail", f"web: {web}")
        check(web is not None and
              web["file"] == "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12" and
              web["line"] == 0, f"web's location: {web}")
        check(got.get(("api:7", "app", "read-only-root-fs"), {}).get("status") == "pass",
              "api does not pass")
        check(got.get(("busy:3", "worker", "read-only-root-fs"), {}).get("status") == "fail",
              "busy (throttled once, then retried) was not judged")
        batch = got.get(("batch:1", "job", "read-only-root-fs"), {})
        check(batch.get("status") == "n/a" and "writes reports" in batch.get("reason", "") and
              "task-definition/batch:1: writes" in batch.get("reason", ""),
              f"batch's tag exemption, located by the ARN: {batch}")

        # The same describe output through `rootlock scan` gives the same verdicts.
        sys.path.insert(0, HERE)
        os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        folder = os.path.join(tmp, "describe")
        os.makedirs(folder)
        spec = {}
        exec(open(os.path.join(HERE, "fake_ecs.py")).read().split("throttled = set()")[0]
             .split("port_file, log = sys.argv[1], sys.argv[2]")[1], spec)
        for family, answer in spec["TASKS"].items():
            if answer:
                with open(os.path.join(folder, family + ".json"), "w") as f:
                    json.dump(answer, f)
        s = subprocess.run([binary, "scan", "--format", "json", folder], env=env,
                           capture_output=True, text=True)
        scanned = {(f["name"], f["container"], f["rule"]): f["status"]
                   for f in json.loads(s.stdout)["findings"]}
        live = {k: f["status"] for k, f in got.items()}
        check(scanned == live, f"scan and ecs disagree:\n  scan {scanned}\n  ecs  {live}")

    for f in failures:
        print("FAIL:", f)
    print(f"ecs live: {'ok' if not failures else 'broken'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
