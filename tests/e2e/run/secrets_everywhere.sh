# Issue 20 §1: every secret form CI commands use, planted in one traced run with telemetry to a
# local otlp-sink, then attest --sbom and sbom. Every file written (step records, the event log,
# provenance, materials list, SBOMs, the sink's output) is searched for every secret value.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"

TRACE=--trace
"$HM" run -q --require-trace --no-telemetry --record-dir "$T/probe" -- true 2>/dev/null || TRACE=
rm -rf "$T/probe"
start_sink main

# Stand-ins for the programs (no network): they only exit 0.
mkdir bin
for p in mysql mariadb docker curl deploy; do printf '#!/bin/sh\nexit 0\n' >bin/$p; chmod +x bin/$p; done
export PATH=$T/bin:$PATH

# Secret values: distinct, built at run time, none a prefix of another.
S=()
for i in $(seq 10 30); do S+=("zq${i}Vx$(printf '%05d' $((i * 7919)))K"); done
mkdir ws && cd ws
git init -q . && echo hi >a.txt && git add a.txt && git -c user.name=t -c user.email=t@e commit -qm i

script="deploy --password=${S[0]} --db-pass ${S[1]} --api-key ${S[2]} --token=${S[3]} --secret ${S[4]}
mysql -uroot -p${S[5]} db; mariadb -p ${S[6]} db
docker login -u bot -p ${S[7]} registry.example
curl -u bot:${S[8]} -H 'Authorization: ${S[9]}' -H 'PRIVATE-TOKEN: ${S[10]}' -H 'X-API-Key: ${S[11]}' https://example.invalid/
curl --user bot:${S[12]} https://${S[13]}@github.com/acme/app.git
env DB_TOKEN=${S[14]} true
API_SECRET=${S[15]} sh -c 'true'
mkdir -p dist && echo pkg >dist/app.tar.gz"

env OTEL_EXPORTER_OTLP_ENDPOINT="$SINK_main_URL" \
    OTEL_EXPORTER_OTLP_HEADERS="api-key=${S[16]}" \
    OTEL_EXPORTER_OTLP_TRACES_HEADERS="x-team=${S[17]}" \
    BUILD_HEADERS="${S[18]}" \
    SENTRY_DSN="https://${S[19]}@o1.ingest.sentry.example/42" \
    GIT_MIRROR="https://bot:${S[20]}@git.example/acme/app.git" \
    "$HM" run -q $TRACE --telemetry-detail processes --step build -- sh -c "$script" \
  || fail "the planted run failed"

HALLMARK_KEY_PASSWORD= "$HM" keygen -q -o "$T/k" >/dev/null
OTEL_EXPORTER_OTLP_ENDPOINT="$SINK_main_URL" HALLMARK_KEY_PASSWORD= \
  "$HM" attest -q --key "$T/k.key" --subject 'dist/*' --sbom || fail "attest failed"
"$HM" sbom -q . -o "$T/ws.cdx.json" || fail "sbom failed"
"$HM" sbom -q . --format spdx-json -o "$T/ws.spdx.json" || fail "sbom spdx failed"
kill "$SINK_main_PID"; wait "$SINK_main_PID" 2>/dev/null || true

# The run must have recorded something to search, and the sink received it.
ls .hallmark/steps/*.json >/dev/null || fail "no step record"
[ -s .hallmark/events.otlp.jsonl ] || fail "no event log"
[ -s "$SINK_main_OUT" ] || fail "the sink received nothing"
ls dist/*.intoto.jsonl >/dev/null || fail "no provenance"
grep -q 'PRIVATE-TOKEN: \[REDACTED\]' .hallmark/steps/*.json || fail "the header was not recorded redacted"
[ -z "$TRACE" ] || grep -q '"-p\[REDACTED\]"' .hallmark/steps/*.json ||
  { $PY -c 'import json,sys; [print(p["argv"]) for p in json.load(open(sys.argv[1]))["trace"]["processes"]]' .hallmark/steps/*.json >&2
    fail "traced processes missing from the record"; }

# Every file written, decoded too (the DSSE payloads are base64).
files=$(find "$T" -type f ! -path "$T/bin/*" ! -path "$T/ws/.git/*")
for f in dist/*.intoto.jsonl dist/*.json; do
  [ -f "$f" ] && $PY -c '
import base64, json, sys
for line in open(sys.argv[1]):
    try: j = json.loads(line)
    except ValueError: continue
    env = j.get("dsseEnvelope", j)
    if "payload" in env: print(base64.b64decode(env["payload"]).decode())
' "$f" >>"$T/decoded-payloads.txt"
done
leaks=0
for s in "${S[@]}"; do
  hits=$(grep -lF -- "$s" $files "$T/decoded-payloads.txt" 2>/dev/null || true)
  if [ -n "$hits" ]; then echo "LEAK: $s in: $hits" >&2; leaks=$((leaks + 1)); fi
done
[ "$leaks" = 0 ] || fail "$leaks secret values reached a written file"
pass "no planted secret in $(echo "$files" | wc -l) written files${TRACE:+ (traced)}"
