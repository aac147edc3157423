#!/usr/bin/env python3
"""rootlock ecs against tests/live/fake_ecs.py on loopback: signed requests (checked by the
server with botocore), every page of families, one family denied (one error line, exit 2,
the others judged), one throttled (retried), tags carrying an exemption, the ARN as the
location, the same verdicts as `rootlock scan` gives the same describe output, and never a
credential in any output. --deployed: clusters and services, each judged by the revision its
PRIMARY deployment runs (an older one than its family's latest), a denied cluster one error.
--emit-register: one register-ready file per failing family, valid for botocore's
RegisterTaskDefinition input shape, that `scan` passes.

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
            base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            base_env.update(HOME=tmp, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")
            env = dict(base_env, AWS_ACCESS_KEY_ID="AKIDFAKEECS",
                       AWS_SECRET_ACCESS_KEY="fake/secret+key",
                       AWS_SESSION_TOKEN="session-token-value")

            def run(*extra, creds=None):
                """rootlock ecs against the fake: the process, and the operations it called.
                `creds`: the environment's credentials instead of the static keys."""
                open(log, "w").close()
                args = [binary, "ecs", "--region", "eu-west-1", "--endpoint-url",
                        f"http://127.0.0.1:{port}", "--format", "json", *extra]
                run_env = env if creds is None else dict(base_env, **creds)
                p = subprocess.run(args, env=run_env, capture_output=True, text=True,
                                   timeout=120)
                for secret in SECRETS:
                    check(secret not in p.stdout + p.stderr, f"{secret} reached the output")
                return p, open(log).read().splitlines()

            p, requests = run()
            check_families(p, requests, binary, env, tmp)
            golden(p.stdout, "families.json")
            sarif = os.path.join(tmp, "deployed.sarif")
            p, requests = run("--deployed", "-o", f"sarif={sarif}")
            check_deployed(p, requests)
            golden(p.stdout, "deployed.json")
            check_sarif(sarif)
            p, requests = run("--deployed", "--family-prefix", "checkout")
            got = findings_of(p)
            check(p.returncode == 2 and  # the locked cluster
                  sorted({k[0] for k in got}) == ["checkout-api:12", "prod/checkout"] and
                  requests.count("DescribeTaskDefinition") == 2,
                  f"--deployed --family-prefix: {sorted(got)} {requests}")
            out = os.path.join(tmp, "register")
            p, requests = run("--emit-register", out)
            check_emitted(p, out, binary, env)
            check_credentials(run, tmp, port)
            p, requests = run("--region", "us-east-1", "--family-prefix", "web")
            check_regions(p, requests)
            check_botocore_accepts_the_fake(port)
            check_policy(run, tmp)
        finally:
            server.terminate()
            server.wait()

    for f in failures:
        print("FAIL:", f)
    print(f"ecs live: {'ok' if not failures else 'broken'}")
    return 1 if failures else 0


# Whatever the credentials' source, none of these may reach any output.
SECRETS = ("fake/secret+key", "session-token-value", "container-auth-token",
           "container-session-token", "imds-session-token", "web-identity-token-value",
           "sts-web-session-token", "sts-role-session-token", "wrong-auth-token",
           "/container/creds")


