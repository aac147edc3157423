#!/usr/bin/env bash
# rootlock benchmark: scans a large folder of real manifests and prints MB/s,
# files/s, containers/s and peak memory, single-threaded and on every core.
#
#   bench/run.sh                 the shared 101 MB corpus (../shared/bench/corpus.tar.xz)
#   bench/run.sh DIR             any folder of manifests
#   RUNS=5 bench/run.sh          best of 5 runs (default 3)
#
# Builds a Release binary in build-release/ first. Timings drift between
# machines: compare figures taken in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
corpus=${1:-}
if [ -z "$corpus" ]; then
  tarball=../shared/bench/corpus.tar.xz
  [ -f "$tarball" ] || { echo "bench: no corpus: pass a folder, or put shared/ beside the repo" >&2; exit 2; }
  corpus=${TMPDIR:-/tmp}/rootlock-bench-corpus
  if [ ! -f "$corpus/.unpacked" ]; then
    echo "bench: unpacking the corpus into $corpus" >&2
    rm -rf "$corpus" && mkdir -p "$corpus"
    tar -xJf "$tarball" -C "$corpus" && touch "$corpus/.unpacked"
  fi
fi
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DROOTLOCK_TESTS=OFF >/dev/null
cmake --build build-release -j "$(nproc)" --target rootlock >/dev/null
bin=build-release/rootlock

bytes=$(find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$corpus" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | wc -l)
"$bin" scan --format json "$corpus" >/tmp/rootlock-bench.json 2>/dev/null || true  # warm the page cache
containers=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["containers"])' /tmp/rootlock-bench.json)

# best wall time and peak RSS of $runs runs: prints "seconds kilobytes"
measure() {
  local best="" rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o /tmp/rootlock-bench.time "$@" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 /tmp/rootlock-bench.time)
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}

printf 'corpus: %s — %d files, %.1f MB, %d containers\n\n' "$corpus" "$files" "$(echo "$bytes/1000000" | bc -l)" "$containers"
printf '%-28s %8s %9s %10s %13s %9s\n' "run" "seconds" "MB/s" "files/s" "containers/s" "peak RSS"
row() {
  local name=$1; shift
  read -r t m < <(measure "$@")
  awk -v n="$name" -v t="$t" -v m="$m" -v b="$bytes" -v f="$files" -v c="$containers" \
    'BEGIN { if (t < 0.001) t = 0.001;
             printf "%-28s %8.2f %9.1f %10.0f %13.0f %6.0f MB\n", n, t, b/1e6/t, f/t, c/t, m/1024 }'
}
row "rootlock --jobs 1" "$bin" scan --format json --jobs 1 "$corpus"
row "rootlock --jobs $(nproc) (all cores)" "$bin" scan --format json "$corpus"
