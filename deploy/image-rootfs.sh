#!/bin/sh
# Lays out the root filesystem of rootlock's container image: the binary and the shared
# libraries ldd names (the dynamic loader included), nothing else: no shell, no package
# manager. Used by deploy/Dockerfile's build stage and by tests/server/image_test.sh.
#   deploy/image-rootfs.sh BINARY DEST
set -eu
binary=$1
dest=$2
mkdir -p "$dest/usr/local/bin" "$dest/tmp"
chmod 1777 "$dest/tmp"
cp "$binary" "$dest/usr/local/bin/rootlock"
# "libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
  while read -r lib; do
    mkdir -p "$dest$(dirname "$lib")"
    cp -L "$lib" "$dest$lib"
  done
# A passwd entry for the non-root user, so that tools that look it up find a name.
mkdir -p "$dest/etc"
echo "rootlock:x:65532:65532:rootlock:/nonexistent:/nonexistent" > "$dest/etc/passwd"
echo "rootlock:x:65532:" > "$dest/etc/group"
