# What the live shell tests share (sourced): a tally of assertions.
#   check NAME COMMAND...   runs COMMAND; counts it passed or failed, printing "ok:"/"FAIL:".
#   When $CHECK_STDERR names a file, a failure shows it.
failures=0 passes=0
check() {
  local name=$1; shift
  if "$@"; then
    passes=$((passes + 1)); echo "ok: $name"
  else
    failures=$((failures + 1)); echo "FAIL: $name"
    if [ -n "${CHECK_STDERR:-}" ] && [ -f "$CHECK_STDERR" ]; then
      sed 's/^/    stderr: /' "$CHECK_STDERR"
    fi
  fi
}
