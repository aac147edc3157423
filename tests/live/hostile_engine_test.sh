#!/usr/bin/env bash
# rootlock docker against a hostile engine (hostile_engine.py on a unix socket):
# what only a real socket shows. An endless chunked list and an endless inspect
# stay within the answer caps (peak RSS measured by /usr/bin/time), an engine that
# drips one byte a second is cut by --timeout, ids that are not ids are refused by
# name and never reach the wire (curl would turn /containers/../json into /json);
# each failure is one line on stderr.
# usage: hostile_engine_test.sh ROOTLOCK_BINARY [--sanitized]
# With --sanitized (an AddressSanitizer build) peak RSS is reported but not judged: the
# sanitizer's shadow memory and quarantine say nothing about the caps.
set -u
bin=$1
sanitized=0
[ "${2:-}" = "--sanitized" ] && sanitized=1
rss_below() {  # rss_below MIB: the peak RSS is below MIB (always true under a sanitizer)
  [ "$sanitized" -eq 1 ] || [ "$peak_mib" -lt "$1" ]
}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/time ]; then
  echo "hostile-engine: /usr/bin/time missing (scripts/install-deps.sh --test installs it); skipped"
  exit 77
fi
T=$(mktemp -d /tmp/rootlock-hostile.XXXXXX)
fake=""
cleanup() {
  [ -n "$fake" ] && kill "$fake" 2>/dev/null && wait "$fake" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"
CHECK_STDERR=$T/e
serve() {  # serve MODE: a hostile engine on $T/MODE.sock, requests logged to $T/MODE.log
  [ -n "$fake" ] && kill "$fake" 2>/dev/null && wait "$fake" 2>/dev/null
  : >"$T/$1.log"
  python3 "$here/hostile_engine.py" "$T/$1.sock" "$1" "$T/$1.log" & fake=$!
  for _ in $(seq 50); do [ -S "$T/$1.sock" ] && break; sleep 0.1; done
}
run() {  # run ARGS...: rootlock docker; sets status, seconds, peak_mib; stderr in $T/e
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f %M -o "$T/rss" "$bin" docker "$@" >"$T/o" 2>"$T/e"
  status=$?
  end=$(date +%s.%N)
  seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
  peak_mib=$(( $(tail -1 "$T/rss") / 1024 ))
  echo "   (rootlock docker $*: exit $status in ${seconds}s, peak RSS ${peak_mib} MiB)"
}
one_line() { [ "$(wc -l <"$T/e")" -eq 1 ]; }
has() { grep -qF -- "$1" "$T/e"; }

# (a) A container list that never ends: cut at the 256 MiB default, memory bounded.
serve endless
run --host "unix://$T/endless.sock"
check "endless list: exit 2" [ "$status" -eq 2 ]
check "endless list: one clear line" one_line
check "endless list: names the request, the limit and the flag" \
  has "rootlock: the answer to GET /v1.43/containers/json?all=1 from the Docker engine at unix://$T/endless.sock is over the 256.0 MiB limit (--max-response-size)"
check "endless list: peak RSS ${peak_mib} MiB < 400 MiB" rss_below 400
run --host "unix://$T/endless.sock" --max-response-size 8M
check "--max-response-size 8M: exit 2" [ "$status" -eq 2 ]
check "--max-response-size 8M: its own limit" has "is over the 8.0 MiB limit (--max-response-size)"
check "--max-response-size 8M: peak RSS ${peak_mib} MiB < 64 MiB" rss_below 64

# An inspect that never ends: cut at 16 MiB, the container is a note, the rest is judged; what
# a writable container wrote never ends either: cut at 64 MiB, it is judged without it.
serve endless-inspect
run --host "unix://$T/endless-inspect.sock"
check "endless inspect: the others are judged (1 of 2 read-only: exit 1)" [ "$status" -eq 1 ]
check "endless inspect: one note each" [ "$(wc -l <"$T/e")" -eq 2 ]
check "endless inspect: the note names the container and the limit" \
  has "docker:ffffffffffff: note: cannot inspect container /endless: the answer to GET /v1.43/containers/$(printf 'f%.0s' $(seq 64))/json from the Docker engine at unix://$T/endless-inspect.sock is over the 16.0 MiB limit (--max-response-size)"
check "endless changes: judged without what it wrote, said in one line" \
  has "docker:888888888888: note: cannot tell what Container '/writer' wrote: the answer to GET /v1.43/containers/$(printf '8%.0s' $(seq 64))/changes from the Docker engine at unix://$T/endless-inspect.sock is over the 64.0 MiB limit (--max-response-size); judged without it"
check "endless inspect and changes: peak RSS ${peak_mib} MiB < 120 MiB" rss_below 120

# (b) One byte a second: --timeout holds for the whole run, however many containers are slow.
serve drip
run --host "unix://$T/drip.sock" --timeout 3s
check "drip: exit 2" [ "$status" -eq 2 ]
check "drip: over in ${seconds}s < 15 s" python3 -c "import sys; sys.exit(not $seconds < 15)"
check "drip: one clear line" one_line
check "drip: names the deadline, the request and how far the run got" \
  has "rootlock: stopped: the 3s deadline (--timeout) passed waiting for GET /v1.43/containers/$(printf 'c%.0s' $(seq 64))/json from the Docker engine at unix://$T/drip.sock; 2 of 5 containers read"

# (c, d) Ids that are not ids, beside a container whose name and image hold escape sequences.
serve ids
run --host "unix://$T/ids.sock"
check "ids: the good container is judged (it fails: exit 1)" [ "$status" -eq 1 ]
check "ids: one line per refused id, nothing else" [ "$(wc -l <"$T/e")" -eq 3 ]
for id in '..' 'a/b' 'a%2Fb'; do
  check "ids: $id is refused by name" \
    has "unix://$T/ids.sock: warning: container id \"$id\" refused: not an id or name the engine gives; skipped"
done
check "ids: nothing but the good container was asked for" \
  [ "$(grep -c '^GET /v1.43/containers/' "$T/ids.log")" -eq 3 ]
check "ids: no path was normalised or smuggled" \
  bash -c "! grep -E '^GET /v1.43/(json|containers/(\\.\\.|a/b|a%2Fb))' '$T/ids.log'"
check "ids: the report names the good container" grep -q "lacks HostConfig.ReadonlyRootfs" "$T/o"
check "ids: the report counts the skipped" grep -q "^note: 3 container(s) skipped, each named on stderr; -v lists them$" "$T/o"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
