#!/usr/bin/env bash
# The whole test suite, from nothing: installs dependencies, builds (warnings
# are errors), and runs every test with ctest. Used by .ci/run and the README.
#   scripts/test.sh            build in build-test/ and run ctest
#   BUILD_DIR=dir scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
build=${BUILD_DIR:-build-test}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROOTLOCK_WERROR=ON >/dev/null
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
