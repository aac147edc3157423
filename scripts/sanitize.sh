#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: builds in build-asan/ and runs ctest there. Any
# sanitizer report fails the test that triggered it. Used by .ci/run after
# scripts/test.sh.
#   scripts/sanitize.sh
#   JOBS=1 scripts/sanitize.sh            build and test with one process
#   SANITIZE_BUILD_DIR=dir scripts/sanitize.sh
#
# Warnings are not errors here: scripts/test.sh holds the code to -Werror, and
# GCC 12 reports false positives under -fsanitize (a -Wrestrict in
# std::string's assignment, GCC bug 105329).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
build=${SANITIZE_BUILD_DIR:-build-asan}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOTLOCK_SANITIZE=address,undefined \
  -DROOTLOCK_WERROR=OFF >/dev/null
cmake --build "$build" -j "$jobs"
# The binaries the tests run inherit these: a report aborts the process, so
# the test fails whatever it expected from the exit status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j "$jobs"
