# Shared by the telemetry e2e scripts (sourced after lib.sh): start ../shared/peers/otlp-sink on
# 127.0.0.1 and read what it received. The sink decodes every request with the official
# opentelemetry-proto schema and refuses anything that breaks the OTLP/JSON rules.

# start_sink NAME [otlp-sink args...]: sets SINK_<NAME>_OUT and SINK_<NAME>_URL.
start_sink() {
  local name=$1; shift
  local out="$T/sink-$name.jsonl" portf="$T/sink-$name.port"
  $PY "$PEERS_SRC/otlp-sink" --out "$out" --port-file "$portf" "$@" >/dev/null 2>"$T/sink-$name.err" &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  local i
  for i in $(seq 1 200); do [ -s "$portf" ] && break; sleep 0.05; done
  [ -s "$portf" ] || { cat "$T/sink-$name.err" >&2; fail "otlp-sink did not start"; }
  printf -v "SINK_${name}_OUT" '%s' "$out"
  printf -v "SINK_${name}_URL" '%s' "http://127.0.0.1:$(cat "$portf")"
  printf -v "SINK_${name}_PID" '%s' "$pid"
}

# sink_summary FILE: one line per span/log the sink accepted, and errors, as
#   span NAME TRACE SPAN PARENT KIND STATUS
#   log EVENTNAME SEVERITY TRACE SPAN
#   error MESSAGE / refused CODE
sink_summary() {
  $PY - "$1" <<'PYEOF'
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    if "error" in j: print("error", j["error"]); continue
    if "refused" in j: print("refused", j["refused"]); continue
    r = j["request"]
    for rs in r.get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for s in ss.get("spans", []):
                print("span", s["name"].replace(" ", "_"), s["traceId"], s["spanId"], s.get("parentSpanId", "-"),
                      s.get("kind", 0), s.get("status", {}).get("code", 0))
    for rl in r.get("resourceLogs", []):
        for sl in rl.get("scopeLogs", []):
            for x in sl.get("logRecords", []):
                print("log", x.get("eventName"), x.get("severityText"), x.get("traceId", "-"), x.get("spanId", "-"))
PYEOF
}
