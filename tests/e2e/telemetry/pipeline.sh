# A 3-step pipeline arrives at a strict OTLP receiver as one trace: a SERVER root span
# "RUN {pipeline}" (emitted by `hallmark telemetry close`), one INTERNAL span per step as its
# child, failing step with status ERROR and error.type; logs carry the step's trace/span ids;
# the wrapped command sees TRACEPARENT naming its step span; an incoming TRACEPARENT makes the
# run a child of the caller's span.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
start_sink A
mkdir ws && cd ws
export OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_A_URL
export TRACEPARENT=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
export GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
"$HM" run -q --step fetch -- sh -c 'echo "$TRACEPARENT" > ../child-traceparent; echo "$BAGGAGE" > ../child-baggage'
"$HM" run -q --step build -- sh -c 'echo built > app.bin'
expect_eq "$(status "$HM" run -q --step test -- sh -c 'exit 3')" 3 "exit status passes through"
"$HM" telemetry close -q
"$HM" telemetry verify -q .hallmark/events.otlp.jsonl || fail "chain of a clean run must verify"
cd ..
sink_summary "$SINK_A_OUT" > summary.txt
cat summary.txt
expect_not_contains summary.txt "error"
TRACE=4bf92f3577b34da6a3ce929d0e0e4736
[ "$(grep -c '^span ' summary.txt)" = 4 ] || fail "expected 4 spans (root + 3 steps)"
[ "$(awk '$1=="span" && $3!="'$TRACE'"' summary.txt | wc -l)" = 0 ] || fail "all spans must be in the caller's trace"
ROOT=$(awk '$1=="span" && $2=="RUN"{print $4}' summary.txt)
[ -n "$ROOT" ] || fail "no RUN root span"
expect_eq "$(awk '$1=="span" && $2=="RUN"{print $5, $6}' summary.txt)" "00f067aa0ba902b7 2" "root: child of the caller, kind SERVER"
expect_eq "$(awk '$1=="span" && $2=="RUN"{print $7}' summary.txt)" 2 "root status ERROR (a step failed)"
for s in fetch build test; do
  expect_eq "$(awk '$1=="span" && $2=="'$s'"{print $5, $6}' summary.txt)" "$ROOT 1" "step $s: child of the root, kind INTERNAL"
done
expect_eq "$(awk '$1=="span" && $2=="test"{print $7}' summary.txt)" 2 "failed step has status ERROR"
FETCH=$(awk '$1=="span" && $2=="fetch"{print $4}' summary.txt)
expect_eq "$(cat child-traceparent)" "00-$TRACE-$FETCH-01" "TRACEPARENT reaches the wrapped command"
expect_contains child-baggage "cicd.pipeline.task.name=fetch"
TEST=$(awk '$1=="span" && $2=="test"{print $4}' summary.txt)
expect_eq "$(awk '$1=="log" && $2=="hallmark.step.failed"{print $3, $4, $5}' summary.txt)" "ERROR $TRACE $TEST" "step.failed log carries the step's ids"
grep -q '^log hallmark.secret.redacted INFO '"$TRACE" summary.txt || fail "secret.redacted event missing"
expect_not_contains "$SINK_A_OUT" "ghp_aaaa"
expect_not_contains ws/.hallmark/events.otlp.jsonl "ghp_aaaa"
# Attributes of the step span, as the receiver decoded them.
$PY - "$SINK_A_OUT" <<'PYEOF' || fail "step span attributes"
import json, sys
resources = set()
for line in open(sys.argv[1]):
    r = json.loads(line).get("request", {})
    for field in ("resourceSpans", "resourceLogs", "resourceMetrics"):
        for x in r.get(field, []):
            resources.add(json.dumps(x["resource"], sort_keys=True))
    for rs in r.get("resourceSpans", []):
        res = {a["key"]: a["value"] for a in rs["resource"]["attributes"]}
        assert res["service.name"]["stringValue"] == "hallmark", res
        # Entities (cicd.pipeline.run, cicd.worker) are the resource's; the chain is not.
        assert "cicd.pipeline.run.id" in res and "cicd.worker.id" in res, res
        assert not any(k.startswith("hallmark.chain.") for k in res), res
        for ss in rs["scopeSpans"]:
            assert ss["schemaUrl"] == "https://opentelemetry.io/schemas/1.44.0"
            for s in ss["spans"]:
                a = {x["key"]: x["value"] for x in s.get("attributes", [])}
                if s["name"] == "test":
                    assert a["cicd.pipeline.task.name"]["stringValue"] == "test", a
                    assert a["cicd.pipeline.task.run.result"]["stringValue"] == "failure", a
                    assert a["error.type"]["stringValue"] == "3", a
                    assert a["process.exit.code"]["intValue"] in ("3", 3), a
                    assert "cicd.pipeline.task.run.id" in a and "cicd.pipeline.run.id" not in a, a
                if s["name"].startswith("RUN"):
                    assert a["cicd.pipeline.result"]["stringValue"] == "failure", a
                    assert a["cicd.pipeline.action.name"]["stringValue"] == "RUN", a
# Three steps, their events and metrics, the run span: one resource for the whole run (the chain
# fields, different on every line, are on the first span or log record of each line).
assert len(resources) == 1, "\n".join(resources)
PYEOF
pass "3-step pipeline is one trace with correct parentage"
