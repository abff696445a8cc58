#!/usr/bin/env bash
# Telemetry overhead (issue 6): one step of 2,000 short processes, with telemetry exporting to a
# local strict OTLP receiver (../shared/peers/otlp-sink) at --telemetry-detail processes, versus
# the same step with --no-telemetry. Uses --trace when the tracer works here (otherwise says so:
# then no per-process spans exist and the figure covers the step span, events and export only).
# Prints medians of RUNS alternating runs and the ratio; the bar is <= 1.05. Also prints the CPU
# time the receiver spent per step: the receiver shares the machine with the build.
#   bench/bench_telemetry.sh [RUNS]     (HALLMARK_BIN defaults to build/hallmark; RUNS 21)
#   OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf bench/bench_telemetry.sh   (the binary encoding)
#   DECOMPOSE=1 bench/bench_telemetry.sh: a third variant exports the same spans to a receiver
#   that answers 200 without decoding them, which separates hallmark's own cost (that variant)
#   from the cost of the receiver's decoding on the same CPUs (the rest).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
HM=${HALLMARK_BIN:-$HERE/build/hallmark}
SHARED=${HALLMARK_SHARED:-$HERE/../shared}
RUNS=${1:-21}
N=2000
T=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-bench-tel.XXXXXX")
SINK_PID= NULL_PID=
cleanup() { kill $SINK_PID $NULL_PID 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
/usr/bin/python3 "$SHARED/peers/otlp-sink" --out "$T/sink.jsonl" --port-file "$T/port" >/dev/null &
SINK_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
ENDPOINT="http://127.0.0.1:$(cat "$T/port")"
if [ -n "${DECOMPOSE:-}" ]; then
  /usr/bin/python3 - "$T/null.port" <<'PYEOF' &
import os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Null(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")
srv = ThreadingHTTPServer(("127.0.0.1", 0), Null)
open(sys.argv[1] + ".tmp", "w").write(str(srv.server_address[1])); os.replace(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
PYEOF
  NULL_PID=$!
  for _ in $(seq 100); do [ -s "$T/null.port" ] && break; sleep 0.05; done
  NULL_ENDPOINT="http://127.0.0.1:$(cat "$T/null.port")"
fi
sink_cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$SINK_PID/stat"; }  # USER_HZ = 100
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
  local t0 t1 c0 c1
  c0=$(sink_cpu_ms); t0=$(now_ms)
  "$HM" run -q "${TRACE[@]}" --telemetry-detail processes --otlp-endpoint "$ENDPOINT" --step bench -- "${STEP[@]}"
  t1=$(now_ms); c1=$(sink_cpu_ms)
  with+=($((t1 - t0))); sink_cpu+=($((c1 - c0)))
}
run_null() {
  rm -rf .hallmark
  local t0 t1
  t0=$(now_ms)
  "$HM" run -q "${TRACE[@]}" --telemetry-detail processes --otlp-endpoint "$NULL_ENDPOINT" --step bench -- "${STEP[@]}"
  t1=$(now_ms)
  nulls+=($((t1 - t0)))
}
# Each round runs the variants back to back, in alternating order (so none always runs first
# after another's clean-up), and yields one paired ratio. The machine's speed drifts by ±20 %
# over tens of seconds here; a pair shares its moment, so the median of the paired ratios is the
# steadier figure. The ratio of the two medians is printed too.
declare -a with without nulls pairs null_pairs sink_cpu
for r in $(seq "$RUNS"); do
  if [ -n "${DECOMPOSE:-}" ]; then
    # The run without telemetry in the middle: both ratios compare neighbouring runs.
    if ((r % 2)); then run_with; run_without; run_null; else run_null; run_without; run_with; fi
    null_pairs+=("$(awk -v a="${nulls[-1]}" -v b="${without[-1]}" 'BEGIN { printf "%.3f", a / b }')")
  elif ((r % 2)); then run_without; run_with; else run_with; run_without; fi
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
echo "CPU time of the receiver (otlp-sink) per step with telemetry: median $(median "${sink_cpu[@]}") ms  [${sink_cpu[*]}]"
echo "paired ratios (with/without, per round): ${pairs[*]}"
awk -v a="$mw" -v b="$mo" 'BEGIN { printf "ratio of medians with/without: %.3f\n", a / b }'
if [ -n "${DECOMPOSE:-}" ]; then
  echo "exporting to a receiver that decodes nothing: median $(median "${nulls[@]}") ms  [${nulls[*]}]"
  echo "  paired ratios: ${null_pairs[*]}"
  echo "  median of paired ratios (hallmark's own share): $(median "${null_pairs[@]}" | awk '{ printf "%.3f", $1 }')"
fi
echo "median of paired ratios: $(median "${pairs[@]}" | awk '{ printf "%.3f", $1 }') (bar <= 1.05)"
