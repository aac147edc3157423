#!/usr/bin/env python3
"""Validates a rootlock report format against its official schema, read in place.

usage: validate.py ROOTLOCK_BINARY FORMAT      FORMAT: sarif, junit, policyreport or gitlab
Run from the repository root. The schemas are in ../shared/schemas (ROOTLOCK_SHARED
overrides ../shared); they are never copied here. Exit 0 valid, 1 invalid, 77 skipped
(the schemas are absent).

Each format is rendered for the bundled examples and for tests/formats/tricky names.yaml
(hostile names, a space in the file name), validated, and compared with what the JSON
contract says about the same scan: the schema alone would accept an empty report.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("ROOTLOCK_SHARED",
                        os.path.join(HERE, "..", "..", "..", "shared"))
SCHEMAS = os.path.join(SHARED, "schemas")
INPUTS = [["examples"], ["tests/formats/tricky names.yaml"]]
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(binary, args, cwd=None):
    p = subprocess.run([binary, "scan", "--min-ratio", "0", "-q"] + args, cwd=cwd, env=ENV,
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"rootlock {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def contract(binary, paths):
    return json.loads(run(binary, ["--format", "json"] + paths))


def need(module):
    try:
        return __import__(module)
    except ImportError:
        sys.exit(f"python3 module {module} is missing: run scripts/install-deps.sh")


# --- SARIF 2.1.0 -----------------------------------------------------------------------

def sarif_results_expected(findings):
    # Failures (warnings too) and errors only: GitHub ignores suppressions and would show
    # an n/a as an open alert.
    return [f for f in findings if f["status"] in ("fail", "error")]


def registry(binary):
    """The rule ids `rootlock rules` lists, in registry order."""
    listing = subprocess.run([binary, "rules"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listing.splitlines() if line.strip()]


def validate_sarif(binary):
    jsonschema = need("jsonschema")
    with open(os.path.join(SCHEMAS, "sarif-schema-2.1.0.json")) as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    for paths in INPUTS:
        doc = json.loads(run(binary, ["--format", "sarif"] + paths))
        for e in validator.iter_errors(doc):
            failures.append(f"{paths}: {'/'.join(map(str, e.path))}: {e.message}")
        run0 = doc["runs"][0]
        rules = run0["tool"]["driver"]["rules"]
        root = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        check(root.startswith("file:///") and root.endswith("/"), f"%SRCROOT%: {root}")
        check([r["id"] for r in rules] == registry(binary), "rules[]: every rule of the registry")
        for r in rules:
            check(r["helpUri"].startswith("https://"), f"{r['id']}: helpUri")
            check(r["help"]["markdown"].startswith("# " + r["id"] + ":"),
                  f"{r['id']}: help.markdown")
        check(rules[0]["properties"]["security-severity"] == "8.0", "security-severity")
        expected = sarif_results_expected(contract(binary, paths)["findings"])
        results = run0["results"]
        check(len(results) == len(expected),
              f"{paths}: {len(results)} results, expected {len(expected)}")
        for res, f in zip(results, expected):
            check(rules[res["ruleIndex"]]["id"] == res["ruleId"] == f["rule"], "ruleIndex")
            check(res["properties"]["status"] == f["status"], "result order")
            check("suppressions" not in res, "no suppressions")
            loc = res["locations"][0]["physicalLocation"]
            check(loc["artifactLocation"].get("uriBaseId") == "%SRCROOT%", "uriBaseId")
            check(not loc["artifactLocation"]["uri"].startswith(("/", "file:", "..")),
                  f"relative uri: {loc['artifactLocation']['uri']}")
            check(loc["region"] == {"startLine": f["line"], "startColumn": f["column"]},
                  "region")
            check(len(res["partialFingerprints"]["rootlock/v1"]) == 16, "fingerprint")
        if paths == INPUTS[1]:
            uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in results}
            check(uris == {"tests/formats/tricky%20names.yaml"}, f"uri encoding: {uris}")
    sarif_fingerprints_survive_reformatting(binary)


def sarif_fingerprints_survive_reformatting(binary):
    """Same containers, other lines: the fingerprints must not move."""
    yaml = need("yaml")
    rel = "examples/kubernetes/web-app.yaml"
    before = json.loads(run(binary, ["--format", "sarif", rel]))["runs"][0]["results"]
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, os.path.dirname(rel)))
        with open(rel) as f:
            docs = list(yaml.safe_load_all(f))
        with open(os.path.join(tmp, rel), "w") as f:
            f.write("# reformatted: sorted keys, other indentation, lines moved\n\n\n")
            yaml.safe_dump_all(docs, f, sort_keys=True, indent=4)
        after = json.loads(run(binary, ["--format", "sarif", rel], cwd=tmp))["runs"][0]["results"]
    key = lambda rs: [r["partialFingerprints"]["rootlock/v1"] for r in rs]
    lines = lambda rs: [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in rs]
    check(len(before) >= 2 and key(before) == key(after),
          f"fingerprints moved on reformatting: {key(before)} -> {key(after)}")
    check(lines(before) != lines(after), "the reformatted file should have moved the lines")


# --- JUnit ------------------------------------------------------------------------------

def validate_junit(binary):
    xmllint = shutil.which("xmllint")
    if not xmllint:
        sys.exit("xmllint is missing (libxml2-utils): run scripts/install-deps.sh")
    xsd = os.path.join(SCHEMAS, "junit.xsd")
    for paths in INPUTS:
        xml = run(binary, ["--format", "junit"] + paths)
        p = subprocess.run([xmllint, "--noout", "--schema", xsd, "-"], input=xml,
                           capture_output=True, text=True)
        if p.returncode != 0:
            failures.append(f"{paths}: {p.stderr.strip()}")
            continue
        findings = contract(binary, paths)["findings"]
        root = ET.fromstring(xml)
        suites = {s.get("name"): s for s in root.findall("testsuite")}
        check(sorted(suites) == sorted(registry(binary)), f"suites {sorted(suites)}")
        for rule, suite in suites.items():
            mine = [f for f in findings if f["rule"] == rule]
            cases = suite.findall("testcase")
            check(int(suite.get("tests")) == len(cases) == len(mine), f"{rule}: tests")
            gates = rule == "read-only-root-fs"
            for case, f in zip(cases, mine):
                # A warning (a failure of a rule that does not gate) is no <failure>.
                kind = {"fail": "failure" if gates else None, "error": "error", "n/a": "skipped",
                        "skipped": "skipped"}.get(f["status"])
                got = [c.tag for c in case]
                check(got == ([kind] if kind else []), f"{rule}: {f['status']} -> {got}")
                check(f["container"] in case.get("name"), "testcase name")
                if kind == "failure":
                    text = case.find("failure").text
                    check(text.startswith(f"{f['file']}:{f['line']}:{f['column']}: "),
                          f"failure text: {text[:60]}")
            check(int(suite.get("failures")) == sum(f["status"] == "fail" and gates for f in mine),
                  f"{rule}: failures")
            check(suite.get("timestamp") == "2023-11-14T22:13:20", "SOURCE_DATE_EPOCH")


# --- PolicyReport -----------------------------------------------------------------------

def strict(schema):
    """The CRD's schema with unknown fields refused: the API server would prune them."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if out.get("type") == "object" and "properties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def validate_policyreport(binary):
    jsonschema = need("jsonschema")
    yaml = need("yaml")
    with open(os.path.join(SCHEMAS, "wgpolicyk8s.io_policyreports-v1alpha2.yaml")) as f:
        crd = yaml.safe_load(f)
    versions = {v["name"]: v for v in crd["spec"]["versions"]}
    schema = strict(versions["v1alpha2"]["schema"]["openAPIV3Schema"])
    validator = jsonschema.Draft7Validator(schema)
    for paths in INPUTS:
        docs = [d for d in yaml.safe_load_all(run(binary, ["--format", "policyreport"] + paths))
                if d is not None]
        findings = [f for f in contract(binary, paths)["findings"]
                    if f["platform"] == "kubernetes"]
        namespaces = sorted({f["namespace"] for f in findings})
        check([d["metadata"].get("namespace", "") for d in docs] == namespaces,
              f"{paths}: one report per namespace")
        results = 0
        for d in docs:
            for e in validator.iter_errors(d):
                failures.append(f"{paths}: {'/'.join(map(str, e.path))}: {e.message}")
            check(d["apiVersion"] == "wgpolicyk8s.io/v1alpha2" and d["kind"] == "PolicyReport",
                  "apiVersion/kind")
            counts = {k: 0 for k in ("pass", "fail", "warn", "error", "skip")}
            for r in d["results"]:
                counts[r["result"]] += 1
                check(r["timestamp"] == {"seconds": 1700000000, "nanos": 0}, "timestamp")
                check(r["resources"][0].get("namespace", "") == d["metadata"].get("namespace", ""),
                      "resource namespace")
            check(d["summary"] == counts, f"summary {d['summary']} != {counts}")
            results += len(d["results"])
        check(results == len(findings), f"{paths}: {results} results for {len(findings)}")
        check(sum(f["status"] == "fail" and f["rule"] == "read-only-root-fs" for f in findings) ==
              sum(r["result"] == "fail" for d in docs for r in d["results"]), "fail count")