def check_credentials(run, tmp, port):
    """Each credential source the SDKs' chain knows, end to end against the fake: the
    credentials it hands out sign the ECS requests (the fake checks signature and token)."""
    url = f"http://127.0.0.1:{port}"
    token_file = os.path.join(tmp, "web-identity-token")
    with open(token_file, "w") as f:
        f.write("web-identity-token-value\n")
    auth_file = os.path.join(tmp, "container-auth")
    with open(auth_file, "w") as f:
        f.write("container-auth-token")
    role = "arn:aws:iam::123456789012:role/rootlock-audit"
    process = os.path.join(tmp, "creds.sh")
    with open(process, "w") as f:
        f.write("#!/bin/sh\necho '" + json.dumps(
            {"Version": 1, "AccessKeyId": "AKIDFAKEECS", "SecretAccessKey": "fake/secret+key",
             "SessionToken": "session-token-value", "Expiration": "2099-01-01T00:00:00Z"}) +
            "'\n")
    os.chmod(process, 0o700)
    config = os.path.join(tmp, "aws-config")
    with open(config, "w") as f:
        f.write(f"[default]\ncredential_process = {process}\n"
                f"[profile audit]\nrole_arn = {role}\nsource_profile = base\n")
    shared = os.path.join(tmp, "aws-credentials")
    with open(shared, "w") as f:
        f.write("[base]\naws_access_key_id = AKIDFAKEECS\n"
                "aws_secret_access_key = fake/secret+key\n")
    no_imds = {"AWS_EC2_METADATA_DISABLED": "true"}
    cases = [
        ("web identity", [], {"AWS_WEB_IDENTITY_TOKEN_FILE": token_file, "AWS_ROLE_ARN": role,
                              "AWS_ENDPOINT_URL_STS": url}, "STS-AssumeRoleWithWebIdentity"),
        ("container token", [], {"AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/container/creds",
                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token"},
         "CONTAINER-CREDS"),
        ("container token file", [],
         {"AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/container/creds",
          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": auth_file}, "CONTAINER-CREDS"),
        ("credential_process", [], {"AWS_CONFIG_FILE": config, **no_imds}, None),
        ("assume role", ["--profile", "audit"],
         {"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": shared,
          "AWS_ENDPOINT_URL_STS": url, **no_imds}, "STS-AssumeRole"),
        ("IMDSv2", [], {"AWS_EC2_METADATA_SERVICE_ENDPOINT": url}, "IMDS-CREDS"),
    ]
    for name, args, creds, fetched in cases:
        p, requests = run("--family-prefix", "api", *args, creds=creds)
        check(p.returncode == 0, f"{name}: exit {p.returncode}: {p.stderr!r}")
        check(requests.count("DescribeTaskDefinition") == 1 and
              not any(r.startswith(("BAD-", "STS-DENIED", "CONTAINER-DENIED"))
                      for r in requests), f"{name}: {requests}")
        if fetched:
            check(requests.count(fetched) == 1, f"{name}: credentials fetched {requests}")
        if name == "IMDSv2":
            check(requests[:2] == ["IMDS-TOKEN", "IMDS-CREDS"], f"IMDSv2 order: {requests}")

    # Credentials that expire inside the refresh window are fetched again before use.
    p, requests = run("--family-prefix", "api", "--jobs", "1", creds={
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/container/short-creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token"})
    check(p.returncode == 0 and requests.count("CONTAINER-CREDS") == 3,
          f"short-lived credentials not refreshed: {requests}")

    # A refused source: one line naming it, exit 2, no secret (checked by run).
    p, requests = run(creds={"AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/container/creds",
                             "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong-auth-token"})
    err = [line for line in p.stderr.splitlines() if line]
    check(p.returncode == 2 and len(err) == 1 and "container credentials" in err[0] and
          "HTTP 401" in err[0], f"container denied: {p.returncode} {p.stderr!r}")
    # Nothing anywhere: every place tried is named.
    p, requests = run(creds={"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"})
    err = [line for line in p.stderr.splitlines() if line]
    check(p.returncode == 2 and len(err) == 1 and all(
        place in err[0] for place in ("AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE",
                                      "profile 'default'", "AWS_CONTAINER_CREDENTIALS",
                                      "instance metadata")), f"nothing found: {p.stderr!r}")
    # The HTTP-only rule for a full URI: no plain http to another host.
    p, requests = run(creds={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/creds"})
    check(p.returncode == 2 and "must be https" in p.stderr and not requests,
          f"plain http to a remote endpoint: {p.stderr!r}")


def check_regions(p, requests):
    """Two regions, one report: each finding says its region, and one family name in two
    regions is two families (neither 'superseded' by the other)."""
    check(p.returncode == 1, f"two regions: exit {p.returncode}: {p.stderr!r}")
    check(requests.count("DescribeTaskDefinition") == 2 and
          not any(r.startswith("BAD-") for r in requests), f"two regions: {requests}")
    try:
        findings = json.loads(p.stdout)["findings"]
    except ValueError:
        findings = []
    # The fake serves web:13 in us-east-1: judged beside eu-west-1's web:12, not over it.
    web = sorted((f["region"], f["name"], f["status"], f["file"].split(":")[3]) for f in findings
                 if f["rule"] == "read-only-root-fs")
    check(web == [("eu-west-1", "web:12", "fail", "eu-west-1"),
                  ("us-east-1", "web:13", "fail", "us-east-1")], f"two regions: {web}")


def check_botocore_accepts_the_fake(port):
    """A real SDK as the fake's client: what the fake answers for services, STS, the
    container endpoint and IMDSv2 is what botocore parses, so the fake has not drifted into
    something no AWS endpoint sends."""
    import botocore.credentials
    import botocore.session
    import botocore.utils
    url = f"http://127.0.0.1:{port}"
    session = botocore.session.Session()
    keys = dict(region_name="eu-west-1", endpoint_url=url, aws_access_key_id="AKIDFAKEECS",
                aws_secret_access_key="fake/secret+key", aws_session_token="session-token-value")
    try:
        ecs = session.create_client("ecs", **keys)
        clusters = ecs.list_clusters()["clusterArns"]
        check(len(clusters) == 3, f"botocore ListClusters: {clusters}")
        services = ecs.get_paginator("list_services").paginate(cluster="batch").build_full_result()
        check(len(services["serviceArns"]) == 12, f"botocore ListServices: {services}")
        described = ecs.describe_services(cluster="prod", services=["checkout", "web"])
        primary = [d["taskDefinition"] for d in described["services"][0]["deployments"]
                   if d["status"] == "PRIMARY"]
        check(primary == ["arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:11"],
              f"botocore DescribeServices: {described['services'][0]}")
        td = ecs.describe_task_definition(taskDefinition=primary[0], include=["TAGS"])
        check(td["taskDefinition"]["revision"] == 11, f"botocore DescribeTaskDefinition: {td}")
        sts = session.create_client("sts", **keys)
        role = "arn:aws:iam::123456789012:role/rootlock-audit"
        web = sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="audit",
                                                WebIdentityToken="web-identity-token-value")
        check(web["Credentials"]["SessionToken"] == "sts-web-session-token",
              f"botocore AssumeRoleWithWebIdentity: {web}")
        # AssumeRole is signed with a source profile's long-term keys: no session token.
        signer = session.create_client("sts", **dict(keys, aws_session_token=None))
        assumed = signer.assume_role(RoleArn=role, RoleSessionName="audit")
        check(assumed["Credentials"]["AccessKeyId"] == "AKIDFAKEECS",
              f"botocore AssumeRole: {assumed}")
    except Exception as e:  # noqa: BLE001 (any botocore complaint is the finding)
        failures.append(f"botocore as the fake's client: {type(e).__name__}: {e}")
    container = botocore.credentials.ContainerProvider(environ={
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/container/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth-token"}).load()
    check(container is not None and
          container.get_frozen_credentials().token == "container-session-token",
          "botocore's ContainerProvider does not read the fake's container endpoint")
    imds = botocore.credentials.InstanceMetadataProvider(
        iam_role_fetcher=botocore.utils.InstanceMetadataFetcher(
            timeout=5, num_attempts=1, base_url=url)).load()
    check(imds is not None and imds.get_frozen_credentials().token == "imds-session-token",
          "botocore's InstanceMetadataProvider does not read the fake's IMDSv2")


def golden(actual, name):
    """The JSON contract of a live scan, compared with tests/golden/ecs-live/NAME
    (UPDATE_GOLDEN=1 rewrites it)."""
    path = os.path.join(HERE, "..", "golden", "ecs-live", name)
    if os.environ.get("UPDATE_GOLDEN"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(actual)
    expected = open(path).read() if os.path.exists(path) else None
    check(actual == expected, f"differs from tests/golden/ecs-live/{name} "
                              "(UPDATE_GOLDEN=1 rewrites it)")


def check_sarif(path):
    """SARIF: a live finding is a logical location (its ARN), never a file under %SRCROOT%;
    so is an error about a family or a cluster."""
    run = json.load(open(path))["runs"][0]
    for r in run["results"]:
        loc = r["locations"][0]
        check("physicalLocation" not in loc and
              loc["logicalLocations"][0]["fullyQualifiedName"].startswith("arn:aws:ecs:eu-west-1:"),
              f"SARIF result located at {loc}")
    notes = run["invocations"][0]["toolExecutionNotifications"]
    check(len(notes) == 2 and all("physicalLocation" not in n["locations"][0] for n in notes),
          f"SARIF notifications: {notes}")


def check_policy(run, tmp):
    """--config exempts as in scan; --write-baseline then --baseline knows today's failures."""
    config = os.path.join(tmp, "policy.yaml")
    with open(config, "w") as f:
        f.write("exemptions:\n  - name: \"web:*\"\n    reason: being replaced by web-v2\n")
    p, _ = run("--config", config)
    web = findings_of(p).get(("web:12", "nginx", "read-only-root-fs"), {})
    check(web.get("status") == "n/a" and "being replaced by web-v2" in web.get("reason", ""),
          f"--config's exemption: {web}")
    baseline = os.path.join(tmp, "baseline.json")
    p, _ = run("--write-baseline", baseline)
    check(os.path.exists(baseline), "ecs --write-baseline wrote nothing")
    p, _ = run("--baseline", baseline)
    web = findings_of(p).get(("web:12", "nginx", "read-only-root-fs"), {})
    check(web.get("baseline") == "known", f"--baseline: web is {web.get('baseline')}")


def findings_of(p):
    try:
        report = json.loads(p.stdout)
    except ValueError:
        failures.append(f"not JSON: {p.stdout[:200]!r} (stderr {p.stderr!r})")
        return {}
    return {(f["name"], f["container"], f["rule"]): f for f in report["findings"]}


def check_families(p, requests, binary, env, tmp):
    check(p.returncode == 2, f"exit {p.returncode}, expected 2 (one family denied)")
    err = [line for line in p.stderr.splitlines() if line]
    check(len(err) == 1 and "AccessDeniedException" in err[0] and "secret" in err[0],
          f"stderr: {p.stderr!r}")
    check(not any(r.startswith("BAD-") for r in requests), f"a request was refused: {requests}")
    check(requests.count("ListTaskDefinitionFamilies") == 3, f"pages: {requests}")
    check(requests.count("DescribeTaskDefinition") == 7, f"describes: {requests}")
    check("ListClusters" not in requests, f"services listed without --deployed: {requests}")
    got = findings_of(p)
    web = got.get(("web:12", "nginx", "read-only-root-fs"))
    check(web is not None and web["status"] == "fail", f"web: {web}")
    check(web is not None and
          web["file"] == "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12" and
          web["resource"] == web["file"] and web["line"] == 0 and
          web.get("region") == "eu-west-1", f"web's location: {web}")
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


def check_deployed(p, requests):
    """--deployed: every cluster's services, judged by the revision each runs."""
    check(p.returncode == 2, f"--deployed: exit {p.returncode}, expected 2")
    err = [line for line in p.stderr.splitlines() if line]
    check(len(err) == 2 and any("secret" in e for e in err) and
          any("ListServices" in e and "AccessDeniedException" in e and "locked" in e
              for e in err), f"--deployed stderr: {p.stderr!r}")
    check(not any(r.startswith("BAD-") for r in requests), f"a request was refused: {requests}")
    check(requests.count("ListClusters") == 1, f"clusters: {requests}")
    # prod: one page; batch: 12 services five a page; locked: denied.
    check(requests.count("ListServices") == 5, f"service pages: {requests}")
    check(requests.count("DescribeServices") == 3, f"ten services a call: {requests}")
    # 6 families (busy throttled only in the first run) and the three revisions services
    # run, each once.
    check(requests.count("DescribeTaskDefinition") == 9, f"describes: {requests}")
    got = findings_of(p)
    old = got.get(("prod/checkout", "api", "read-only-root-fs"), {})
    check(old.get("status") == "fail" and old.get("kind") == "Service" and
          "checkout-api:11" in old.get("message", "") and
          old.get("file") == "arn:aws:ecs:eu-west-1:123456789012:task-definition/checkout-api:11"
          and old.get("resource") ==
          "arn:aws:ecs:eu-west-1:123456789012:service/prod/checkout" and
          old.get("region") == "eu-west-1",
          f"the service still running checkout-api:11: {old}")
    check(got.get(("checkout-api:12", "api", "read-only-root-fs"), {}).get("status") == "pass",
          "the fixed family revision does not pass beside the service that runs the old one")
    check(got.get(("prod/web", "nginx", "read-only-root-fs"), {}).get("status") == "fail",
          "prod/web")
    jobs = [k for k in got if k[0].startswith("batch/job-") and k[2] == "read-only-root-fs"]
    check(len(jobs) == 12 and all(got[k]["status"] == "pass" for k in jobs),
          f"batch's 12 services: {jobs}")


def check_emitted(p, out, binary, env):
    """--emit-register: a register-ready file per failing family, that botocore's
    RegisterTaskDefinition input validation accepts and that `scan` then passes."""
    folder = os.path.join(out, "eu-west-1")
    written = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    check(written == ["busy.json", "web.json"], f"--emit-register wrote {written}")
    check(p.stderr.count("wrote ") == 2, f"--emit-register stderr: {p.stderr!r}")
    import botocore.session
    from botocore.validate import ParamValidator
    shape = botocore.session.get_session().get_service_model("ecs").operation_model(
        "RegisterTaskDefinition").input_shape
    for name in written:
        params = json.load(open(os.path.join(folder, name)))
        report = ParamValidator().validate(params, shape)
        check(not report.has_errors(), f"{name}: {report.generate_report()}")
        check(params.get("family") == name[:-5] and "revision" not in params and
              "taskDefinitionArn" not in params, f"{name}: {params}")
        if name == "web.json":
            check(params.get("tags") == [{"key": "team", "value": "storefront"}],
                  f"web's tags are not carried: {params.get('tags')}")
    s = subprocess.run([binary, "scan", "--format", "json", folder], env=env,
                       capture_output=True, text=True)
    check(s.returncode == 0, f"scan of the emitted files: exit {s.returncode} {s.stdout[:400]}")
    if s.returncode == 0:
        bad = [f for f in json.loads(s.stdout)["findings"]
               if f["status"] != "pass" and f["rule"] == "read-only-root-fs"]
        check(not bad and json.loads(s.stdout)["summary"]["containers"] == 2,
              f"the emitted files do not pass: {bad}")


if __name__ == "__main__":
    sys.exit(main())
