#!/bin/bash
# The container image as deploy/Dockerfile makes it, built here with podman: base images cannot
# be pulled on these machines, so the final stage alone is built, FROM scratch, from the root
# filesystem deploy/image-rootfs.sh lays out (the binary and the libraries ldd names). Private
# --root/--runroot and the vfs driver in a temporary folder: nothing of the machine's podman
# is touched. Checks what podman inspect says (user, entrypoint) and that the image holds no
# shell. Skipped (77) without podman.
#   image_test.sh ROOTLOCK
set -euo pipefail
rootlock=$(realpath "$1")
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v podman >/dev/null 2>&1 || { echo "SKIP: podman is missing"; exit 77; }
work=$(mktemp -d /tmp/rootlock-image.XXXXXX)
pm() { podman --root "$work/root" --runroot "$work/run" --storage-driver vfs "$@"; }
cleanup() { pm rmi -a -f >/dev/null 2>&1 || true; rm -rf "$work" 2>/dev/null || true; }
trap cleanup EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2"; fail=1; fi; }

mkdir -p "$work/context"
"$here/deploy/image-rootfs.sh" "$rootlock" "$work/context/rootfs"
# As the Dockerfile does: no debug information in the image.
if command -v strip >/dev/null 2>&1; then strip "$work/context/rootfs/usr/local/bin/rootlock"; fi
# The Dockerfile's final stage, as it is written there.
sed -n '/^FROM scratch/,$p' "$here/deploy/Dockerfile" | sed 's|COPY --from=build /rootfs/ /|COPY rootfs/ /|' \
  > "$work/context/Containerfile"
grep -q '^COPY rootfs/ /' "$work/context/Containerfile" || { echo "FAIL: the Dockerfile's final stage changed"; exit 1; }
if ! pm build --quiet -t localhost/rootlock:test -f "$work/context/Containerfile" "$work/context" \
    >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  # Some sandboxes cannot build at all (no user namespaces): that is not ours to judge.
  if grep -q -i -E "newuidmap|user namespace|cannot clone|operation not permitted" "$work/build.log"; then
    echo "SKIP: podman cannot build here"; exit 77
  fi
  echo "FAIL: podman build"; exit 1
fi
inspect=$(pm inspect localhost/rootlock:test)
user=$(printf '%s' "$inspect" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"].get("User",""))')
entry=$(printf '%s' "$inspect" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]["Config"].get("Entrypoint")))')
check '[ "$user" = "65532:65532" ]' "the image runs as 65532:65532, not '$user'"
check '[ "$entry" = "[\"/usr/local/bin/rootlock\"]" ]' "the entrypoint is rootlock, not $entry"
# Every file of the image: the binary, its libraries, /etc/passwd and /etc/group; no shell.
pm save --quiet --format docker-archive -o "$work/image.tar" localhost/rootlock:test >/dev/null 2>&1
mkdir "$work/save" && tar -xf "$work/image.tar" -C "$work/save"
files=$(for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/save/manifest.json"); do
  tar -tf "$work/save/$layer"; done | sort -u)
check 'printf "%s\n" "$files" | grep -qx "usr/local/bin/rootlock"' "the binary is in the image"
check '! printf "%s\n" "$files" | grep -qE "(^|/)(sh|bash|dash|busybox)$"' "the image holds a shell: $(printf '%s\n' "$files" | grep -E '(^|/)(sh|bash|dash|busybox)$' | head -3)"
check 'printf "%s\n" "$files" | grep -q "libssl.so"' "libssl is in the image"
echo "image: $(printf '%s\n' "$files" | grep -vc '/$') entries, $(du -sh "$work/context/rootfs" | cut -f1) unpacked"
[ "$fail" -eq 0 ] && echo "image: all checks passed"
exit "$fail"
