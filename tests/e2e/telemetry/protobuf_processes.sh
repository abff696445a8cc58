# --trace --telemetry-detail processes under http/protobuf: the process spans streamed while the
# step runs and those completed at its end reach the strict sink as protobuf, each once, equal
# to the event log's JSON lines (ids, parentage, pid attributes, status), and the executables'
# digests in hallmark.toolchain.executable events.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
skip_unless_traceable
start_sink A
mkdir ws && cd ws
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf "$HM" run -q --trace --telemetry-detail processes \
  --otlp-endpoint "$SINK_A_URL" --step tree -- \
  sh -c 'for i in 1 2 3 4 5; do /bin/true; done; sh -c "/bin/false || true"' 2>../run.err \
  || fail "the step itself succeeds"
cd ..
expect_not_contains run.err "protobuf"
sink_matches_log "$SINK_A_OUT" ws/.hallmark/events.otlp.jsonl false || fail "protobuf requests differ from the log"
$PY - "$SINK_A_OUT" "$(sha256sum /bin/true | cut -d' ' -f1)" <<'PYEOF' || fail "process spans"
import json, sys
sink, true_sha = sys.argv[1:3]
spans = [s for line in open(sink) for rs in json.loads(line)["request"].get("resourceSpans", [])
         for ss in rs["scopeSpans"] for s in ss["spans"]]
logs = [l for line in open(sink) for rl in json.loads(line)["request"].get("resourceLogs", [])
        for sl in rl["scopeLogs"] for l in sl["logRecords"]]
step = [s for s in spans if s["name"] == "tree"]
assert len(step) == 1, [s["name"] for s in spans]
step = step[0]
attr = lambda s: {a["key"]: a["value"] for a in s.get("attributes", [])}
trues = [s for s in spans if s["name"] == "true"]
falses = [s for s in spans if s["name"] == "false"]
assert len(trues) == 5 and len(falses) == 1, [s["name"] for s in spans]
by_id = {s["spanId"]: s for s in spans}
for s in spans:
    assert s["traceId"] == step["traceId"]
    if s is step:
        continue
    parent = by_id.get(s["parentSpanId"])
    assert parent, f"{s['name']}: parent {s['parentSpanId']} never arrived"
    if parent is not step:
        assert attr(parent)["process.pid"] == attr(s)["process.parent_pid"]
for s in trues:
    assert attr(s)["process.executable.path"]["stringValue"] == "/usr/bin/true", attr(s)
    assert int(s["startTimeUnixNano"]) <= int(s["endTimeUnixNano"])
tool = [attr(l) for l in logs if l.get("eventName") == "hallmark.toolchain.executable"]
true_ev = [a for a in tool if a["process.executable.path"]["stringValue"] == "/usr/bin/true"]
assert len(true_ev) == 1, tool
assert true_ev[0]["hallmark.process.executable.sha256"]["stringValue"] == true_sha, true_ev
assert true_ev[0]["hallmark.process.runs"]["intValue"] == "5", true_ev
assert falses[0]["status"]["code"] == 2, falses[0]
assert attr(falses[0])["process.exit.code"]["intValue"] == "1"
print(f"{len(spans)} spans")
PYEOF
"$HM" telemetry verify -q ws/.hallmark/events.otlp.jsonl || fail "the event log's chain must verify"
pass "process spans arrive as protobuf, each once, equal to the event log"
