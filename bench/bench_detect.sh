#!/usr/bin/env bash
# Anomaly detection's cost (issue 17): a traced step of PROCS processes (a shell loop over 20
# distinct programs) run RUNS times to build its baseline, then measured: the `detect` phase that
# `hallmark run -v` prints (open the store, load the last 10 runs, compare, add the run), and the
# step's wall time beside the same step with the store off (the peer: hallmark without detection).
# Target: detect <= 20 ms with a 10-run baseline of 5,000 processes. Exit 1 when missed.
#
# usage: bench/bench_detect.sh [BUILD_DIR]   env: PROCS=5000 RUNS=10 SAMPLES=3
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
HM=$BUILD/hallmark
PROCS=${PROCS:-5000}
RUNS=${RUNS:-10}
SAMPLES=${SAMPLES:-3}
[ -x "$HM" ] || { echo "bench: build hallmark first ($HM)" >&2; exit 2; }
T=$(mktemp -d /tmp/hallmark-bench-detect.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
export XDG_DATA_HOME="$T/xdg"
unset HALLMARK_STORE
progs="true echo cat ls date basename dirname env printf id uname head tail wc sort uniq tr cut sleep test"
cat > step.sh <<SH
#!/bin/sh
n=0
while [ \$n -lt $PROCS ]; do
  for p in $progs; do
    [ \$n -lt $PROCS ] || break
    case \$p in sleep) /usr/bin/sleep 0 ;; test) /usr/bin/test 1 ;; cat|head|tail|wc|sort|uniq|tr|cut) /usr/bin/\$p </dev/null >/dev/null ;; *) /usr/bin/\$p >/dev/null ;; esac
    n=\$((n + 1))
  done
done
SH
chmod +x step.sh
phase() { sed -n 's/.*time (ms):.* detect \([0-9]*\).*/\1/p' "$1"; }
echo "load: $(uptime | sed 's/.*load average/load average/')"
for i in $(seq 1 "$RUNS"); do
  "$HM" run -v --trace --no-telemetry --step build -- ./step.sh 2> "base$i.err" || { cat "base$i.err"; exit 2; }
done
procs=$(grep -o 'traced [0-9]* processes' "base$RUNS.err" | grep -o '[0-9]*')
values=$("$HM" baseline show 2>/dev/null | awk 'NR==2 {print $4}')
echo "baseline: $RUNS runs of $procs processes, $values distinct values"
best_on=999999 best_off=999999 detect_max=0
for s in $(seq 1 "$SAMPLES"); do
  t0=$(date +%s%N)
  "$HM" run -v --trace --no-telemetry --step build -- ./step.sh 2> on.err
  t1=$(date +%s%N)
  HALLMARK_STORE=off "$HM" run -v --trace --no-telemetry --step build -- ./step.sh 2> off.err
  t2=$(date +%s%N)
  grep -q anomaly on.err && { cat on.err; echo "bench: an identical rerun raised an anomaly" >&2; exit 1; }
  d=$(phase on.err)
  [ "$d" -gt "$detect_max" ] && detect_max=$d
  on=$(((t1 - t0) / 1000000)) off=$(((t2 - t1) / 1000000))
  [ "$on" -lt "$best_on" ] && best_on=$on
  [ "$off" -lt "$best_off" ] && best_off=$off
  echo "sample $s: detect phase ${d} ms; step wall ${on} ms with the store, ${off} ms with it off"
done
awk -v on="$best_on" -v off="$best_off" -v d="$detect_max" 'BEGIN {
  printf "detect phase (worst of samples): %d ms (target <= 20 ms)\n", d
  printf "step wall, best of samples: %d ms with detection vs %d ms store off (ratio %.3f)\n", on, off, on / off }'
[ "$detect_max" -le 20 ] || { echo "bench: detect phase above 20 ms" >&2; exit 1; }
