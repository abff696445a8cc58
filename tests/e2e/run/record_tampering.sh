# Record tampering (docs/record-format.md): a traced process that writes in the record dir is
# caught as it happens; a change made outside any traced step (an untraced step, or anything
# between steps) is found against the seal the previous step left. Each finding is a stderr
# line, an entry in the step record, a hallmark.record.tampered event and part of the provenance,
# where the policy's forbidRecordTampering fails verify. Clean runs raise nothing.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../attest/attest_lib.sh"
export HALLMARK_KEY_PASSWORD=
mkdir ws && cd ws
"$HM" keygen -q -o k > /dev/null
findings() {  # record -> "change detected_by" lines
  $PY -c "import json,sys; [print(t['change'], t['detected_by'], t['path']) for t in json.load(open(sys.argv[1])).get('record_tampering', [])]" "$1"
}
last_record() { ls -t .hallmark/steps/*.json | head -1; }

# Clean: untraced and traced steps, in parallel too, then attest: nothing reported.
"$HM" run --step one -- sh -c 'echo 1 > a.txt' 2> err1
"$HM" run --step two -- sh -c 'echo 2 > b.txt' 2> err2 & "$HM" run --step three -- sh -c 'echo 3 > c.txt' 2> err3
wait
"$HM" run --step four --trace -- sh -c 'cat a.txt b.txt > d.txt' 2> err4
for e in err1 err2 err3 err4; do expect_not_contains $e "tampered"; done
for f in .hallmark/steps/*.json; do [ -z "$(findings "$f")" ] || fail "a clean step reported tampering: $(findings "$f")"; done
[ -s .hallmark/seal.json ] || fail "no seal after the steps"
"$HM" attest --key k.key --subject d.txt > /dev/null 2> aerr || { cat aerr; fail "attest"; }
expect_not_contains aerr "tampered"
echo '{"forbidRecordTampering": true}' > forbid.json
expect_status 0 v "$HM" verify -a d.txt -k k.pub --policy forbid.json
pass "clean steps (parallel, traced) and attest: no finding, verify passes forbidRecordTampering"

# A traced step that rewrites an earlier step's record: caught by the tracer, with the process.
"$HM" run --step build -- sh -c 'echo x > out.txt' 2> /dev/null
victim=$(last_record)
"$HM" run --trace --step evil -- sh -c "sed -i 's/\"exit_code\": 0/\"exit_code\": 0 /' '$victim'; echo y > out2.txt" 2> err ||
  fail "evil step"
expect_contains err "record dir tampered with: $PWD/$victim"
rec=$(last_record)
findings "$rec" | grep -q "^.* trace $PWD/$victim" || { findings "$rec"; fail "no traced finding in the record"; }
$PY -c "
import json,sys
t = json.load(open(sys.argv[1]))['record_tampering']
assert any(x['exe'] == '/usr/bin/sed' and x['pid'] > 0 for x in t), t" "$rec" || fail "the finding does not name sed"
grep -q '"hallmark.record.tampered"' .hallmark/events.otlp.jsonl || fail "no hallmark.record.tampered event"
pass "a traced process writing a step record is recorded with its pid and program, and emitted"

# Untraced changes between steps: the next step finds them against the seal.
"$HM" run --step next -- true 2> err
expect_contains err "record dir tampered with: $PWD/$victim modified since the previous step"
rec=$(last_record)
findings "$rec" | grep -q "^modified seal $PWD/$victim" || fail "no seal finding in the record"
# Reported once: the step after that accepts the state it reported.
"$HM" run --step again -- true 2> err
expect_not_contains err "tampered"
rm "$victim"
head -c 100 .hallmark/events.otlp.jsonl > trunc && mv trunc .hallmark/events.otlp.jsonl
"$HM" run -q --no-telemetry --step after -- true
findings "$(last_record)" > f.txt
expect_contains f.txt "deleted seal $PWD/$victim"
expect_contains f.txt "truncated seal $PWD/.hallmark/events.otlp.jsonl"
pass "a step record modified or deleted, the event log truncated, between steps: found by the next step"

# attest's own check, and verify: the run's findings are signed; the rule fails verify.
victim=$(last_record)
echo ' ' >> "$victim"
"$HM" attest --key k.key --subject out2.txt --allow-failed-steps > /dev/null 2> aerr || { cat aerr; fail "attest"; }
expect_contains aerr "record dir tampered with: $PWD/$victim modified since the last step"
payload_of out2.txt.intoto.jsonl > payload.json
expect_contains payload.json '"name":"record-dir"'
expect_contains payload.json '"recordTampering"'
expect_status 1 v "$HM" verify -a out2.txt -k k.pub --policy forbid.json
expect_contains v "FAILED: policy.forbidRecordTampering"
expect_contains v "evil: $PWD/"
echo '{"allowFailedSteps": true}' > lax.json
expect_status 0 v "$HM" verify -a out2.txt -k k.pub --policy lax.json
expect_contains v "WARNING: policy.forbidRecordTampering"
pass "attest signs the findings; forbidRecordTampering fails verify, naming them"
