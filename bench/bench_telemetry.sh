#!/usr/bin/env bash
# Telemetry overhead (issue 6): one step of 2,000 short processes, with telemetry exporting to a
# local strict OTLP receiver (../shared/peers/otlp-sink) at --telemetry-detail processes, versus
# the same step with --no-telemetry. Uses --trace when the tracer works here (otherwise says so:
# then no per-process spans exist and the figure covers the step span, events and export only).
# Prints medians of RUNS alternating runs and the ratio; the bar is <= 1.05.
#   bench/bench_telemetry.sh [RUNS]     (HALLMARK_BIN defaults to build/hallmark)
#   OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf bench/bench_telemetry.sh   (the binary encoding)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
HM=${HALLMARK_BIN:-$HERE/build/hallmark}
SHARED=${HALLMARK_SHARED:-$HERE/../shared}
RUNS=${1:-11}
N=2000
T=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-bench-tel.XXXXXX")
SINK_PID=
cleanup() { [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
/usr/bin/python3 "$SHARED/peers/otlp-sink" --out "$T/sink.jsonl" --port-file "$T/port" >/dev/null &
SINK_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
ENDPOINT="http://127.0.0.1:$(cat "$T/port")"
mkdir "$T/ws" && cd "$T/ws"
for i in $(seq 200); do echo "$i" > "f$i"; done
TRACE=()
if "$HM" run -q --require-trace --no-telemetry --record-dir "$T/probe" -- true 2>/dev/null; then
  TRACE=(--trace); mode="--trace"
else
  mode="WITHOUT --trace (tracer not available in this build)"
fi
STEP=(sh -c "i=0; while [ \$i -lt $N ]; do /bin/true; i=\$((i+1)); done")
now_ms() { date +%s%3N; }
run_without() {
  rm -rf .hallmark
  local t0 t1
  t0=$(now_ms); "$HM" run -q "${TRACE[@]}" --no-telemetry --step bench -- "${STEP[@]}"; t1=$(now_ms)
  without+=($((t1 - t0)))
}
run_with() {
  rm -rf .hallmark
  local t0 t1
  t0=$(now_ms)
  "$HM" run -q "${TRACE[@]}" --telemetry-detail processes --otlp-endpoint "$ENDPOINT" --step bench -- "${STEP[@]}"
  t1=$(now_ms)
  with+=($((t1 - t0)))
}
# Each round runs both variants back to back, in alternating order (so neither always runs
# first after the other's clean-up), and yields one paired ratio. The machine's speed drifts by
# ±20 % over tens of seconds here; a pair shares its moment, so the median of the paired ratios
# is the steadier figure. The ratio of the two medians is printed too.
declare -a with without pairs
for r in $(seq "$RUNS"); do
  if ((r % 2)); then run_without; run_with; else run_with; run_without; fi
  pairs+=("$(awk -v a="${with[-1]}" -v b="${without[-1]}" 'BEGIN { printf "%.3f", a / b }')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mw=$(median "${with[@]}"); mo=$(median "${without[@]}")
spans=$(/usr/bin/python3 -c '
import json,sys
n=0
for l in open(sys.argv[1]):
    r=json.loads(l).get("request",{})
    for rs in r.get("resourceSpans",[]):
        for ss in rs["scopeSpans"]: n+=len(ss["spans"])
print(n)' "$T/sink.jsonl")
echo "step: $N processes, $mode, $RUNS runs each, protocol ${OTEL_EXPORTER_OTLP_PROTOCOL:-http/json}"
echo "without telemetry (--no-telemetry): median ${mo} ms  [${without[*]}]"
echo "with telemetry (processes, exporting to otlp-sink): median ${mw} ms  [${with[*]}]"
echo "spans received by the sink over all runs: $spans"
echo "paired ratios (with/without, per round): ${pairs[*]}"
awk -v a="$mw" -v b="$mo" 'BEGIN { printf "ratio of medians with/without: %.3f\n", a / b }'
echo "median of paired ratios: $(median "${pairs[@]}" | awk '{ printf "%.3f", $1 }') (bar <= 1.05)"
