# --trace --telemetry-detail processes: one span per process of the step's tree, streamed to the
# collector while the step runs (batches of 256, or after 250 ms) and completed at the end. The
# receiver must get each process exactly once, parented to its parent process's span (or the
# step span for the step's own command), with pid/ppid and the executable, and the failing process
# marked ERROR; each distinct executable's SHA-256 and run count come once, as a
# hallmark.toolchain.executable event. 400 processes in nested shells: more than one streamed batch,
# a timer-flushed batch and spans emitted at the end all take part. A process span names its
# working directory only where it differs from the step's (which the step span carries).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
skip_unless_traceable
start_sink A
mkdir ws && cd ws
"$HM" run -q --trace --telemetry-detail processes --otlp-endpoint "$SINK_A_URL" --step tree -- \
  sh -c 'i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done
         (cd / && /bin/echo moved >/dev/null)
         sleep 1.2
         sh -c "i=0; while [ \$i -lt 98 ]; do /bin/true; i=\$((i+1)); done; /bin/false || true"' \
  || fail "the step itself succeeds"
cd ..
$PY - "$SINK_A_OUT" ws/.hallmark/steps/*.json "$(sha256sum /bin/true | cut -d' ' -f1)" ws/.hallmark/events.otlp.jsonl <<'PYEOF' || fail "process spans"
import json, sys
sink, record, true_sha, log = sys.argv[1:5]
spans, logs, requests = [], [], 0
for line in open(sink):
    j = json.loads(line)
    assert "error" not in j and "refused" not in j, j
    for rs in j["request"].get("resourceSpans", []):
        requests += 1
        for ss in rs["scopeSpans"]:
            spans += ss["spans"]
    for rl in j["request"].get("resourceLogs", []):
        for sl in rl["scopeLogs"]:
            logs += sl["logRecords"]
procs = json.load(open(record))["trace"]["processes"]
steps = [s for s in spans if s["name"] == "tree"]
assert len(steps) == 1, [s["name"] for s in spans][:5]
step = steps[0]
ps = [s for s in spans if s is not step]
ids = [s["spanId"] for s in ps]
assert len(ids) == len(set(ids)), "a process span arrived twice"
assert len(ps) == len(procs), (len(ps), len(procs))
assert len(ps) >= 400, len(ps)
lines = [json.loads(l) for l in open(log) if l.startswith('{"resourceSpans"')]
assert len(lines) >= 3, f"process spans were not streamed in batches: {len(lines)} trace lines"
by_id = {s["spanId"]: s for s in ps}
attr = lambda s: {a["key"]: a["value"] for a in s["attributes"]}
roots = 0
for s in ps:
    a = attr(s)
    assert s["traceId"] == step["traceId"]
    if s["parentSpanId"] == step["spanId"]:
        roots += 1
        continue
    parent = by_id.get(s["parentSpanId"])
    assert parent, f"span {s['name']} has a parent that never arrived"
    assert attr(parent)["process.pid"] == a["process.parent_pid"], (attr(parent), a)
assert roots == 1, f"{roots} processes hang directly off the step span"
trues = [s for s in ps if s["name"] == "true"]
falses = [s for s in ps if s["name"] == "false"]
assert len(trues) == 398 and len(falses) == 1, (len(trues), len(falses))
for s in trues:
    a = attr(s)
    assert a["process.executable.path"]["stringValue"] == "/usr/bin/true", a
    assert "hallmark.process.executable.sha256" not in a, a  # once per executable, in the event below
    assert s.get("status", {}).get("code", 0) == 0
    assert "process.working_directory" not in a, a
assert attr(step)["process.working_directory"]["stringValue"].endswith("/ws"), attr(step)
echoes = [s for s in ps if s["name"] == "echo"]
assert len(echoes) == 1 and attr(echoes[0])["process.working_directory"]["stringValue"] == "/", echoes
f = attr(falses[0])
assert falses[0]["status"]["code"] == 2 and f["error.type"]["stringValue"] == "1", falses[0]
assert f["process.exit.code"]["intValue"] == "1"
tool = {attr(l)["process.executable.path"]["stringValue"]: l for l in logs
        if l.get("eventName") == "hallmark.toolchain.executable"}
assert set(tool) >= {"/usr/bin/true", "/usr/bin/false", "/usr/bin/echo"}, sorted(tool)
t = attr(tool["/usr/bin/true"])
assert t["hallmark.process.executable.sha256"]["stringValue"] == true_sha, t
assert t["hallmark.process.runs"]["intValue"] == "398", t
assert tool["/usr/bin/true"]["spanId"] == step["spanId"] and tool["/usr/bin/true"]["severityNumber"] == 9
runs = sum(int(attr(l)["hallmark.process.runs"]["intValue"]) for l in tool.values())
assert runs == sum(1 for p in procs if p.get("exe")), (runs, len(procs))
print(f"{len(ps)} process spans in {len(lines)} event-log lines, {requests} requests")
PYEOF
"$HM" telemetry verify -q ws/.hallmark/events.otlp.jsonl || fail "the event log's chain must verify"
pass "process spans streamed once each, with parentage and executable digests"

# Streaming to a collector that accepts connections and never answers: the step still ends
# within the flush deadline (2 s) of the same traced step without telemetry, and every span
# stays in the event log for `hallmark telemetry flush`.
$PY -c '
import socket, time, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(120)' "$T/hang.port" &
HANG=$!; on_exit "kill $HANG 2>/dev/null"
for i in $(seq 1 100); do [ -s "$T/hang.port" ] && break; sleep 0.05; done
mkdir hung && cd hung
LOOP='i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done'
start=$(date +%s%N)
"$HM" run -q --trace --no-telemetry --record-dir "$T/base" -- sh -c "$LOOP"
base=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
expect_eq "$(status "$HM" run -q --trace --telemetry-detail processes --otlp-endpoint "http://127.0.0.1:$(cat "$T/hang.port")" --step hung -- sh -c "$LOOP; exit 4")" 4 "exit status with a hung collector"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "traced step: ${base} ms without telemetry, ${ms} ms streaming to a hung collector"
[ "$ms" -lt $(( base + 3000 )) ] || fail "a hung collector delayed the step by more than the deadline"
start_sink B
"$HM" telemetry flush -q --otlp-endpoint "$SINK_B_URL"
cd ..
sink_summary "$SINK_B_OUT" > hung-summary.txt
expect_eq "$(grep -c '^span true ' hung-summary.txt)" 300 "flush later sends every kept process span"
expect_eq "$(grep -c '^span hung ' hung-summary.txt)" 1 "and the step span"
pass "a hung collector costs at most the deadline; the spans are kept and flushed later"
