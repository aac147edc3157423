#!/usr/bin/env bash
# rootlock docker against a real engine: podman's Docker-compatible API service,
# with its own --root/--runroot and the vfs driver in a temporary folder, and
# containers created (never started: they cannot run on these machines) from an
# image imported from a static busybox rootfs. Exit 77 (skipped) without podman.
# usage: docker_live_test.sh ROOTLOCK_BINARY
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v podman >/dev/null || [ ! -x /bin/busybox ]; then
  echo "docker-live: podman or busybox-static missing (scripts/install-deps.sh installs them); skipped"
  exit 77
fi
T=$(mktemp -d /tmp/rootlock-podman.XXXXXX)
chmod 755 "$T"
P=(podman --root "$T/root" --runroot "$T/runroot" --storage-driver vfs --cgroup-manager cgroupfs
   --events-backend file --tmpdir "$T/tmp")
svc=""; fake=""
cleanup() {
  [ -n "$svc" ] && kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null
  [ -n "$fake" ] && kill "$fake" 2>/dev/null && wait "$fake" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/tmp" "$T/rootfs/bin" "$T/rootfs/tmp" "$T/rootfs/var/cache/app" "$T/rootfs/var/log/app" "$T/host"
cp /bin/busybox "$T/rootfs/bin/busybox" && ln -s busybox "$T/rootfs/bin/sh"
tar -C "$T/rootfs" -c . | "${P[@]}" import --change 'VOLUME /data' - localhost/busybox:test >/dev/null || { echo "import failed"; exit 1; }
"${P[@]}" tag localhost/busybox:test localhost/postgres:16 >/dev/null
c() { "${P[@]}" create --network none "$@" >/dev/null || { echo "create $* failed"; exit 1; }; }
c --name ro-tmp --read-only --tmpfs /tmp localhost/busybox:test sleep 1
c --name writer localhost/busybox:test sleep 1
c --name volumes -v named:/srv/data -v "$T/host:/srv/config:ro" localhost/busybox:test sleep 1
c --name db localhost/postgres:16 sleep 1
echo state >"$T/f"
"${P[@]}" cp "$T/f" writer:/var/cache/app/state.json && "${P[@]}" cp "$T/f" writer:/var/log/app/app.log || { echo "podman cp failed"; exit 1; }

sock="$T/podman.sock"
"${P[@]}" system service --time=0 "unix://$sock" >"$T/service.log" 2>&1 &
svc=$!
for _ in $(seq 100); do
  curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break
  sleep 0.1
done

"$bin" docker --host "unix://$sock" --format json >"$T/out.json" 2>"$T/err.txt"
status=$?
check "exit 1: the gate fails (1 of 3 judged containers is read-only)" [ "$status" -eq 1 ]
check "nothing on stderr" [ ! -s "$T/err.txt" ]
python3 - "$T/out.json" <<'PY' || failures=$((failures + 1))
import json, sys
d = json.load(open(sys.argv[1]))
root = {f["container"]: f for f in d["findings"] if f["rule"] == "read-only-root-fs"}
tmp = {f["container"]: f for f in d["findings"] if f["rule"] == "tmp-writable"}
def expect(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond: sys.exit(1)
expect(sorted(root) == ["db", "ro-tmp", "volumes", "writer"], f"every container, stopped too: {sorted(root)}")
expect(root["ro-tmp"]["status"] == "pass" and tmp["ro-tmp"]["status"] == "pass", "--read-only --tmpfs /tmp passes both rules")
w = root["writer"]
expect(w["status"] == "fail" and w["platform"] == "docker", "a writable container fails")
expect(w["message"] == "Container '/writer' lacks HostConfig.ReadonlyRootfs: true", w["message"])
expect(w["file"].startswith("docker:") and w["line"] == 0, "a live container is located by its id")
expect(w["writable_paths"] == ["/tmp", "/var/cache/app", "/var/log/app"], f"what it wrote, collapsed: {w.get('writable_paths')}")
expect(w["suggestion"] == "docker run --read-only --tmpfs /tmp --tmpfs /var/cache/app --tmpfs /var/log/app [your other options] localhost/busybox:test", w["suggestion"])
expect(w["suggestion_compose"] == 'read_only: true\ntmpfs:\n  - "/tmp"\n  - "/var/cache/app"\n  - "/var/log/app"', w["suggestion_compose"])
v = root["volumes"]
expect(v["status"] == "fail" and v["writable_paths"] == ["/tmp"], "nothing written: /tmp only")
expect(root["db"]["status"] == "fail", "a database container fails: CIS Docker 5.12 has no database exception")
expect(d["summary"]["containers"] == 4 and d["summary"]["read_only"] == 1, "summary")
PY
"$bin" docker --host "unix://$sock" >"$T/out.txt" 2>&1
check "text names the container and prints the remedy" grep -q "to run it read-only: docker run --read-only --tmpfs /tmp --tmpfs /var/cache/app --tmpfs /var/log/app" "$T/out.txt"
check "text gives the compose form" grep -q "      read_only: true" "$T/out.txt"
"$bin" docker --host "unix://$sock" --no-changes --format json >"$T/nochanges.json" 2>&1
check "--no-changes asks nothing and suggests nothing" bash -c "! grep -q suggestion '$T/nochanges.json'"
DOCKER_HOST="unix://$sock" "$bin" docker --format json >/dev/null 2>&1
check "DOCKER_HOST is honoured" [ $? -eq 1 ]
check "the engine was not changed" bash -c "[ \$(${P[*]} ps -a -q | wc -l) -eq 4 ]"

# Issue 14: what a container wrote is data. It created /data/$(touch${IFS}pwned)/f and a folder
# whose name adds compose keys; the first is suggested as one shell word and one YAML scalar, the
# second not at all (with a note), and no control character reaches the terminal.
tar -C "$T/rootfs" -c . | "${P[@]}" import - localhost/plain:test >/dev/null || { echo "import failed"; exit 1; }
c --name hostile localhost/plain:test sleep 1
evil=$'x\nprivileged: true\ncap_add: [ALL]'
mkdir -p "$T/hostile/data/\$(touch\${IFS}pwned)" "$T/hostile/data/$evil" "$T/eval"
echo f >"$T/hostile/data/\$(touch\${IFS}pwned)/f" && echo f >"$T/hostile/data/$evil/f"
"${P[@]}" cp "$T/hostile/data" hostile:/ || { echo "podman cp failed"; exit 1; }
"$bin" docker --host "unix://$sock" --format json >"$T/hostile.json" 2>"$T/hostile.err"
"$bin" docker --host "unix://$sock" >"$T/hostile.txt" 2>&1
python3 - "$T/hostile.json" "$T/hostile.txt" <<'PY' || failures=$((failures + 1))
import json, shlex, sys, yaml
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2], "rb").read()
h = [f for f in d["findings"] if f["rule"] == "read-only-root-fs" and f["container"] == "hostile"][0]
def expect(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond: sys.exit(1)
bad = "/data/x\nprivileged: true\ncap_add: [ALL]"
expect(h["status"] == "fail", "hostile: the container still fails")
expect(h["writable_paths"] == ["/data/$(touch${IFS}pwned)", "/tmp"], f"hostile: paths {h.get('writable_paths')}")
words = shlex.split(h["suggestion"])
expect(words == ["docker", "run", "--read-only", "--tmpfs", "/data/$(touch${IFS}pwned)", "--tmpfs", "/tmp",
                 "[your", "other", "options]", "localhost/plain:test"], f"hostile: shell words {words}")
compose = yaml.safe_load(h["suggestion_compose"])
expect(compose == {"read_only": True, "tmpfs": ["/data/$(touch${IFS}pwned)", "/tmp"]}, f"hostile: compose {compose}")
expect(h.get("not_suggested") == [bad], f"hostile: not suggested {h.get('not_suggested')}")
raw = [b for b in text if (b < 0x20 and b != 0x0A) or b == 0x7F]
expect(not raw, f"hostile: no raw control in the text report {raw}")
expect(b"not suggested: \"/data/x\\nprivileged: true\\ncap_add: [ALL]\" (control characters" in text, "hostile: the text says what it did not suggest")
expect(b"\nprivileged: true" not in text and b"\ncap_add" not in text, "hostile: no key of its own in the text")
PY
run=$(sed -n 's/.*to run it read-only: docker run \(.*--tmpfs .\/data.*\)$/\1/p' "$T/hostile.txt")
run=${run/\[your other options\] /}
(cd "$T/eval" && bash -c "printf '%s\n' $run" >"$T/words.txt")
check "hostile: the printed command runs nothing when pasted" [ -z "$(ls -A "$T/eval")" ]
check "hostile: and gives the path back as one word" grep -qxF '/data/$(touch${IFS}pwned)' "$T/words.txt"

# No engine at all.
"$bin" docker --host "unix://$T/nothing.sock" >"$T/o" 2>"$T/e"
check "no engine: exit 2" [ $? -eq 2 ]
check "no engine: one clear line" bash -c "[ \$(wc -l <'$T/e') -eq 1 ] && grep -q 'no Docker engine: $T/nothing.sock does not exist' '$T/e'"
# Permission denied on the socket, as a user outside the engine's group.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  chmod 0600 "$sock"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" docker --host "unix://$sock" >"$T/o" 2>"$T/e"
  check "permission denied: exit 2" [ $? -eq 2 ]
  check "permission denied: one clear line" bash -c "[ \$(wc -l <'$T/e') -eq 1 ] && grep -q 'permission denied on the Docker engine' '$T/e'"
fi
# An engine too old, and a container removed between list and inspect (wire-format stand-in).
python3 "$here/fake_engine.py" "$T/old.sock" old-api & fake=$!
for _ in $(seq 50); do [ -S "$T/old.sock" ] && break; sleep 0.1; done
"$bin" docker --host "unix://$T/old.sock" >"$T/o" 2>"$T/e"
check "API too old: exit 2" [ $? -eq 2 ]
check "API too old: says so" grep -q "API version 1.12 is too old: rootlock needs 1.24 or newer" "$T/e"
kill "$fake"; wait "$fake" 2>/dev/null
python3 "$here/fake_engine.py" "$T/vanish.sock" vanishing & fake=$!
for _ in $(seq 50); do [ -S "$T/vanish.sock" ] && break; sleep 0.1; done
"$bin" docker --host "unix://$T/vanish.sock" >"$T/o" 2>"$T/e"
check "removed mid-scan: the rest is judged and passes" [ $? -eq 0 ]
check "removed mid-scan: skipped and said so" grep -q "note: container /vanished was removed during the scan; skipped" "$T/e"
check "removed mid-scan: the survivor is judged" grep -q "1 of 1 containers use read-only root filesystem" "$T/o"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
