# OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf: a 3-step pipeline (a secret redacted, a failing step,
# the run's root span from `telemetry close`) reaches the strict sink as application/x-protobuf,
# plain and gzipped, and what the sink decoded with the official schema is exactly what the event
# log holds as JSON (the log stays OTLP/JSON: only the wire format changes).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
export GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

pipeline() { # DIR: runs the pipeline in DIR with whatever OTEL_* is exported
  mkdir "$1" && cd "$1"
  "$HM" run -q --step fetch -- sh -c 'echo fetched > src.txt' 2>../"$1.err"
  "$HM" run -q --step build -- sh -c 'echo built > app.bin' 2>>../"$1.err"
  expect_eq "$(status "$HM" run -q --step test -- sh -c 'exit 3' 2>>../"$1.err")" 3 "exit status passes through"
  "$HM" telemetry close -q 2>>../"$1.err"
  "$HM" telemetry verify -q .hallmark/events.otlp.jsonl || fail "the event log's chain must verify"
  cd ..
  expect_not_contains "$1.err" "protobuf" # no fallback to JSON, no unsupported-protocol warning
  head -c 1 "$1/.hallmark/events.otlp.jsonl" | grep -q '{' || fail "the event log is JSON"
}

start_sink P
OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_P_URL pipeline plain
sink_matches_log "$SINK_P_OUT" plain/.hallmark/events.otlp.jsonl false || fail "protobuf requests differ from the log"
sink_summary "$SINK_P_OUT" > plain-summary.txt
expect_eq "$(grep -c '^span ' plain-summary.txt)" 4 "root span + 3 step spans"
grep -q '^log hallmark.step.failed ERROR ' plain-summary.txt || fail "step.failed event missing"
grep -q '^log hallmark.secret.redacted INFO ' plain-summary.txt || fail "secret.redacted event missing"
expect_not_contains "$SINK_P_OUT" "ghp_aaaa"
pass "http/protobuf: the collector decodes the same spans and logs the event log holds"

start_sink Z
OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_Z_URL OTEL_EXPORTER_OTLP_COMPRESSION=gzip pipeline zipped
sink_matches_log "$SINK_Z_OUT" zipped/.hallmark/events.otlp.jsonl true || fail "gzipped protobuf requests differ from the log"
pass "http/protobuf with gzip"

# grpc is not spoken: one warning, and the data still arrives, as http/json.
start_sink G
mkdir grpc && cd grpc
OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_G_URL "$HM" run --step g -- true 2>../grpc.err
cd ..
expect_contains grpc.err "OTEL_EXPORTER_OTLP_PROTOCOL='grpc' is not supported"
$PY - "$SINK_G_OUT" <<'PYEOF' || fail "grpc falls back to http/json"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines and all(l.get("encoding") == "json" for l in lines), lines
PYEOF
pass "grpc falls back to http/json with a warning"
