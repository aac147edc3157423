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
  libssl-dev             # libcrypto: SHA-256 (the HTML report's CSP hashes); libssl: the webhook's TLS
  libboost-dev           # Boost.Beast/Asio (headers): the admission webhook's HTTP server
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
  python3-botocore       # formats.asff: AWS's own model of BatchImportFindings
  attr acl               # setfattr, setfacl: fix keeps extended attributes and ACLs (FixSafety tests)
  # integrations.*: each way users meet rootlock, through its real consumer
  groff-base man-db      # integrations.man: groff -ww renders rootlock(1); man -l reads it
  zsh fish               # integrations.completion: the shells parse (and fish runs) their scripts
  dpkg-dev lintian       # integrations.deb: CPack's dpkg-shlibdeps Depends, lintian checks the .deb
  pre-commit             # integrations.pre_commit: pre-commit try-repo runs .pre-commit-hooks.yaml
  # integrations.kubectl_plugin needs kubectl (1.32 here; Debian 12's kubernetes-client is
  # 1.20, whose plugin discovery works the same): the test skips without it.
  openssl                # k8s.live, bench/k8s.sh: a CA and certificates made per run (kubectl, when
                         # installed, is cross-checked against the same loopback API server)
  python3-kubernetes     # webhook.manifests: the rendered objects against the API's models
  wrk hey nginx-light    # bench/webhook.sh: load over TLS keep-alive, nginx as the floor
  golang-go              # webhook.chart: renders deploy/chart with text/template (helm is not in Debian)
)
# formats.sarif_multitool: npm installs Microsoft's SARIF multitool (below). A machine that
# has Node.js from elsewhere (whose nodejs conflicts with Debian's npm) keeps its own npm.
command -v npm >/dev/null 2>&1 || test_packages+=(npm)
# Test tools that only npm has, installed under $tools (not on PATH, not global).
tools=${ROOTLOCK_TEST_TOOLS:-/opt/rootlock-test-tools}
npm_tools=(@microsoft/sarif-multitool@5.7.0)  # formats.sarif_multitool: SARIF + GitHub rules

install_npm_tools() {
  [ -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ] && return 0
  echo "install-deps: npm install ${npm_tools[*]} into $tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "${npm_tools[@]}" >/dev/null
  # npm may skip the package's postinstall script that makes it executable.
  chmod u+x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
}
with_tests=0
case "${1:-}" in
  --test) packages+=("${test_packages[@]}"); with_tests=1 ;;
  "") ;;
  *) echo "usage: scripts/install-deps.sh [--test]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi
if [ "$with_tests" -eq 1 ]; then install_npm_tools; fi
