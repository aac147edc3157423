#!/usr/bin/env bash
# Fuzzes rootlock with libFuzzer: builds the targets in fuzz/ with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer in build-fuzz/, then runs each
# one for FUZZ_SECONDS, seeded with tests/golden, examples/, tests/regress and
# ../shared/conformance (read in place: libFuzzer writes what it learns to
# build-fuzz/corpus/TARGET only). Fails on any crash, hang, leak, sanitizer
# report or violated property; the input is saved in build-fuzz/artifacts/.
#
#   scripts/fuzz.sh                          every target, 10 s each (CI)
#   FUZZ_SECONDS=3600 scripts/fuzz.sh        the long run: an hour per target
#   FUZZ_TARGETS="scan fix" scripts/fuzz.sh  some targets (yaml json hcl scan fix text)
#   JOBS=1 scripts/fuzz.sh                   build with one compiler process
#
# To keep a crash as a regression test, copy the artifact to
# tests/regress/TARGET/WHAT-IT-CATCHES.EXT (see tests/regress/README.md), and
# replay it with build-fuzz/fuzz/fuzz_TARGET FILE or build/fuzz/replay_TARGET FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
seconds=${FUZZ_SECONDS:-10}
read -r -a targets <<<"${FUZZ_TARGETS:-yaml json hcl scan fix text}"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
build=${FUZZ_BUILD_DIR:-build-fuzz}
cxx=${FUZZ_CXX:-clang++-14}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: needs $cxx (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi

# RelWithDebInfo without -DNDEBUG: assertions stay on while fuzzing.
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" -DROOTLOCK_FUZZ=ON -DROOTLOCK_TESTS=OFF \
  -DROOTLOCK_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}"

seeds=(tests/golden examples tests/regress)
[ -d ../shared/conformance ] && seeds+=(../shared/conformance)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t/
  log=$build/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  # -max_len: 64 KiB reaches every construct (deep nesting, alias chains,
  # long flow collections) and keeps each run in the millisecond range.
  # -timeout: no input may take 10 s (a hang); -rss_limit_mb: nor 2 GB.
  if "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -dict=fuzz/rootlock.dict -artifact_prefix="$artifacts" \
    -print_final_stats=1 "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
    echo "fuzz: $t: ${runs:-?} runs in ${seconds}s, $cov, corpus $(find "$corpus" -type f | wc -l) files, no crash"
  else
    echo "fuzz: $t: FAILED; the end of $log:" >&2
    tail -n 40 "$log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each: no crash, hang, leak or violated property"
