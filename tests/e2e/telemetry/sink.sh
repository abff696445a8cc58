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

# sink_matches_log SINK_OUT EVENT_LOG GZIP: every request the sink recorded arrived as protobuf
# (gzipped when GZIP is true) and decoded cleanly, and the resources it decoded are exactly the
# event log's JSON lines, each once: matched by their hallmark.chain.seq, compared field by field
# (ids, names, kinds, times, attributes, status, bodies). Protobuf cannot carry a field's default
# value, so both sides drop those first (oneof members of AnyValue excepted: they have presence).
sink_matches_log() {
  $PY - "$@" <<'PYEOF'
import json, sys
sink, log, want_gzip = sys.argv[1], sys.argv[2], sys.argv[3] == "true"
INT64 = {"startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "observedTimeUnixNano", "intValue"}
ANY = {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"}

def norm(x, key=None):
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            v = norm(v, k)
            if k not in ANY and (v is None or v is False or v == "" or v == [] or
                                 (type(v) in (int, float) and v == 0)):
                continue
            out[k] = v
        return out
    if isinstance(x, list):
        return [norm(v) for v in x]
    if key in INT64:
        return int(x)  # OTLP/JSON writes them as strings, MessageToDict too; compare values
    if key == "doubleValue":
        return repr(float(x))  # "NaN"/"Infinity" strings and numbers alike
    return x

def chain_attrs(r):
    # The chain is on the first span or log record (docs/telemetry.md), never on the resource.
    for scopes, items in (("scopeSpans", "spans"), ("scopeLogs", "logRecords")):
        for s in r.get(scopes, [])[:1]:
            for item in s.get(items, [])[:1]:
                return {a["key"]: a["value"] for a in item.get("attributes", [])}
    return {}

def by_seq(resources, where):
    out = {}
    for r in resources:
        assert not any(a["key"].startswith("hallmark.chain.") for a in r.get("resource", {}).get("attributes", [])), \
            f"{where}: chain fields on the resource"
        seq = int(chain_attrs(r)["hallmark.chain.seq"]["intValue"])
        assert seq not in out, f"{where}: line {seq} twice"
        out[seq] = norm(r)
    return out

got = {"resourceSpans": [], "resourceLogs": []}
requests = 0
for line in open(sink):
    j = json.loads(line)
    assert "error" not in j and "refused" not in j, j
    assert j["encoding"] == "protobuf", f"sent as {j['encoding']}: {j['path']}"
    assert j["gzip"] is want_gzip, j["gzip"]
    requests += 1
    for field in got:
        got[field] += j["request"].get(field, [])
logged = {"resourceSpans": [], "resourceLogs": []}
for line in open(log):
    j = json.loads(line)
    for field in logged:
        logged[field] += j.get(field, [])
counts = []
for field, scopes, items in (("resourceSpans", "scopeSpans", "spans"),
                             ("resourceLogs", "scopeLogs", "logRecords")):
    a, b = by_seq(got[field], "sink"), by_seq(logged[field], "event log")
    assert sorted(a) == sorted(b), f"{field}: lines {sorted(a)} at the sink, {sorted(b)} in the log"
    for seq in b:
        if a[seq] != b[seq]:
            print("sink:", json.dumps(a[seq], sort_keys=True)[:3000], file=sys.stderr)
            print("log: ", json.dumps(b[seq], sort_keys=True)[:3000], file=sys.stderr)
            raise AssertionError(f"{field}: line {seq} differs")
    counts.append(sum(len(s.get(items, [])) for r in b.values() for s in r.get(scopes, [])))
print(f"{requests} protobuf requests carry the log's {counts[0]} spans and {counts[1]} log records")
PYEOF
}
