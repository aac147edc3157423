#!/usr/bin/env python3
"""The CI templates' shell, run here as the CI runners would run it.

usage: ci_templates_test.py ROOTLOCK_BINARY SOURCE_DIR
GitHub: action.yml's bash steps run in a simulated runner (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
GITHUB_PATH and RUNNER_TEMP as temporary files; ${{ }} expressions evaluated as the runner
would for the inputs given), with the built rootlock on PATH. GitLab: the template's job
script runs in a simulated job (CI_PROJECT_DIR), and its Code Quality artifact is validated
against GitLab's schema in ../shared/schemas. Exit 0 pass, 1 fail.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def need(module):
    try:
        return __import__(module)
    except ImportError:
        sys.exit(f"python3 module {module} is missing: run scripts/install-deps.sh --test")


yaml = need("yaml")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(text, context):
    """${{ inputs.x }}, ${{ github.action_path }}, ${{ steps.s.outputs.x }}: what the runner
    puts there (only these plain references: anything else fails the test)."""
    def one(m):
        expr = m.group(1)
        if expr not in context:
            failures.append(f"expression the test does not know: {expr}")
            return ""
        return context[expr]
    return EXPRESSION.sub(one, text)


def read_pairs(path):
    out = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def run_action(action, source, binary, inputs, workdir):
    """Runs every bash step of the composite action as the runner would; returns
    (step statuses, outputs of the scan step, the step summary, GITHUB_PATH)."""
    tmp = tempfile.mkdtemp()
    try:
        files = {k: os.path.join(tmp, k.lower()) for k in
                 ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH", "GITHUB_ENV")}
        for f in files.values():
            open(f, "w").close()
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        os.symlink(binary, os.path.join(bindir, "rootlock"))
        runner_temp = os.path.join(tmp, "runner-temp")
        os.mkdir(runner_temp)
        context = {"github.action_path": source}
        for name, spec in action["inputs"].items():
            context[f"inputs.{name}"] = str(inputs.get(name, spec.get("default", "")))
        statuses = {}
        outputs = {}
        for step in action["runs"]["steps"]:
            if "run" not in step:
                continue
            check(step.get("shell") == "bash", f"{step['name']}: shell bash")
            # Inputs reach the script through env:, never spliced into its text (injection).
            check("${{" not in step["run"], f"{step['name']}: an expression inside run:")
            cond = step.get("if")
            if cond:
                # The bash steps' conditions are all `${{ inputs.NAME == 'VALUE' }}`.
                m = re.fullmatch(r"\$\{\{\s*inputs\.([\w-]+) == '(\w+)'\s*\}\}", cond)
                check(m is not None, f"{step['name']}: a condition the test cannot evaluate")
                if not m or context[f"inputs.{m.group(1)}"] != m.group(2):
                    continue
            for f in (files["GITHUB_OUTPUT"],):
                open(f, "w").close()
            env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], RUNNER_TEMP=runner_temp,
                       NO_COLOR="1", SOURCE_DATE_EPOCH="1700000000", GITHUB_ACTIONS="true",
                       **files)
            for k, v in (step.get("env") or {}).items():
                env[k] = evaluate(str(v), context)
            # The runner runs bash --noprofile --norc -eo pipefail {0}.
            script = os.path.join(tmp, "step.sh")
            with open(script, "w") as f:
                f.write(step["run"])
            p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                               cwd=workdir, env=env, capture_output=True, text=True)
            statuses[step.get("id", step["name"])] = (p.returncode, p.stdout + p.stderr)
            step_outputs = read_pairs(files["GITHUB_OUTPUT"])
            if "id" in step:
                for k, v in step_outputs.items():
                    context[f"steps.{step['id']}.outputs.{k}"] = v
                outputs = step_outputs if step["id"] == "scan" else outputs
        with open(files["GITHUB_STEP_SUMMARY"]) as f:
            summary = f.read()
        with open(files["GITHUB_PATH"]) as f:
            github_path = f.read()
        sarif = None
        if outputs.get("sarif"):
            with open(outputs["sarif"]) as f:
                sarif = json.load(f)
        return statuses, outputs, summary, github_path, sarif, context
    finally:
        shutil.rmtree(tmp)


def test_action(binary, source):
    with open(os.path.join(source, "action.yml")) as f:
        action = yaml.safe_load(f)
    check(action["runs"]["using"] == "composite", "composite action")
    for name in ("paths", "min-ratio", "format"):
        check(name in action["inputs"], f"input {name}")
    uploads = [s for s in action["runs"]["steps"]
               if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    check(len(uploads) == 1, "one upload-sarif step")
    if uploads:
        check(uploads[0]["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif }}",
              "upload-sarif gets the scan's SARIF")
        check("always()" in uploads[0].get("if", ""), "SARIF is uploaded when the gate fails too")
    for name, out in action["outputs"].items():
        check(out["value"] == "${{ steps.scan.outputs.%s }}" % name, f"output {name}")

    # The bundled examples fail the default gate: the job fails, the findings are uploaded.
    statuses, outputs, summary, github_path, sarif, _ = run_action(
        action, source, binary, {"paths": "examples/kubernetes\nexamples/compose"}, source)
    check(statuses["Install rootlock"][0] == 0, f"install: {statuses['Install rootlock']}")
    check(github_path == "", "rootlock on PATH: nothing built, GITHUB_PATH untouched")
    check(statuses["scan"][0] == 0, f"the scan step itself succeeds: {statuses['scan']}")
    check(outputs.get("exit-code") == "1" and outputs.get("passed") == "false",
          f"outputs: {outputs}")
    check(summary.startswith("## rootlock: ") and "FAILED" in summary, f"summary: {summary[:80]}")
    check(sarif and sarif["version"] == "2.1.0" and sarif["runs"][0]["results"],
          "the SARIF has the findings")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]} if sarif else set()
    check(uris and all(u.startswith(("examples/kubernetes/", "examples/compose/")) for u in uris),
          f"only the paths given: {sorted(uris)[:3]}")
    gate = statuses.get("Gate")
    check(gate is not None and gate[0] == 1 and "::error" in gate[1], f"gate: {gate}")
    check(": fail: " in statuses["scan"][1], "the text report is in the log")

    # min-ratio 0 and another format: passes; the log has the format asked for.
    statuses, outputs, summary, _, _, _ = run_action(
        action, source, binary, {"paths": "examples", "min-ratio": "0", "format": "json"}, source)
    check(outputs.get("exit-code") == "0" and outputs.get("passed") == "true", f"outputs: {outputs}")
    check(statuses.get("Gate", (0,))[0] == 0, f"gate: {statuses.get('Gate')}")
    log = statuses["scan"][1]
    check(log.lstrip().startswith("{") and '"summary"' in log, f"--format json in the log: {log[:60]}")
    check("passed" in summary, "summary says passed")

    # fail: false never fails the job; a path with a space is one path.
    with tempfile.TemporaryDirectory() as work:
        os.mkdir(os.path.join(work, "my manifests"))
        shutil.copy(os.path.join(source, "examples/kubernetes/web-app.yaml"),
                    os.path.join(work, "my manifests"))
        statuses, outputs, summary, _, _, _ = run_action(
            action, source, binary, {"paths": "'my manifests'", "fail": "false"}, work)
        # Paths are split on white space (quotes are not shell syntax here): two paths that do
        # not exist, exit 2.
        check(outputs.get("exit-code") == "2", f"paths are split on white space: {outputs}")
        check("Gate" not in statuses, "fail: false skips the gate")
        statuses, outputs, summary, _, sarif, _ = run_action(
            action, source, binary, {"paths": "my*", "fail": "false", "args": "--fail-on high"},
            work)
        check(outputs.get("exit-code") == "2", f"paths are words, not globs: {outputs}")


def test_gitlab(binary, source):
    with open(os.path.join(source, "ci/gitlab/rootlock.gitlab-ci.yml")) as f:
        template = yaml.safe_load(f)
    job = template["rootlock"]
    reports = job["artifacts"]["reports"]
    check(job["artifacts"]["when"] == "always", "artifacts even when the gate fails")
    variables = {k: str(v) for k, v in template["variables"].items()}
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(os.path.join(source, "examples"), os.path.join(work, "examples"))
        bindir = os.path.join(work, ".bin")
        os.mkdir(bindir)
        os.symlink(binary, os.path.join(bindir, "rootlock"))
        subprocess.run(["git", "init", "-q", work], check=True)
        env = dict(os.environ, **variables)
        env.update(ROOTLOCK_PATHS="examples", CI="true", CI_PROJECT_DIR=work,
                   PATH=bindir + ":" + os.environ["PATH"], SOURCE_DATE_EPOCH="1700000000",
                   NO_COLOR="1")
        script = "\n".join(job["before_script"] + job["script"])
        # GitLab's shell runner: sh (bash where there is one) with -e.
        p = subprocess.run(["sh", "-e", "-c", script], cwd=work, env=env, capture_output=True,
                           text=True)
        check(p.returncode == 1, f"the examples fail the gate: {p.returncode} {p.stderr}")
        check("fail:" in p.stdout, "the text report is in the job log")
        path = os.path.join(work, reports["codequality"])
        check(os.path.exists(path), f"no {reports['codequality']}")
        check(os.path.exists(os.path.join(work, reports["junit"])), f"no {reports['junit']}")
        if not os.path.exists(path):
            return
        with open(path) as f:
            issues = json.load(f)
        shared = os.environ.get("ROOTLOCK_SHARED", os.path.join(source, "..", "shared"))
        schema_path = os.path.join(shared, "schemas", "gitlab-code-quality.schema.json")
        if os.path.exists(schema_path):
            jsonschema = need("jsonschema")
            with open(schema_path) as f:
                schema = json.load(f)
            for e in jsonschema.validators.validator_for(schema)(schema).iter_errors(issues):
                failures.append(f"codequality: {'/'.join(map(str, e.path))}: {e.message}")
        check(len(issues) > 5, f"{len(issues)} issues")
        check(all(i["location"]["path"].startswith("examples/") for i in issues),
              "paths relative to CI_PROJECT_DIR")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    test_action(binary, source)
    test_gitlab(binary, source)
    for f in failures:
        print("FAIL:", f)
    print("ci templates:", "fail" if failures else "the action's steps and the GitLab job work")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
