# zsh's own completion system, driven as a user at a terminal drives it: an interactive zsh
# on a pseudo-terminal (zpty) loads compinit and the _rootlock function from FPATH_DIR, the
# line is typed, then TAB; what zsh prints back (the listing, or the word it inserted) is
# written to stdout with the terminal's escapes removed.
#   zsh -f zsh_complete.zsh FPATH_DIR 'rootlock scan --format ' [WORD]
# With WORD, reading goes on until WORD is shown (or 20 s pass): on a loaded machine the
# answer can come after a quiet spell.
zmodload zsh/zpty || exit 77
zpty z zsh -f -i
zpty -w z 'PS1="> "; autoload -Uz compinit; compinit -u -D; fpath=('"$1"' $fpath);' \
  'autoload -Uz _rootlock; compdef _rootlock rootlock; unsetopt zle_bracketed_paste 2>/dev/null;' \
  'setopt nobeep; print ready'
zpty -r -t z junk '*ready*' || sleep 1
sleep 0.3
zpty -r -t z junk
zpty -n -w z "$2"$'\t'
# Read until WORD is shown, or without WORD until zsh has been quiet for half a second
# after answering (at most 20 s).
out=
for i in {1..80}; do
  sleep 0.25
  got=
  while zpty -r -t z line; do got+=$line; done
  out+=$got
  if [[ -n $3 ]]; then
    [[ $out == *"$3"* ]] && break
  else
    [[ -z $got && $out == *$'\t'?* && $i -gt 2 ]] && break
  fi
done
zpty -d z
print -r -- "$out"
