# OTEL_EXPORTER_OTLP_COMPRESSION=gzip: requests arrive gzip-encoded and decode cleanly;
# OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES (percent-decoded).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
start_sink Z
export OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_Z_URL OTEL_EXPORTER_OTLP_COMPRESSION=gzip
export OTEL_RESOURCE_ATTRIBUTES='service.name=ignored,team=build%20infra' OTEL_SERVICE_NAME=ci-release
"$HM" run -q --step zip -- true
$PY - "$SINK_Z_OUT" <<'PYEOF' || fail "gzip export"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines and all(l.get("gzip") is True and "request" in l for l in lines), lines
res = {a["key"]: a["value"]["stringValue"] for a in lines[0]["request"]["resourceSpans"][0]["resource"]["attributes"]
       if "stringValue" in a["value"]}
assert res["service.name"] == "ci-release", res
assert res["team"] == "build infra", res
PYEOF
pass "gzip export and resource attribute precedence"
