#!/usr/bin/env bash
# rootlock k8s against the loopback HTTPS API server of tests/live/fake_k8s.py serving
# PODS pods and WORKLOADS Deployments (the pods owned by them, pages generated as asked),
# beside what a user does without it: kubectl get ... -A -o json | rootlock scan -.
# Wall time and peak RSS (GNU time) of each; rootlock k8s also at 10,000 pods, to show that
# its memory does not grow with the pods (each page is processed and dropped).
#
#   bench/k8s.sh                        100,000 pods, 5,000 workloads
#   PODS=20000 WORKLOADS=1000 bench/k8s.sh
#   ROOTLOCK=build/rootlock bench/k8s.sh   an existing binary (default: build-release/, built)
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${PODS:-100000}
workloads=${WORKLOADS:-5000}
bin=${ROOTLOCK:-}
if [ -z "$bin" ]; then
  cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DROOTLOCK_TESTS=OFF >/dev/null
  cmake --build build-release -j "${JOBS:-$(nproc)}" --target rootlock >/dev/null
  bin=build-release/rootlock
fi
bin=$(realpath "$bin")
command -v openssl >/dev/null || { echo "bench/k8s.sh needs openssl" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/k8s.sh needs GNU time (/usr/bin/time)" >&2; exit 2; }
T=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/kube"
(
  cd "$T/kube"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 \
    -subj /CN=bench-ca 2>/dev/null
  echo "subjectAltName=IP:127.0.0.1" >san.ext
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=api 2>/dev/null
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
    -days 1 -extfile san.ext 2>/dev/null
)
export HOME=$T NO_COLOR=1 KUBECONFIG=$T/kube/config

serve() {  # PODS WORKLOADS: starts the server, sets $server and the kubeconfig
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -f "$T/port"
  FAKE_K8S_PODS=$1 FAKE_K8S_WORKLOADS=$2 python3 tests/live/fake_k8s.py "$T/kube" "$T/port" \
    /dev/null &
  server=$!
  for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
  cat >"$T/kube/config" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster: {server: "https://127.0.0.1:$(cat "$T/port")", certificate-authority: ca.crt}
users:
- name: bench
  user: {token: good-token}
contexts:
- name: bench
  context: {cluster: bench, user: bench}
current-context: bench
EOF
}

measure() {  # LABEL COMMAND...: "LABEL: 12.34 s  56.7 MiB peak RSS  1.23 s CPU"
  local label=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$T/time" "$@" >"$T/out" 2>"$T/err" || true
  if [ "$(wc -l <"$T/time")" -gt 1 ]; then sed -n 1p "$T/err" >&2; fi
  tail -1 "$T/time" >"$T/time.last" && mv "$T/time.last" "$T/time"
  read -r secs kib user sys <"$T/time"
  printf '%-44s %8.2f s %8.1f MiB peak RSS %7.2f s CPU\n' "$label:" "$secs" \
    "$(echo "$kib/1024" | bc -l)" "$(echo "$user+$sys" | bc -l)"
}

echo "rootlock k8s: $workloads Deployments; pods as said (HTTPS on loopback, pages of 500)"
serve 10000 "$workloads"
measure "rootlock k8s, 10,000 pods" "$bin" k8s --format json --min-ratio 0 -q
serve "$pods" "$workloads"
measure "rootlock k8s, $pods pods" "$bin" k8s --format json --min-ratio 0 -q
python3 -c "
import json,sys; r=json.load(open('$T/out'))
print('  judged:', len({(f['namespace'], f['name']) for f in r['findings']}), 'workloads,',
      len(r['findings']), 'findings')"
if command -v kubectl >/dev/null; then
  kinds=deployments,statefulsets,daemonsets,replicasets,replicationcontrollers,jobs,cronjobs,pods
  measure "kubectl get ... -A -o json, $pods pods" sh -c "kubectl get $kinds -A -o json >'$T/all.json'"
  measure "  | rootlock scan - (every pod judged)" sh -c "'$bin' scan --format json --min-ratio 0 -q --max-file-size 2G - <'$T/all.json'"
fi
