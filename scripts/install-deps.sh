#!/usr/bin/env bash
# Installs what rootlock needs, from Debian 12 packages only.
#   scripts/install-deps.sh          to build and run rootlock
#   scripts/install-deps.sh --test   also the test tools (GoogleTest, podman, clang,
#                                    chromium, ...): what scripts/test.sh, sanitize.sh
#                                    and fuzz.sh use
# Safe to run twice: apt-get skips what is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates
  libyaml-dev            # YAML 1.1 event parser (what kubectl's YAML reader implements)
  libcurl4-openssl-dev   # the Docker Engine API (rootlock docker)
)
test_packages=(
  git
  libgtest-dev libgmock-dev  # unit and end-to-end tests
  python3                # conformance scoring (../shared/tools/conformance.py)
  xz-utils hyperfine time bc  # bench/: unpack the corpus, time runs side by side
  util-linux             # setpriv: tests that need an unprivileged user
  podman busybox-static  # a real Docker-compatible engine for the live tests (create only)
  clang-format
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer, AddressSanitizer, UBSan runtimes
  python3-jsonschema     # formats.sarif / formats.policyreport: validate against the official schemas
  python3-yaml           # formats.policyreport, fix.json_patch: read YAML streams
  python3-jsonpatch      # fix.json_patch: apply our RFC 6902 patches with a real implementation
  libxml2-utils          # formats.junit: xmllint validates JUnit XML against junit.xsd
  chromium               # formats.html_chromium: the HTML report in a real (headless) browser
  bsdutils               # script(1): Progress.OnATerminalOnly runs rootlock on a pseudo-terminal
)
case "${1:-}" in
  --test) packages+=("${test_packages[@]}") ;;
  "") ;;
  *) echo "usage: scripts/install-deps.sh [--test]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
