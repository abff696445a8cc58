# A collector that is down costs the build at most the flush deadline, keeps its exit status,
# and the data stays in the event log until `hallmark telemetry flush` sends it.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
start_sink GONE
kill "$SINK_GONE_PID"; wait "$SINK_GONE_PID" 2>/dev/null || true  # a port with nobody behind it
export OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_GONE_URL
# The bound is relative to the same step without telemetry, so a slow or sanitizer build
# does not make the test flaky: telemetry may add the 2000 ms deadline plus 1000 ms slack.
start=$(date +%s%N)
"$HM" run -q --no-telemetry --record-dir "$T/baseline" --step base -- true
base=$(( ($(date +%s%N) - start) / 1000000 ))
limit=$(( base + 3000 ))
echo "baseline run: ${base} ms; limit ${limit} ms"
start=$(date +%s%N)
expect_eq "$(status "$HM" run -q --step build -- sh -c 'exit 7')" 7 "exit status with the collector down"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "run took ${ms} ms with the collector down"
[ "$ms" -lt "$limit" ] || fail "collector down delayed the build by ${ms} ms (deadline 2000 ms)"
[ "$(wc -l < .hallmark/events.otlp.jsonl)" -ge 2 ] || fail "event log must keep the spans and events"
# A collector that accepts the connection but never answers: same bound.
$PY -c '
import socket, time, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(60)' "$T/hang.port" &
HANG=$!; on_exit "kill $HANG 2>/dev/null"
for i in $(seq 1 100); do [ -s "$T/hang.port" ] && break; sleep 0.05; done
start=$(date +%s%N)
expect_eq "$(status "$HM" run -q --otlp-endpoint "http://127.0.0.1:$(cat "$T/hang.port")" --step hang -- true)" 0 "exit status with a hung collector"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "run took ${ms} ms with a hung collector"
[ "$ms" -lt "$limit" ] || fail "hung collector delayed the build by ${ms} ms"
start_sink BACK
"$HM" telemetry flush -q --otlp-endpoint "$SINK_BACK_URL"
sink_summary "$SINK_BACK_OUT" > summary.txt
cat summary.txt
expect_eq "$(grep -c '^span build ' summary.txt)" 1 "flush sends the kept step span"
expect_eq "$(grep -c '^span hang ' summary.txt)" 1 "flush sends the second step too"
expect_eq "$(grep -c '^log hallmark.step.failed ' summary.txt)" 1 "flush sends the kept event"
pass "collector down: bounded delay, same exit status, data kept and flushed later"
