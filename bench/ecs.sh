#!/usr/bin/env bash
# rootlock ecs against a loopback ECS API with 20 ms added to every answer (issue 16's
# performance bar), beside botocore doing the same calls: sequentially (the shell loop of
# the ECS.5 page: list every family, describe each) and on 8 threads.
#
#   bench/ecs.sh                 1,000 families, 20 ms latency
#   FAMILIES=300 LATENCY_MS=50 bench/ecs.sh
#   ROOTLOCK=build/rootlock bench/ecs.sh   an existing binary (default: build-release/, built)
set -euo pipefail
cd "$(dirname "$0")/.."
families=${FAMILIES:-1000}
latency=${LATENCY_MS:-20}
bin=${ROOTLOCK:-}
if [ -z "$bin" ]; then
  cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DROOTLOCK_TESTS=OFF >/dev/null
  cmake --build build-release -j "${JOBS:-$(nproc)}" --target rootlock >/dev/null
  bin=build-release/rootlock
fi
python3 -c "import botocore" 2>/dev/null || { echo "bench/ecs.sh needs python3-botocore" >&2; exit 2; }
T=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$T"' EXIT
FAKE_ECS_FAMILIES=$families FAKE_ECS_LATENCY_MS=$latency FAKE_ECS_VERIFY=0 \
  python3 tests/live/fake_ecs.py "$T/port" "$T/log" &
server=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$T/port")"
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_REGION=eu-west-1
export HOME=$T

seconds() { python3 -c 'import sys,time; print(f"{time.time():.3f}")'; }
run_rootlock() {
  local start end
  start=$(seconds)
  "$bin" ecs --endpoint-url "$url" "$@" --format json --min-ratio 0 >"$T/out.json"
  end=$(seconds)
  python3 -c "print(f'{$end - $start:.2f}')"
}
run_botocore() {
  python3 - "$url" "$1" <<'PY'
import sys, time, concurrent.futures, botocore.session
url, threads = sys.argv[1], int(sys.argv[2])
session = botocore.session.get_session()
def client():
    return session.create_client("ecs", region_name="eu-west-1", endpoint_url=url)
c = client()
start = time.time()
families, token = [], None
while True:
    page = c.list_task_definition_families(status="ACTIVE", **({"nextToken": token} if token else {}))
    families += page["families"]
    token = page.get("nextToken")
    if not token:
        break
local = __import__("threading").local()
def describe(f):
    if not hasattr(local, "c"):
        local.c = client()
    return local.c.describe_task_definition(taskDefinition=f, include=["TAGS"])
with concurrent.futures.ThreadPoolExecutor(threads) as pool:
    n = len(list(pool.map(describe, families)))
print(f"{time.time() - start:.2f}")
PY
}

echo "rootlock ecs: $families families, ${latency} ms per answer (loopback)"
r8=$(run_rootlock)
containers=$(python3 -c "import json; print(json.load(open('$T/out.json'))['summary']['containers'])")
r1=$(run_rootlock --jobs 1)
r32=$(run_rootlock --jobs 32)
b1=$(run_botocore 1)
b8=$(run_botocore 8)
printf '%-40s %8s s\n' "rootlock ecs (--jobs 8, default)" "$r8" "rootlock ecs --jobs 1" "$r1" \
  "rootlock ecs --jobs 32" "$r32" "botocore, sequential (the shell loop)" "$b1" \
  "botocore, 8 threads" "$b8"
echo "containers judged: $containers"
python3 -c "print(f'rootlock (8 jobs) vs the sequential loop: {$b1 / $r8:.1f}x faster; vs botocore on 8 threads: {$b8 / $r8:.1f}x')"
