#!/usr/bin/env python3
"""The parse tree's cost per byte of source, as docs/limits.md states it.

Runs the real binary on the inputs whose trees cost the most per byte (a value
of one character per two bytes: a minified JSON array of small numbers, the
same as an HCL list attribute, a YAML flow sequence) and checks its peak RSS,
less that of a scan of an empty file, against FACTOR x the file's size.

  parse_memory_test.py ROOTLOCK [--sanitized]

Memory only, never time. Under AddressSanitizer the figure means nothing
(shadow memory, quarantine, redzones): --sanitized skips (exit 77).
"""
import os
import subprocess
import sys
import tempfile

# docs/limits.md: "a parse tree costs up to ~25x its source". The tree is
# 40 bytes a node plus an 8-byte pointer in its parent's list; "1," is a node
# per 2 bytes, and the source itself is held too: 25x. Allow a little slack
# for the allocator, not enough to let a second copy of the list (4x) through.
FACTOR = 27
MIB = 1024 * 1024


def peak_rss_bytes(argv):
    """Peak RSS of one run of argv (its own rusage, from wait4)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    return usage.ru_maxrss * 1024, proc.returncode, err


def write_list(path, prefix, suffix, items):
    with open(path, "w") as f:
        f.write(prefix + "[" + ",".join(["1"] * items) + "]" + suffix)
    return os.path.getsize(path)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rootlock = sys.argv[1]
    if "--sanitized" in sys.argv[2:]:
        print("skipped: peak RSS under a sanitizer says nothing about the tree")
        return 77
    scan = [rootlock, "scan", "--allow-empty", "--max-file-size", "64M", "--jobs", "1"]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.json")
        with open(empty, "w") as f:
            f.write("[]\n")
        base, code, err = peak_rss_bytes(scan + [empty])
        if code != 0:
            print(f"FAIL: the baseline scan exited {code}: {err}")
            return 1
        cases = [
            # 8 Mi values (16 MiB) and 4 Mi: JSON and HCL have no node limit.
            ("array.json", "", "\n", 8 * MIB),
            ("list.tf", "x = ", "\n", 4 * MIB),
            # YAML reads at most 4,000,000 nodes a document: just under it.
            ("flow.yaml", "x: ", "\n", 3_900_000),
        ]
        for name, prefix, suffix, items in cases:
            path = os.path.join(tmp, name)
            size = write_list(path, prefix, suffix, items)
            peak, code, err = peak_rss_bytes(scan + [path])
            factor = (peak - base) / size
            verdict = "ok" if code == 0 and factor <= FACTOR else "FAIL"
            print(f"{verdict}: {name}: {size / MIB:.1f} MiB, peak {peak / MIB:.0f} MiB "
                  f"(baseline {base / MIB:.0f} MiB): {factor:.1f}x, limit {FACTOR}x")
            if code != 0:
                print(f"  exit {code}: {err.strip()}")
            failures += verdict != "ok"
            os.remove(path)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
