#!/usr/bin/env bash
# Scores rootlock against the peers' labelled cases in ../shared/conformance,
# read in place (they may not be copied here). Exit 77 (skipped) when absent.
# usage: conformance.sh ROOTLOCK_BINARY PLATFORM
set -u
bin=$1 platform=$2
shared=${ROOTLOCK_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
if [ ! -f "$shared/conformance/labels.tsv" ] || [ ! -d "$shared/conformance/$platform" ]; then
  echo "conformance: $shared/conformance not present; skipped"
  exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Exit 1 (policy) and 2 (some peer files are not ours to parse) are expected here.
"$bin" scan --format json "$shared/conformance/$platform" >"$out"
status=$?
if [ "$status" -gt 2 ]; then
  echo "conformance: rootlock crashed or was killed (exit $status)"
  exit 1
fi
python3 "$shared/tools/conformance.py" "$shared/conformance/labels.tsv" "$out" "$platform"
