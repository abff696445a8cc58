# Issue 20 §3: `--require-trace` where tracing is not possible fails before the command runs:
# one `hallmark: error:` line, exit 125, no summary line saying the step ran, no step record.
# Tracing is made impossible for real: hallmark runs under strace, and a process that is being
# traced cannot ptrace its own children's syscalls under seccomp the way the tracer needs.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
command -v strace >/dev/null || fail "strace missing (scripts/deps.sh installs it)"
# Where ptrace is forbidden outright (some containers) strace cannot run either, and hallmark
# cannot trace without it.
WRAP=(strace -f -o /dev/null)
strace -f -o /dev/null true 2>/dev/null || WRAP=()

rc=$(status "${WRAP[@]}" "$HM" run --require-trace --no-telemetry --record-dir "$T/rec" --step t \
  -- sh -c 'echo ran >"$0"' "$T/ran" 2>err.txt)
cat err.txt
expect_eq "$rc" 125 "exit status of --require-trace without tracing"
expect_eq "$(grep -c . err.txt)" 1 "stderr lines"
expect_contains err.txt "hallmark: error: --require-trace"
expect_not_contains err.txt "step 't'"
[ ! -e "$T/ran" ] || fail "the command ran although --require-trace failed"
! ls "$T/rec/steps/"*.json >/dev/null 2>&1 || fail "a step record was written"
pass "--require-trace without tracing: one error line, exit 125, the command not run"

# Without --require-trace the same step falls back to an untraced run with one line.
rc=$(status "${WRAP[@]}" "$HM" run --trace --no-telemetry --record-dir "$T/rec2" --step t \
  -- sh -c 'echo ran >"$0"' "$T/ran2" 2>err2.txt)
expect_eq "$rc" 0 "exit status of --trace falling back"
[ -e "$T/ran2" ] || fail "the command did not run under the --trace fallback"
expect_contains err2.txt "step 't'"
ls "$T/rec2/steps/"*.json >/dev/null || fail "no step record after the fallback"
pass "--trace without tracing: falls back to an untraced run"
