# Editing, deleting or reordering one line of the event log makes its verification fail
# (exit 1, one line naming the file and line); an intact log verifies.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
for s in one two three four; do "$HM" run -q --step $s -- sh -c "exit 0"; done
LOG=.hallmark/events.otlp.jsonl
[ "$(wc -l < $LOG)" -ge 4 ] || fail "expected at least 4 lines"
"$HM" telemetry verify $LOG 2> ok.err || { cat ok.err; fail "intact log must verify"; }
HEAD=$(sed -n 's/.*head \([0-9a-f]\{64\}\).*/\1/p' ok.err)
[ ${#HEAD} = 64 ] || fail "verify prints the chain head"
cp $LOG pristine
check_fails() {  # WHAT
  local rc; rc=$(status "$HM" telemetry verify $LOG 2> bad.err)
  expect_eq "$rc" 1 "$1: verify exit status"
  expect_contains bad.err "events.otlp.jsonl line"
  [ "$(wc -l < bad.err)" = 1 ] || fail "$1: one error line"
  cp pristine $LOG
}
sed -i '2s/"two"/"tw0"/' $LOG; check_fails "edit"
sed -i '2d' $LOG; check_fails "delete"
sed -i '2{h;d};3{G}' $LOG; check_fails "reorder"
sed -i '$d' $LOG
"$HM" telemetry verify -q $LOG || fail "a shorter chain alone is consistent"
expect_eq "$(status "$HM" telemetry verify -q --head "$HEAD" $LOG)" 1 "truncation is caught by the attested head"
cp pristine $LOG
expect_eq "$(status "$HM" telemetry verify -q missing.jsonl)" 2 "missing file is an I/O error"
pass "tampering with the event log is detected"
