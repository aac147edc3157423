#!/usr/bin/env bash
# kubectl-rootlock, a link to rootlock, found by kubectl's own plugin discovery: `kubectl
# plugin list` lists it, and `kubectl rootlock ...` reaches rootlock as `rootlock k8s ...`
# with kubectl's flags (-A is --all-namespaces).
#   kubectl_plugin_test.sh ROOTLOCK_BINARY
# Exit 0 pass, 1 fail, 77 skipped (no kubectl).
#
# Until `rootlock k8s` exists (issue 17), `kubectl rootlock --help` ends in exactly
# "rootlock: unknown command 'k8s'": that one answer is tolerated, and said so. Once the
# command is there, its --help must answer and kubectl's flags must parse.
set -uo pipefail
bin=$(readlink -f "$1")
kubectl=$(command -v kubectl) || { echo "kubectl is missing; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
mkdir -p "$tmp/plugins"
ln -s "$bin" "$tmp/plugins/kubectl-rootlock"
# kubectl with only the link and kubectl itself on PATH: no other plugin interferes.
mkdir -p "$tmp/kubectl-bin"
ln -s "$kubectl" "$tmp/kubectl-bin/kubectl"
kubectl() { PATH="$tmp/plugins:$tmp/kubectl-bin" HOME="$tmp" KUBECONFIG="$tmp/kubeconfig" "$kubectl" "$@"; }

kubectl plugin list > "$tmp/list" 2> "$tmp/list-err"
cat "$tmp/list" "$tmp/list-err"
grep -qxF "$tmp/plugins/kubectl-rootlock" "$tmp/list" || no "kubectl plugin list does not find kubectl-rootlock"
grep -q 'warning' "$tmp/list-err" && no "kubectl warns about the plugin"

kubectl rootlock --help > "$tmp/out" 2> "$tmp/err"
status=$?
[ $status -eq 0 ] || no "kubectl rootlock --help exited $status: $(cat "$tmp/err")"
head -1 "$tmp/out" | grep -q '^usage: rootlock k8s' || no "kubectl rootlock --help: $(head -1 "$tmp/out")"
# kubectl's flags, as kubectl users type them, are flags of rootlock k8s.
for flags in "-A" "--all-namespaces" "-n default" "--namespace=default" "--context kind" \
    "--kubeconfig $tmp/kubeconfig"; do
  # shellcheck disable=SC2086
  kubectl rootlock $flags --help > "$tmp/out" 2> "$tmp/err" ||
    no "kubectl rootlock $flags --help: $(cat "$tmp/err")"
done
# rootlock by its own name is unchanged by the link.
"$bin" --version | grep '^rootlock ' >/dev/null || no "rootlock --version"
[ $fail -eq 0 ] && echo "kubectl plugin: found by kubectl plugin list, kubectl rootlock reaches rootlock k8s"
exit $fail
