#!/usr/bin/env python3
"""Validates our SARIF with Microsoft's SARIF multitool, as GitHub code scanning expects it.

usage: sarif_multitool_test.py ROOTLOCK_BINARY      run from the repository root

The multitool (npm @microsoft/sarif-multitool, installed by scripts/install-deps.sh --test
under /opt/rootlock-test-tools, or ROOTLOCK_SARIF_MULTITOOL) runs its SARIF and GitHub rule
sets ("Sarif;Gh") on reports of the examples, of tests/formats/tricky names.yaml and of
stdin. Any error or warning fails; notes (suggestions such as code snippets) are allowed.
Exit 0 or 1; 77 when the multitool is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

TOOL = os.environ.get(
    "ROOTLOCK_SARIF_MULTITOOL",
    "/opt/rootlock-test-tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")
# A self-contained .NET program: without libicu it needs the invariant globalization mode.
TOOL_ENV = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1",
                DOTNET_CLI_TELEMETRY_OPTOUT="1")
INPUTS = [(["examples"], None), (["tests/formats/tricky names.yaml"], None),
          (["-"], "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\n")]


def main():
    if not os.access(TOOL, os.X_OK):
        print(f"{TOOL} is not installed (scripts/install-deps.sh --test): skipped")
        return 77
    binary = os.path.abspath(sys.argv[1])
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (args, stdin) in enumerate(INPUTS):
            report = os.path.join(tmp, f"r{n}.sarif")
            p = subprocess.run([binary, "scan", "-q", "--min-ratio", "0", "--format", "sarif"] +
                               args, input=stdin, env=ENV, capture_output=True, text=True)
            if p.returncode not in (0, 1) or not p.stdout:
                sys.exit(f"rootlock {' '.join(args)} exited {p.returncode}: {p.stderr}")
            with open(report, "w") as f:
                f.write(p.stdout)
            log = os.path.join(tmp, f"v{n}.sarif")
            v = subprocess.run([TOOL, "validate", "--rule-kind", "Sarif;Gh", "--level",
                                "Error;Warning", "--log", "ForceOverwrite", "-o", log, report],
                               env=TOOL_ENV, capture_output=True, text=True, timeout=240)
            if v.returncode != 0 or not os.path.exists(log):
                problems.append(f"{args}: the multitool exited {v.returncode}: "
                                f"{v.stdout[-2000:]}{v.stderr[-2000:]}")
                continue
            with open(log) as f:
                results = json.load(f)["runs"][0].get("results", [])
            for r in results:
                if r.get("level", "warning") in ("error", "warning"):
                    problems.append(f"{args}: {r.get('ruleId')}: {r['message'].get('text', r)}")
            print(f"{' '.join(args)}: {len(results)} error(s) or warning(s)")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
