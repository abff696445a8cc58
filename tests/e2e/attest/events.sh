# `hallmark verify --events`: the event log must chain to the head that attest signed. Editing,
# deleting, reordering or truncating a line fails verification with an `events` check.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
"$HM" keygen -o k >/dev/null
sample_run
"$HM" attest -q --key ../k.key --subject "dist/*.tar.gz"
LOG=.hallmark/events.otlp.jsonl
[ "$(wc -l <$LOG)" -ge 4 ] || fail "three step spans and the run span expected in $LOG"
expect_contains "$LOG" '"name":"RUN'
expect_status 0 ok.txt "$HM" verify --artifact "$ARTIFACT" --key ../k.pub --events $LOG
expect_contains ok.txt "PASSED"
cp $LOG pristine
check_fails() {  # WHAT
  expect_status 1 bad.txt "$HM" verify --artifact "$ARTIFACT" --key ../k.pub --events $LOG --record-dir "$T/none"
  expect_contains bad.txt "FAILED"
  expect_contains bad.txt "events"
  cp pristine $LOG
}
sed -i '2s/"build"/"bui1d"/' $LOG; check_fails "edit"
sed -i '2d' $LOG; check_fails "delete"
sed -i '2{h;d};3{G}' $LOG; check_fails "reorder"
sed -i '$d' $LOG; check_fails "truncate"
# A failed verification is itself logged as a security event in the record dir's log.
expect_status 1 bad.txt "$HM" verify --artifact Makefile --key ../k.pub --provenance "$ARTIFACT.intoto.jsonl"
expect_contains $LOG "hallmark.verification.failed"
# Lines appended after attest signed the head are checked but do not break the signed prefix.
expect_status 0 ok.txt "$HM" verify --artifact "$ARTIFACT" --key ../k.pub --events $LOG
pass "verify --events"
