#!/usr/bin/env python3
"""Checks `--format asff` as Security Hub's BatchImportFindings reads it.

usage: asff_test.py ROOTLOCK_BINARY        run from the repository root

Each output line must be one BatchImportFindings request that botocore's own model for the
service accepts (python3-botocore: types, required members, lengths, enums), and that also
passes what botocore leaves to the service: the string patterns (NonEmptyString is
".*\\S.*"), minimum and maximum lengths and list sizes. Beyond the model: 1 to 100 findings a
line, no line for an empty scan, Types from the ASFF types taxonomy, unique Ids that stay the
same when a container's verdict changes, and one finding per container and gating rule with
the verdict the JSON contract gives (FAILED, PASSED, NOT_AVAILABLE). Exit 0 or 1; 77 when
botocore is missing.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import botocore.session
    from botocore.validate import ParamValidator
except ImportError:
    print("python3-botocore is not installed: skipped")
    sys.exit(77)

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1",
           AWS_ACCOUNT_ID="123456789012", AWS_REGION="eu-west-1")
MODEL = botocore.session.get_session().get_service_model("securityhub")
REQUEST = MODEL.operation_model("BatchImportFindings").input_shape
# The ASFF types taxonomy: namespace/category/classifier, as AWS lists them.
NAMESPACES = {"Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors",
              "Sensitive Data Identifications"}
CLASSIFIERS = {
    "Software and Configuration Checks/AWS Security Best Practices",
    "Software and Configuration Checks/Industry and Regulatory Standards/"
    "CIS Host Hardening Benchmarks",
    "Software and Configuration Checks/Industry and Regulatory Standards/"
    "NIST 800-53 Controls (USA)",
}
failures = []
GATING = set()  # the rules whose failures gate: `rootlock rules` says which


def check(cond, what):
    if not cond:
        failures.append(what)


# Members newer than Debian 12's botocore (1.29.27): SecurityControlId came to ASFF in 2023.
# When the installed model lacks one of these, it is set aside before validation (and said);
# any other member the model does not know fails.
NEWER_THAN_MODEL = {"Compliance.SecurityControlId"}
set_aside = set()


def known_to_model(value, shape, parent=""):
    """`value` without the NEWER_THAN_MODEL members the installed model does not have."""
    if shape.type_name == "structure" and isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k not in shape.members and f"{parent}.{k}" in NEWER_THAN_MODEL:
                set_aside.add(f"{parent}.{k}")
                continue
            out[k] = known_to_model(v, shape.members[k], k) if k in shape.members else v
        return out
    if shape.type_name == "list" and isinstance(value, list):
        return [known_to_model(v, shape.member, parent) for v in value]
    return value


def walk(value, shape, path):
    """What botocore's validator does not check: patterns, and lengths it skips."""
    meta = shape.metadata
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if name in value:
                walk(value[name], member, f"{path}.{name}")
    elif shape.type_name == "list":
        check(len(value) >= meta.get("min", 0), f"{path}: fewer than {meta.get('min')} items")
        check(len(value) <= meta.get("max", 1 << 30), f"{path}: more than {meta.get('max')}")
        for i, item in enumerate(value):
            walk(item, shape.member, f"{path}[{i}]")
    elif shape.type_name == "map":
        for k, v in value.items():
            walk(k, shape.key, f"{path} key {k!r}")
            walk(v, shape.value, f"{path}[{k!r}]")
    elif shape.type_name == "string":
        if "pattern" in meta:
            check(re.fullmatch(meta["pattern"], value, re.S) is not None,
                  f"{path}: {value!r} does not match {meta['pattern']!r}")
        check(len(value) >= meta.get("min", 0), f"{path}: shorter than {meta.get('min')}")
        check(len(value) <= meta.get("max", 1 << 30), f"{path}: longer than {meta.get('max')}")
        if shape.enum:
            check(value in shape.enum, f"{path}: {value!r} not in {shape.enum}")


