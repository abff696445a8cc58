#!/usr/bin/env bash
# The README's main job: builds hallmark, then runs a CI job on the bundled sample project
# (ci-examples/sample-project) in a temporary copy: traced build steps, SBOM, signed provenance,
# verify before deploy, and the pipeline's telemetry file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${HALLMARK:-}" ]; then
  HM=$HALLMARK  # an installed hallmark (the package check runs the main job with /usr/bin/hallmark)
else
  ./scripts/deps.sh
  [ -f build/build.ninja ] || meson setup build >/dev/null
  ninja -C build >/dev/null
  HM=$PWD/build/hallmark
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-demo.XXXXXX")
cp -r ci-examples/sample-project "$work/project"
cd "$work/project"
git init -q . && git add -A && git -c user.name=demo -c user.email=demo@example.com commit -qm "sample"
export HALLMARK_DIR=$work/project/.hallmark

echo "== wrap the build steps"
"$HM" run --step build --trace -- make
"$HM" run --step test -- make test
"$HM" run --step package -- make dist
echo "== SBOM of the workspace (CycloneDX 1.6), recorded as a step of its own"
"$HM" run --step sbom -- "$HM" sbom -o sbom.cdx.json .
echo "== the pipeline run so far"
"$HM" steps
echo "== sign the provenance and verify the release before deploying it"
"$HM" keygen -q -o "$work/release" >/dev/null
"$HM" attest --key "$work/release.key" --subject 'dist/*.tar.gz' --sbom
"$HM" verify --artifact dist/greet-1.0.0.tar.gz --key "$work/release.pub" --events "$HALLMARK_DIR/events.otlp.jsonl"
echo "== telemetry: one OTLP/JSON request per line, hash-chained"
"$HM" telemetry verify "$HALLMARK_DIR/events.otlp.jsonl"
echo "$(wc -l <"$HALLMARK_DIR/events.otlp.jsonl") OTLP requests in $HALLMARK_DIR/events.otlp.jsonl"
echo "== the run's report for people: anomalies first, timeline, egress, programs, artifacts"
report=$("$HM" report -o "$work/report.html")
echo
echo "demo workspace: $work/project (records in .hallmark/)"
echo "report: $report ($(stat -c %s "$report") bytes; open it in a browser)"
