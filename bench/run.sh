#!/usr/bin/env bash
# rootlock benchmark: scans a large folder of real manifests and prints MB/s,
# files/s, containers/s and peak memory, single-threaded and on every core;
# then, side by side in the same run, every rule against read-only-root-fs
# alone, the floor (a bare libyaml event parse of the same files), the peer
# (Monokle's KBP102 rule, node), a 5x copy of the corpus for scaling, and the
# ratios against issue 8's and issue 15's targets.
#
#   bench/run.sh                 the shared 101 MB corpus (../shared/bench/corpus.tar.xz)
#   bench/run.sh --quick         the same without Monokle (its npm install and ~40 s a run)
#   bench/run.sh DIR             any folder of manifests
#   RUNS=5 bench/run.sh          best of 5 runs (default 3); MONOKLE_RUNS=3 for the peer (default 1)
#   JOBS=1 bench/run.sh          build with one compiler process (default: every core)
#
# Builds a Release binary in build-release/ first, and bench/libyaml_parse.cc
# beside it. The peer is installed once into $TMPDIR/rootlock-bench-monokle
# (npm install of ../shared/bench/package.json), the 5x corpus is built once
# into $TMPDIR/rootlock-bench-corpus-x5 (five copies, nested 1 to 5 folders
# deep). Timings drift between machines: compare figures taken in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
args=()
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -h | --help) sed -n '2,18p' "$0" | cut -c3-; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
runs=${RUNS:-3}
monokle_runs=${MONOKLE_RUNS:-1}
jobs=${JOBS:-$(nproc)}
tmp=${TMPDIR:-/tmp}
shared_bench=../shared/bench
corpus=${args[0]:-}
if [ -z "$corpus" ]; then
  tarball=$shared_bench/corpus.tar.xz
  [ -f "$tarball" ] || { echo "bench: no corpus: pass a folder, or put shared/ beside the repo" >&2; exit 2; }
  corpus=$tmp/rootlock-bench-corpus
  if [ ! -f "$corpus/.unpacked" ]; then
    echo "bench: unpacking the corpus into $corpus" >&2
    rm -rf "$corpus" && mkdir -p "$corpus"
    tar -xJf "$tarball" -C "$corpus" && touch "$corpus/.unpacked"
  fi
fi
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DROOTLOCK_TESTS=OFF >/dev/null
cmake --build build-release -j "$jobs" --target rootlock >/dev/null
bin=build-release/rootlock
# The floor: libyaml alone, built as rootlock links it.
parse_bin=build-release/libyaml_parse
if [ ! -x "$parse_bin" ] || [ bench/libyaml_parse.cc -nt "$parse_bin" ]; then
  # shellcheck disable=SC2046  # pkg-config prints several words on purpose
  c++ -std=c++20 -O2 -Wall -Wextra -o "$parse_bin" bench/libyaml_parse.cc $(pkg-config --cflags --libs yaml-0.1)
fi

# "files bytes containers" of a folder: the files rootlock walks for (.yaml, .yml, .json),
# and the containers its JSON summary counts. Also warms the page cache.
tally() {
  local dir=$1 bytes files containers
  bytes=$(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  files=$(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | wc -l)
  "$bin" scan --format json "$dir" >"$tmp/rootlock-bench.json" 2>/dev/null || true
  containers=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["containers"])' "$tmp/rootlock-bench.json")
  echo "$files $bytes $containers"
}
read -r files bytes containers < <(tally "$corpus")

# best wall time and peak RSS of $runs runs: prints "seconds kilobytes". The last
# run's standard output is kept in $tmp/rootlock-bench.out when $keep_output is set.
measure() {
  local best="" rss=0 out=/dev/null
  [ -n "${keep_output:-}" ] && out=$tmp/rootlock-bench.out
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$tmp/rootlock-bench.time" "$@" >"$out" 2>/dev/null || true
    read -r t m < <(tail -n 1 "$tmp/rootlock-bench.time")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}

declare -A secs rss_kb
printf 'corpus: %s — %d files, %.1f MB, %d containers\n\n' "$corpus" "$files" "$(echo "$bytes/1000000" | bc -l)" "$containers"
printf '%-28s %8s %9s %10s %13s %9s\n' "run" "seconds" "MB/s" "files/s" "containers/s" "peak RSS"
# row KEY NAME COMMAND...: times COMMAND over the figures in $bytes, $files, $containers.
row() {
  local key=$1 name=$2 t m
  shift 2
  read -r t m < <(measure "$@")
  secs[$key]=$t
  rss_kb[$key]=$m
  awk -v n="$name" -v t="$t" -v m="$m" -v b="$bytes" -v f="$files" -v c="$containers" \
    'BEGIN { if (t < 0.001) t = 0.001;
             printf "%-28s %8.2f %9.1f %10.0f %13.0f %6.0f MB\n", n, t, b/1e6/t, f/t, c/t, m/1024 }'
}
cores=$(nproc)
row j1 "rootlock --jobs 1" "$bin" scan --format json --jobs 1 "$corpus"
row jn "rootlock --jobs $cores (all cores)" "$bin" scan --format json "$corpus"
# Every rule (the default) against read-only-root-fs alone, same binary, same corpus (issue 15).
row ro1 "read-only-root-fs alone, -j 1" "$bin" scan --format json --jobs 1 --rules read-only-root-fs "$corpus"