def run(binary, args, stdin=None):
    p = subprocess.run([binary, "scan", "--min-ratio", "0", "--allow-empty", "-q"] + args,
                       input=stdin, env=ENV, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"rootlock {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def batches(binary, args, stdin=None):
    """The requests of an ASFF run, each validated; returns them."""
    out = run(binary, ["--format", "asff"] + args, stdin)
    check(out == "" or out.endswith("\n"), f"{args}: output does not end in a newline")
    requests = []
    for n, line in enumerate(out.splitlines(), 1):
        where = f"{' '.join(args)} line {n}"
        request = json.loads(line)
        check(list(request) == ["Findings"], f"{where}: not a BatchImportFindings request")
        findings = request["Findings"]
        check(1 <= len(findings) <= 100, f"{where}: {len(findings)} findings in one batch")
        report = ParamValidator().validate(known_to_model(request, REQUEST), REQUEST)
        check(not report.has_errors(), f"{where}: botocore: {report.generate_report()}")
        walk(known_to_model(request, REQUEST), REQUEST, where)
        for f in findings:
            for t in f.get("Types", []):
                check(t.split("/")[0] in NAMESPACES and t in CLASSIFIERS,
                      f"{where}: type {t!r} is not in the ASFF taxonomy as we use it")
        requests.append(findings)
    return requests


def verdicts(binary, args, stdin=None):
    """(rule, status) per gating finding of the JSON contract, in order."""
    report = json.loads(run(binary, ["--format", "json"] + args, stdin))
    want = {"fail": "FAILED", "pass": "PASSED", "n/a": "NOT_AVAILABLE"}
    out = []
    for f in report["findings"]:
        if f["rule"] in GATING and f["status"] in want:
            out.append(want[f["status"]])
    return out


def main():
    binary = os.path.abspath(sys.argv[1])
    listing = subprocess.run([binary, "rules"], capture_output=True, text=True, check=True).stdout
    for rule in (line.split()[0] for line in listing.splitlines() if line.strip()):
        text = subprocess.run([binary, "rules", rule], capture_output=True, text=True,
                              check=True).stdout
        # Security Hub gets the gating rule and every rule with a control behind it.
        if "does not move the ratio" not in text or "\ncompliance:" in text:
            GATING.add(rule)
    check(GATING, "no gating rule listed")

    # The examples: every gating verdict is a finding, with the JSON contract's status.
    found = [f for b in batches(binary, ["examples"]) for f in b]
    statuses = [f["Compliance"]["Status"] for f in found]
    check(statuses == verdicts(binary, ["examples"]),
          f"examples: statuses {statuses} differ from the JSON contract")
    for status in ("FAILED", "PASSED", "NOT_AVAILABLE"):
        check(status in statuses, f"examples: no {status} finding")
    ids = [f["Id"] for f in found]
    check(len(ids) == len(set(ids)), "examples: duplicate finding Ids")
    for f in found:
        passed = f["Compliance"]["Status"] != "FAILED"
        check(passed == (f["Severity"]["Label"] == "INFORMATIONAL"),
              f"{f['Id']}: severity {f['Severity']['Label']} for {f['Compliance']['Status']}")
        check(passed == ("Remediation" not in f), f"{f['Id']}: remediation on a non-failure")

    # 250 containers: three batches of 100, 100 and 50.
    pods = "".join(
        f"---\nkind: Pod\nmetadata: {{name: p{i}}}\nspec: {{containers: [{{name: c}}]}}\n"
        for i in range(250))
    sizes = [len(b) for b in batches(binary, ["--rules", "read-only-root-fs", "-"], pods)]
    check(sizes == [100, 100, 50], f"250 containers gave batches of {sizes}")

    # Nothing judged: no line at all (BatchImportFindings refuses an empty list).
    with tempfile.TemporaryDirectory() as empty:
        check(batches(binary, [empty]) == [], "an empty scan wrote a batch")

    # Unnamed workloads and containers, in every resource type: no empty strings.
    unnamed = [
        ("pod.yaml", "kind: Pod\nspec:\n  containers:\n  - image: nginx\n"),
        ("task.json", '{"containerDefinitions": [{"image": "nginx"}]}'),
        ("bare.json", '[{"image": "nginx", "readonlyRootFilesystem": false}]'),
        ("compose.yaml", "services:\n  '':\n    image: nginx\n"),
        ("inspect.json", '[{"Id": "", "Name": "", "Config": {"Image": ""}, '
                         '"HostConfig": {"ReadonlyRootfs": false}}]'),
    ]
    with tempfile.TemporaryDirectory() as d:
        for name, text in unnamed:
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        batches(binary, [d])

    # A fixed container keeps its Id and turns PASSED, which resolves it in Security Hub.
    before = batches(binary, ["-"], "kind: Pod\nmetadata: {name: p}\n"
                     "spec: {containers: [{name: c}]}\n")[0][0]
    after = batches(binary, ["-"], "kind: Pod\nmetadata: {name: p}\nspec: {containers: "
                    "[{name: c, securityContext: {readOnlyRootFilesystem: true}}]}\n")[0][0]
    check(before["Id"] == after["Id"], "the Id changed with the verdict")
    check((before["Compliance"]["Status"], after["Compliance"]["Status"]) == ("FAILED", "PASSED"),
          "a fixed container is not PASSED")

    for member in sorted(set_aside):
        print(f"note: botocore {botocore.__version__}'s model has no {member}: not validated")
    for f in failures:
        print("FAIL:", f)
    print(f"asff: {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
