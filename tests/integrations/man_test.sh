#!/usr/bin/env bash
# rootlock(1) renders without a warning from groff (-ww: every warning), and it is the
# registry's: every command and every flag its --help lists has its place in the page.
#   man_test.sh ROOTLOCK_BINARY [INSTALLED_PAGE.gz]
# Exit 0 pass, 1 fail, 77 skipped (no groff).
set -uo pipefail
bin=$1
installed=${2:-}
command -v groff >/dev/null || { echo "groff is missing (groff-base); skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$bin" man > "$tmp/rootlock.1" || no "rootlock man exited $?"
LC_ALL=C.UTF-8 groff -man -ww -Tutf8 "$tmp/rootlock.1" > "$tmp/page.txt" 2> "$tmp/warnings"
[ -s "$tmp/warnings" ] && no "groff warns: $(head -5 "$tmp/warnings")"
# The page as text, without overstriking (bold) and hyphenation at line ends.
sed 's/.\x08//g' "$tmp/page.txt" | tr -s ' ' > "$tmp/plain.txt"
grep -q '^ROOTLOCK(1)' "$tmp/plain.txt" || no "no ROOTLOCK(1) header"

commands=$("$bin" --help | sed -n '/^commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
[ "$(echo "$commands" | wc -l)" -ge 6 ] || no "too few commands: $commands"
for c in $commands; do
  grep -q "^ROOTLOCK $(echo "$c" | tr a-z A-Z)\$" "$tmp/plain.txt" || no "no section for $c"
  # Every flag of the command's --help is in the page's section for it.
  section=$(awk -v h="ROOTLOCK $(echo "$c" | tr a-z A-Z)" '$0 == h {on=1; next} /^[A-Z]/ {on=0} on' \
            "$tmp/plain.txt")
  # The flags on the options' own lines ("  -o, --output FORMAT=FILE  ..."), not in their text.
  for flag in $("$bin" "$c" --help | sed -n '/^options:/,/^$/p' | grep '^  -' |
                grep -oE -- '(^  |, )--[a-z][a-z-]*' | sed 's/^, //; s/^ *//' | sort -u); do
    grep -q -- "$flag" <<<"$section" || no "$c: $flag is in --help but not in rootlock(1)"
  done
done
# The rules come from the rule registry.
for id in $("$bin" rules | awk '{print $1}'); do
  grep -q "^ *$id\$" "$tmp/plain.txt" || no "rule $id is not under RULES"
done
# man(1) itself reads it (when man-db is there).
if command -v man >/dev/null; then
  MANWIDTH=80 man -l "$tmp/rootlock.1" 2> "$tmp/man-err" | grep 'rootlock scan' >/dev/null || no "man -l"
  [ -s "$tmp/man-err" ] && no "man -l: $(head -3 "$tmp/man-err")"
fi
# The page cmake --install put in place is the binary's own.
if [ -n "$installed" ]; then
  gzip -dc "$installed" | cmp -s - "$tmp/rootlock.1" || no "$installed differs from rootlock man"
fi
[ $fail -eq 0 ] && echo "man: rootlock(1) renders clean, $(echo $commands | wc -w) commands"
exit $fail
