#!/usr/bin/env bash
# The Debian package: CPack builds it from this build tree (the binary already built, no
# rebuild), dpkg-deb reads its fields and contents, the binary runs from the extracted tree,
# and lintian finds no error.
#   deb_test.sh BUILD_DIR SOURCE_DIR [--sanitized]
# Exit 0 pass, 1 fail, 77 skipped (no dpkg-dev or lintian; a sanitizer build).
set -uo pipefail
if [ "${3:-}" = --sanitized ]; then
  echo "a sanitizer build (ROOTLOCK_SANITIZE) is not packaged; skipped"
  exit 77
fi
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null ||
    { echo "$tool is missing (scripts/install-deps.sh --test); skipped"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

(cd "$build" && cpack -G DEB -B "$tmp/out" > "$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }
debs=("$tmp"/out/rootlock_*_amd64.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { ls "$tmp/out"; echo "FAIL: no one .deb"; exit 1; }
deb=${debs[0]}
version=$("$build/rootlock" --version | awk '{print $2}')
[ "$(basename "$deb")" = "rootlock_${version}-1_amd64.deb" ] || no "file name $(basename "$deb")"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = rootlock ] || no "Package: $(field Package)"
[ "$(field Version)" = "${version}-1" ] || no "Version: $(field Version)"
[ "$(field Architecture)" = amd64 ] || no "Architecture: $(field Architecture)"
[ "$(field Section)" = utils ] || no "Section: $(field Section)"
field Maintainer | grep -E '^.+ <[^@ ]+@[^@ ]+>$' >/dev/null || no "Maintainer: $(field Maintainer)"
field Homepage | grep '^https://' >/dev/null || no "Homepage: $(field Homepage)"
# Read once, then cut: `field ... | head -1` under pipefail fails whenever head exits
# before dpkg-deb has written everything (SIGPIPE), which depends on timing.
description=$(field Description)
first=$(sed -n 1p <<<"$description")
second=$(sed -n 2p <<<"$description")
grep -q 'writable' <<<"$first" || no "Description: $first"
grep -q '^ rootlock judges' <<<"$second" || no "Description: $second"
[ "$(wc -l <<<"$description")" -ge 4 ] || no "Description: no long description"
# Dependencies are dpkg-shlibdeps', from the libraries the binary links.
depends=$(field Depends)
names=$(tr ',' '\n' <<<"$depends" | awk '{print $1}')
for lib in libc6 libyaml-0-2 libcurl4 libssl3 libstdc++6 libgcc-s1; do
  grep -qxF "$lib" <<<"$names" || no "Depends has no $lib: $depends"
done
grep -q '(>= ' <<<"$depends" || no "Depends has no versions: $depends"

# Contents.
dpkg-deb -c "$deb" | awk '{print $6}' > "$tmp/contents"
for path in ./usr/bin/rootlock ./usr/bin/kubectl-rootlock ./usr/share/man/man1/rootlock.1.gz \
    ./usr/share/bash-completion/completions/rootlock ./usr/share/zsh/vendor-completions/_rootlock \
    ./usr/share/fish/vendor_completions.d/rootlock.fish ./usr/share/doc/rootlock/copyright \
    ./usr/share/doc/rootlock/changelog.Debian.gz; do
  grep -qxF "$path" "$tmp/contents" || no "not in the package: $path"
done
grep -q '^./usr/local\|^./build\|^./opt' "$tmp/contents" && no "stray paths: $(grep '^./usr/local' "$tmp/contents")"
dpkg-deb -c "$deb" | awk '{print $2}' | grep -vqx 'root/root' && no "files not owned by root"

# The package's binary, from the extracted tree.
dpkg-deb -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/rootlock
"$bin" version > "$tmp/version" || no "rootlock version exited $?"
head -1 "$tmp/version" | grep -qx "rootlock $version" || no "version: $(head -1 "$tmp/version")"
grep -q '^libyaml:' "$tmp/version" || no "version names no libyaml"
[ "$(readlink "$tmp/root/usr/bin/kubectl-rootlock")" = rootlock ] || no "kubectl-rootlock is no link to rootlock"
file_type=$(od -An -c -N4 "$bin" | tr -d ' ')
[ "$file_type" = "177ELF" ] || no "not an ELF binary"
"$bin" scan --min-ratio 0 -q "$source_dir/examples" > /dev/null || no "scan from the package: $?"
"$bin" scan -q "$source_dir/examples" > /dev/null; [ $? -eq 1 ] || no "examples should fail the gate"
gzip -dc "$tmp/root/usr/share/man/man1/rootlock.1.gz" | cmp -s - <("$bin" man) ||
  no "the packaged man page is not the packaged binary's"
gzip -dc "$tmp/root/usr/share/doc/rootlock/changelog.Debian.gz" | sed -n 1p |
  grep -q "^rootlock (${version}-1) " || no "changelog.Debian"
grep -q '^License: ' "$tmp/root/usr/share/doc/rootlock/copyright" || no "copyright has no License"

# lintian: no error (warnings and notes are printed, not failed on).
lintian --fail-on error --tag-display-limit 0 "$deb" > "$tmp/lintian" 2>&1
status=$?
cat "$tmp/lintian"
[ $status -eq 0 ] || no "lintian exited $status"
grep -q '^E: ' "$tmp/lintian" && no "lintian errors"
[ $fail -eq 0 ] && echo "deb: $(basename "$deb"), $(wc -l < "$tmp/contents") entries, Depends: $depends"
exit $fail
