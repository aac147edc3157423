#!/usr/bin/env bash
# The shell completions, generated from the command registry, answer as a user expects:
# bash's completion function is driven with COMP_WORDS/COMP_CWORD as readline would; zsh's
# and fish's scripts are parsed by the shells (zsh -n, fish -n) and then completed for real
# (zsh: TAB at a pseudo-terminal, zsh_complete.zsh; fish: complete -C), when installed.
#   completion_test.sh ROOTLOCK_BINARY [GENERATED_DIR]   (the build's share/: what cmake
#                                                        --install installs)
# Exit 0 pass, 1 fail.
set -uo pipefail
bin=$1
generated=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

for shell in bash zsh fish; do
  "$bin" completion "$shell" > "$tmp/rootlock.$shell" || no "completion $shell exited $?"
done
"$bin" completion tcsh >/dev/null 2>&1 && no "completion tcsh should be a usage error"

# --- bash: the real function, as readline calls it --------------------------------------
# complete WORD...: the answers for the last word (the one under the cursor), one a line.
cat > "$tmp/drive.bash" <<'DRIVE'
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMPREPLY=()
_rootlock rootlock "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
DRIVE
complete() { bash "$tmp/drive.bash" "$tmp/rootlock.bash" "$@" | sort; }
expect() {  # expect "WORDS" EXPECTED...: the answers are exactly EXPECTED (sorted)
  local words=$1; shift
  local got want
  got=$(eval "complete $words" | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [ "$got" = "$want" ] || no "complete $words: got [$got], want [$want]"
}
contains() {  # contains "WORDS" EXPECTED...: the answers include each of EXPECTED
  local words=$1; shift
  local got
  got=$(eval "complete $words")
  for w in "$@"; do grep -qxF -- "$w" <<<"$got" || no "complete $words: no $w in [$(echo $got)]"; done
}
rules=$("$bin" rules | awk '{print $1}')
formats=$("$bin" scan --format 2>&1 | sed -n 's/.*needs a value: \(.*\) (see .*/\1/p' | tr -d ',')
[ -n "$formats" ] || no "scan --format did not name its values"

# Subcommands, and only the visible ones.
expect "rootlock ''" scan docker ecs k8s fix webhook rules version
expect "rootlock s" scan
expect "rootlock completion ''"
# Flags of each command: every flag its --help names (and -h, --help).
for c in scan docker ecs fix rules; do
  flags=$("$bin" "$c" --help | sed -n '/^options:/,/^$/p' | grep -oE -- '(^|, )--?[a-zA-Z][a-zA-Z-]*' |
          sed 's/^, //' | sort -u)
  contains "rootlock $c -" $flags
done
expect "rootlock scan --fo" --format
expect "rootlock docker --no-" --no-changes
# --format: the report formats, as --format=VALUE too (bash splits the word at '=').
expect "rootlock scan --format ''" $formats
expect "rootlock scan -f ''" $formats
expect "rootlock scan --format = ''" $formats
expect "rootlock scan --format = js" json
expect "rootlock scan --format gi" gitlab
expect "rootlock rules --format ''" text markdown
expect "rootlock scan --color ''" auto always never
# --rules and --fail-on: the rule registry; --rules is a comma list.
expect "rootlock scan --rules ''" $rules
expect "rootlock scan --rules read-only-root-fs,no-" read-only-root-fs,no-privileged \
  read-only-root-fs,no-host-pid read-only-root-fs,no-secrets-in-env
expect "rootlock scan --fail-on ''" $rules low medium high critical
expect "rootlock rules ''" $rules
# Files where a path is expected: operands of scan and fix, FILE values; nothing for free text.
mkdir -p "$tmp/tree/manifests"
touch "$tmp/tree/manifests/deploy.yaml" "$tmp/tree/prod.tfvars"
cd "$tmp/tree"
expect "rootlock scan man" manifests
expect "rootlock scan manifests/" manifests/deploy.yaml
expect "rootlock fix --diff manifests/d" manifests/deploy.yaml
expect "rootlock scan --var-file pr" prod.tfvars
expect "rootlock scan -o pr" prod.tfvars
expect "rootlock scan --min-ratio ''"
expect "rootlock docker ''"
cd - >/dev/null

# --- zsh and fish: their own parsers --------------------------------------------------------
if command -v zsh >/dev/null; then
  zsh -n "$tmp/rootlock.zsh" || no "zsh -n rejects the zsh completion"
  head -1 "$tmp/rootlock.zsh" | grep -qx '#compdef rootlock' || no "zsh: no #compdef line"
  # The function loads under compinit and defines one function per command.
  out=$(ZDOTDIR=$tmp zsh -f -c "autoload -Uz compinit && compinit -u -d $tmp/zcd; source $tmp/rootlock.zsh; \
        print -l \${(k)functions} | grep -c '^_rootlock'" 2>&1)
  [ "${out:-0}" -ge 6 ] 2>/dev/null || no "zsh: functions: $out"
  # zsh's completion system itself, at a terminal: what TAB lists or inserts.
  mkdir -p "$tmp/zfunc"
  cp "$tmp/rootlock.zsh" "$tmp/zfunc/_rootlock"
  zsh_expect() {  # zsh_expect 'LINE' WORD...: TAB after LINE shows every WORD
    local got
    got=$(cd "$tmp" && HOME=$tmp timeout 40 zsh -f "$here/zsh_complete.zsh" "$tmp/zfunc" "$1" "${@: -1}" 2>&1 |
          tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g')
    shift  # (no expected word is in the typed line itself)
    for w in "$@"; do grep -qwF -- "$w" <<<"$got" || no "zsh: no $w in [$(echo $got | head -c 300)]"; done
  }
  zsh_expect 'rootlock ' scan docker ecs k8s fix rules webhook version
  zsh_expect 'rootlock scan --format ' $formats
  zsh_expect 'rootlock scan --format gi' gitlab
  zsh_expect 'rootlock rules ' $rules
  zsh_expect 'rootlock scan --fail-on ' $rules critical
  zsh_expect 'rootlock docker --no-' --no-changes
else
  echo "zsh is missing: its script is not checked"
fi
if command -v fish >/dev/null; then
  fish -n "$tmp/rootlock.fish" || no "fish -n rejects the fish completion"
  # fish answers through its own engine: `complete -C` completes a command line.
  got=$(HOME=$tmp fish --no-config -c "source $tmp/rootlock.fish; complete -C 'rootlock scan --format '" |
        cut -f1 | sort | tr '\n' ' ')
  want=$(printf '%s\n' $formats | sort | tr '\n' ' ')
  [ "$got" = "$want" ] || no "fish: scan --format: got [$got], want [$want]"
  got=$(HOME=$tmp fish --no-config -c "source $tmp/rootlock.fish; complete -C 'rootlock '" | cut -f1 |
        sort | tr '\n' ' ')
  [ "$got" = "docker ecs fix k8s rules scan version webhook " ] || no "fish: commands: [$got]"
else
  echo "fish is missing: its script is not checked"
fi

# What the build generated for cmake --install is the binary's own.
if [ -n "$generated" ]; then
  cmp -s "$generated/rootlock.bash" "$tmp/rootlock.bash" || no "generated bash differs"
  cmp -s "$generated/_rootlock" "$tmp/rootlock.zsh" || no "generated zsh differs"
  cmp -s "$generated/rootlock.fish" "$tmp/rootlock.fish" || no "generated fish differs"
fi
[ $fail -eq 0 ] && echo "completions: bash, zsh and fish answer as expected"
exit $fail
