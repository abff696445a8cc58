# HALLMARK_TRACE=1 (what the CI steps' `trace` input sets job-wide) traces every hallmark run as
# --trace does; any other value, or none, leaves runs untraced.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
skip_unless_traceable
mkdir ws && cd ws
echo data >in.txt
HALLMARK_TRACE=1 "$HM" run -q --no-telemetry --step on -- cat in.txt >/dev/null
HALLMARK_TRACE=0 "$HM" run -q --no-telemetry --step off -- cat in.txt >/dev/null
"$HM" run -q --no-telemetry --step unset -- cat in.txt >/dev/null
expect_eq "$(jget .hallmark/*/*on*.json '"trace" in j')" True "HALLMARK_TRACE=1 traces"
expect_eq "$(jget .hallmark/*/*off*.json '"trace" in j')" False "HALLMARK_TRACE=0 does not trace"
expect_eq "$(jget .hallmark/*/*unset*.json '"trace" in j')" False "no HALLMARK_TRACE, no trace"
pass "HALLMARK_TRACE=1 traces the run"
