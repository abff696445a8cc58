# Eight parallel `hallmark run` steps in one workspace, all exporting: the event log is one
# unbroken chain, and the collector gets every step span exactly once (one exporter at a time,
# the sent list shared through the record dir).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
start_sink P
export OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_P_URL
pids=()
for i in $(seq 8); do
  "$HM" run -q --telemetry-deadline 10000 --step "p$i" -- sh -c "sleep 0.1; exit $((i % 2))" &
  pids+=($!)
done
for i in $(seq 8); do
  rc=0; wait "${pids[$((i - 1))]}" || rc=$?
  expect_eq "$rc" "$((i % 2))" "exit status of p$i"
done
"$HM" telemetry verify -q .hallmark/events.otlp.jsonl || fail "parallel appends broke the chain"
"$HM" telemetry flush -q  # anything a busy peer left behind
sink_summary "$SINK_P_OUT" > summary.txt
expect_not_contains summary.txt "error"
for i in $(seq 8); do
  expect_eq "$(grep -c "^span p$i " summary.txt)" 1 "span p$i exactly once"
done
expect_eq "$(grep -c '^log hallmark.step.failed ' summary.txt)" 4 "four failed steps, one event each"
expect_eq "$(awk '$1=="span"{print $3}' summary.txt | sort -u | wc -l)" 1 "one trace"
pass "parallel steps: one chain, each span exactly once"
