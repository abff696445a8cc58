# Issue 20 §3: an exporter switched off on purpose raises no warning; a collector that refuses
# the connection or never answers gets exactly one warning line per step (however many batches
# met it), naming the cause and what stays in the event log; -q silences all of it.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
start_sink GONE
kill "$SINK_GONE_PID"; wait "$SINK_GONE_PID" 2>/dev/null || true  # a port with nobody behind it
REFUSED=$SINK_GONE_URL

step() {  # step NAME [ENV...]: a traced-or-not step with many spans, stderr to NAME.err
  local name=$1; shift
  env "$@" "$HM" run --record-dir "$T/rec-$name" --step "$name" -- sh -c 'true; ls >/dev/null; exit 0' 2>"$name.err" ||
    fail "step $name failed"
}
warnings() { grep -c 'warning' "$1.err" || true; }

step disabled OTEL_EXPORTER_OTLP_ENDPOINT=$REFUSED OTEL_SDK_DISABLED=true
expect_eq "$(warnings disabled)" 0 "warnings with OTEL_SDK_DISABLED=true"
step none OTEL_EXPORTER_OTLP_ENDPOINT=$REFUSED OTEL_TRACES_EXPORTER=none OTEL_LOGS_EXPORTER=none OTEL_METRICS_EXPORTER=none
expect_eq "$(warnings none)" 0 "warnings with every OTEL_*_EXPORTER=none"
# Traces only, to an endpoint that is down: the logs nobody asked for are no failure.
step tracesonly OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=$REFUSED/v1/traces
expect_eq "$(warnings tracesonly)" 1 "warnings with only the traces endpoint, refused"
pass "exporters switched off on purpose: no warning"

step refused OTEL_EXPORTER_OTLP_ENDPOINT=$REFUSED
expect_eq "$(warnings refused)" 1 "warning lines with a refused collector"
expect_contains refused.err "Couldn't connect"
expect_contains refused.err "hallmark telemetry flush"

$PY -c '
import socket, time, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(60)' "$T/hang.port" &
HANG=$!; on_exit "kill $HANG 2>/dev/null"
for _ in $(seq 1 100); do [ -s "$T/hang.port" ] && break; sleep 0.05; done
step hung OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$(cat "$T/hang.port")"
expect_eq "$(warnings hung)" 1 "warning lines with a collector that never answers"
expect_contains hung.err "Timeout"
expect_contains hung.err "hallmark telemetry flush"
pass "a refused and a hung collector: one warning line each, naming the cause"

OTEL_EXPORTER_OTLP_ENDPOINT=$REFUSED "$HM" run -q --record-dir "$T/rec-q" --step q -- true 2>q.err
[ ! -s q.err ] || { cat q.err; fail "-q printed something with the collector down"; }
pass "-q silences telemetry warnings"