# --- Side by side: the floor and the peer, over the same corpus. ---
row libyaml "libyaml parse (1 thread)" "$parse_bin" "$corpus"
monokle_note="not run (--quick)"
if [ "$quick" = 0 ]; then
  peer=$tmp/rootlock-bench-monokle
  mkdir -p "$peer"
  cp "$shared_bench/monokle-kbp102.mjs" "$peer/"
  if ! cmp -s "$shared_bench/package.json" "$peer/package.json" || [ ! -d "$peer/node_modules/@monokle/validation" ]; then
    echo "bench: installing the Monokle peer into $peer (npm install)" >&2
    cp "$shared_bench/package.json" "$peer/"
    (cd "$peer" && npm install --no-audit --no-fund --loglevel=error >&2) || rm -rf "$peer/node_modules"
  fi
  if [ -d "$peer/node_modules/@monokle/validation" ]; then
    keep_output=1 runs=$monokle_runs row monokle "Monokle KBP102 (node)" \
      node "$peer/monokle-kbp102.mjs" "$corpus" --crd-workaround --per-file
    monokle_note=$(python3 -c 'import json,sys
o = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("it read %d YAML files (%.1f MB), %d resources, %d KBP102 failures; validate() threw on %d files"
      % (o["files"], o["bytes"] / 1e6, o["resources"], o["kbp102Failures"], o["validateThrew"]))' \
      "$tmp/rootlock-bench.out" 2>/dev/null || echo "its output could not be read: $(head -c 300 "$tmp/rootlock-bench.out")")
  else
    monokle_note="not run: npm install failed (see above; --quick skips the peer)"
  fi
fi

# --- Scaling: five copies of the corpus, nested, built once. ---
x5=$tmp/rootlock-bench-corpus-x5
if [ "$(cat "$x5/.built-from" 2>/dev/null)" != "$corpus $files $bytes" ]; then
  echo "bench: building the 5x corpus in $x5" >&2
  rm -rf "$x5"
  for i in 1 2 3 4 5; do
    dest=$x5
    for _ in $(seq "$i"); do dest=$dest/copy$i; done
    mkdir -p "$dest" && cp -R "$corpus"/. "$dest"/
  done
  echo "$corpus $files $bytes" >"$x5/.built-from"
fi
read -r files bytes containers < <(tally "$x5")
row x5j1 "5x corpus, --jobs 1" "$bin" scan --format json --jobs 1 "$x5"
row x5jn "5x corpus, --jobs $cores" "$bin" scan --format json "$x5"

# --- Against issue 8's targets. ---
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b < 0.001) b = 0.001; printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v op="$2" -v lim="$3" 'BEGIN { ok = op == "<=" ? v <= lim : v >= lim; print ok ? "met" : "MISSED" }'; }
echo
echo "targets (issue 8):"
if [ -n "${secs[monokle]:-}" ]; then
  r1=$(ratio "${secs[monokle]}" "${secs[j1]}")
  rn=$(ratio "${secs[monokle]}" "${secs[jn]}")
  printf '  %-44s %sx with --jobs 1, %sx with --jobs %s (target >= 50x: %s)\n' \
    "rootlock speed / Monokle speed, whole corpus:" "$r1" "$rn" "$cores" "$(verdict "$rn" ">=" 50)"
fi
printf '  %-44s %s\n' "Monokle:" "$monokle_note"
r=$(ratio "${secs[j1]}" "${secs[ro1]}")
printf '  %-44s %s (issue 15, target <= 1.3: %s)\n' "every rule / read-only-root-fs alone, -j 1:" "$r" "$(verdict "$r" "<=" 1.3)"
r=$(ratio "${secs[j1]}" "${secs[libyaml]}")
printf '  %-44s %s (target <= 1.2: %s)\n' "rootlock --jobs 1 time / libyaml parse time:" "$r" "$(verdict "$r" "<=" 1.2)"
r1=$(ratio "${secs[x5j1]}" "${secs[j1]}")
rn=$(ratio "${secs[x5jn]}" "${secs[jn]}")
printf '  %-44s %s with --jobs 1, %s with --jobs %s (target <= 5.5: %s)\n' \
  "5x corpus time / 1x corpus time:" "$r1" "$rn" "$cores" "$(verdict "$(awk -v a="$r1" -v b="$rn" 'BEGIN{print (a > b ? a : b)}')" "<=" 5.5)"
peak=0
for k in j1 jn x5j1 x5jn; do [ "${rss_kb[$k]}" -gt "$peak" ] && peak=${rss_kb[$k]}; done
printf '  %-44s %.0f MB --jobs 1, %.0f MB --jobs %s; 5x corpus %.0f MB, %.0f MB (target <= 64 MB: %s)\n' \
  "rootlock peak RSS:" "$(echo "${rss_kb[j1]}/1024" | bc -l)" "$(echo "${rss_kb[jn]}/1024" | bc -l)" "$cores" \
  "$(echo "${rss_kb[x5j1]}/1024" | bc -l)" "$(echo "${rss_kb[x5jn]}/1024" | bc -l)" \
  "$(verdict "$((peak / 1024))" "<=" 64)"