# --- GitLab Code Quality ----------------------------------------------------------------

GITLAB_SEVERITY = {"low": "minor", "medium": "major", "high": "critical", "critical": "blocker"}


def validate_gitlab(binary):
    jsonschema = need("jsonschema")
    with open(os.path.join(SCHEMAS, "gitlab-code-quality.schema.json")) as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    for paths in INPUTS:
        doc = json.loads(run(binary, ["--format", "gitlab"] + paths))
        for e in validator.iter_errors(doc):
            failures.append(f"{paths}: {'/'.join(map(str, e.path))}: {e.message}")
        expected = [f for f in contract(binary, paths)["findings"]
                    if f["status"] in ("fail", "error")]
        check(len(doc) == len(expected), f"{paths}: {len(doc)} issues, expected {len(expected)}")
        fingerprints = [i["fingerprint"] for i in doc]
        check(len(set(fingerprints)) == len(fingerprints), f"{paths}: repeated fingerprints")
        for issue, f in zip(doc, expected):
            check(issue["check_name"] == f["rule"], f"check_name {issue['check_name']}")
            check(issue["severity"] == GITLAB_SEVERITY[f["severity"]],
                  f"{f['rule']}: severity {issue['severity']} for {f['severity']}")
            check(issue["location"]["path"] == f["file"],
                  f"path {issue['location']['path']} != {f['file']}")
            check(issue["location"]["lines"]["begin"] == f["line"], "lines.begin")
            check(f["container"] in issue["description"], "description names the container")
    # Paths are relative to the repository root even when run from below it or given
    # absolute: GitLab links them into the tree.
    doc = json.loads(run(binary, ["--format", "gitlab", os.path.abspath("examples/kubernetes")]))
    check(doc and all(i["location"]["path"].startswith("examples/kubernetes/") for i in doc),
          "absolute input: repository-relative paths")
    doc = json.loads(run(binary, ["--format", "gitlab", "."], cwd="examples/kubernetes"))
    check(doc and all(i["location"]["path"].startswith("examples/kubernetes/") for i in doc),
          f"run from a sub-folder: {[i['location']['path'] for i in doc][:2]}")
    # No failure: an empty array, still valid.
    p = subprocess.run([binary, "scan", "--format", "gitlab", "-"], env=ENV, text=True,
                       capture_output=True,
                       input="kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                             "  - name: a\n    securityContext:\n"
                             "      {readOnlyRootFilesystem: true, runAsNonRoot: true}\n"
                             "    volumeMounts: [{name: t, mountPath: /tmp}]\n"
                             "    image: x\n  volumes: [{name: t, emptyDir: {}}]\n")
    check(p.returncode == 0 and json.loads(p.stdout) == [],
          f"a clean scan: {p.returncode} {p.stdout!r} {p.stderr}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, fmt = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not os.path.isdir(SCHEMAS):
        print(f"{SCHEMAS} not present; skipped")
        return 77
    {"sarif": validate_sarif, "junit": validate_junit,
     "policyreport": validate_policyreport, "gitlab": validate_gitlab}[fmt](binary)
    for f in failures:
        print("FAIL:", f)
    print(f"{fmt}: {'invalid' if failures else 'valid'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
