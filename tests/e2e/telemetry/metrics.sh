# OTLP metrics reach the strict otlp-sink on /v1/metrics, as http/json and as http/protobuf:
# cicd.pipeline.run.duration (histogram, cicd.pipeline.name/result) and cicd.pipeline.run.errors
# when the run closes, hallmark.step.processes/network.connections for a traced step,
# hallmark.sbom.components from `hallmark sbom`, hallmark.verify.result from `hallmark verify`;
# each with its unit and description, and each line of the event log chain-verified.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"

traced=--trace
"$HM" run -q --require-trace --no-telemetry --record-dir "$T/probe" -- true 2>/dev/null || traced=

check_metrics() { # SINK_OUT ENCODING TRACED
  $PY - "$1" "$2" "$3" <<'PYEOF'
import json, sys
out, encoding, traced = sys.argv[1], sys.argv[2], sys.argv[3] == "yes"
metrics = {}
for line in open(out):
    j = json.loads(line)
    assert "error" not in j and "refused" not in j, j
    if j.get("path") != "/v1/metrics": continue
    assert j.get("encoding") == encoding, j.get("encoding")
    for rm in j["request"]["resourceMetrics"]:
        for sm in rm["scopeMetrics"]:
            for m in sm["metrics"]:
                metrics.setdefault(m["name"], []).append(m)
want = {"cicd.pipeline.run.duration": "s", "cicd.pipeline.run.errors": "{error}",
        "hallmark.sbom.components": "{component}", "hallmark.verify.result": "{verification}"}
if traced:
    want.update({"hallmark.step.processes": "{process}", "hallmark.step.network.connections": "{connection}"})
for name, unit in want.items():
    assert name in metrics, (name, sorted(metrics))
    for m in metrics[name]:
        assert m["unit"] == unit and m.get("description"), m
attrs = lambda p: {a["key"]: list(a["value"].values())[0] for a in p.get("attributes", [])}
h = metrics["cicd.pipeline.run.duration"][0]["histogram"]
p = h["dataPoints"][0]
assert attrs(p) == {"cicd.pipeline.name": "local", "cicd.pipeline.result": "failure"}, attrs(p)
assert int(p["count"]) == 1 and len(p["bucketCounts"]) == len(p["explicitBounds"]) + 1, p
e = metrics["cicd.pipeline.run.errors"][0]["sum"]
assert e["isMonotonic"] and int(e["dataPoints"][0]["asInt"]) == 1, e
assert attrs(e["dataPoints"][0])["error.type"] == "step_failed", e
s = metrics["hallmark.sbom.components"][0]["sum"]["dataPoints"][0]
assert int(s["asInt"]) == 2, s
v = metrics["hallmark.verify.result"][0]["sum"]["dataPoints"][0]
assert attrs(v) == {"hallmark.verify.outcome": "failed"}, attrs(v)
if traced:
    pr = metrics["hallmark.step.processes"][0]["sum"]["dataPoints"][0]
    assert int(pr["asInt"]) >= 2 and attrs(pr)["cicd.pipeline.task.name"] == "build", pr
PYEOF
}

pipeline() { # DIR
  mkdir "$1" && cd "$1"
  cat >package-lock.json <<'JSON'
{"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"app","version":"1.0.0"},
 "node_modules/ms":{"version":"2.1.3","resolved":"https://registry.npmjs.org/ms/-/ms-2.1.3.tgz","integrity":"sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA=="},
 "node_modules/left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","integrity":"sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEhlqeE8zaK8/VLBWmPg+6GDqSV2Nd8d8rQSULmRg86YKbuQ=="}}}
JSON
  "$HM" run -q $traced --step build -- sh -c 'echo a >a.txt; cat a.txt >b.txt' 2>>../"$1.err"
  expect_eq "$(status "$HM" run -q --step test -- sh -c 'exit 3' 2>>../"$1.err")" 3 "exit status passes through"
  "$HM" sbom -q . -o app.cdx.json 2>>../"$1.err"
  "$HM" keygen -q -o key >/dev/null
  "$HM" keygen -q -o other >/dev/null
  "$HM" attest -q -k key.key --store off --allow-failed-steps 2>>../"$1.err" || fail "attest"
  local rc=0
  "$HM" verify -q --artifact b.txt --provenance provenance.intoto.jsonl --key other.pub >/dev/null 2>>../"$1.err" || rc=$?
  expect_eq "$rc" 1 "verify with the wrong key fails"
  "$HM" telemetry verify -q .hallmark/events.otlp.jsonl || fail "the event log's chain must verify"
  grep -q '"resourceMetrics"' .hallmark/events.otlp.jsonl || fail "no metrics in the event log"
  cd ..
}

start_sink J
OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_J_URL pipeline json
check_metrics "$SINK_J_OUT" json "${traced:+yes}" || fail "metrics over http/json"
pass "metrics over http/json"

start_sink P
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_P_URL pipeline proto
check_metrics "$SINK_P_OUT" protobuf "${traced:+yes}" || fail "metrics over http/protobuf"
expect_not_contains proto.err "protobuf"
pass "metrics over http/protobuf"
