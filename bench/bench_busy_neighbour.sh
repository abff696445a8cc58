#!/usr/bin/env bash
# What a busy neighbour CPU costs a process-heavy build on this machine, with no hallmark
# involved: the same loop as bench_telemetry.sh (2,000 runs of /bin/true from sh, untraced),
# alone and while a shell busy-loop keeps another CPU busy. With a free core to spare the ratio
# is about 1.0. In some VMs it is not: on the 2-vCPU paravirtualized guest where hallmark is
# developed, fork/exec on one vCPU slows down by half or more (the kernel time grows, not the
# user time) while the other vCPU runs anything at all, even at idle priority. That explains
# bench_telemetry.sh: a local OTLP receiver decoding spans is such a neighbour, and its CPU time
# is paid again by the build. Prints medians of RUNS alternating runs.
#   bench/bench_busy_neighbour.sh [RUNS]    (default 5)
set -euo pipefail
RUNS=${1:-5}
N=2000
LOOP="i=0; while [ \$i -lt $N ]; do /bin/true; i=\$((i+1)); done"
now_ms() { date +%s%3N; }
alone=() busy=()
run_alone() { local t0; t0=$(now_ms); sh -c "$LOOP"; alone+=($(($(now_ms) - t0))); }
run_busy() {
  sh -c 'while :; do :; done' &
  local hog=$! t0
  t0=$(now_ms); sh -c "$LOOP"; busy+=($(($(now_ms) - t0)))
  kill "$hog"; wait "$hog" 2>/dev/null || true
}
for r in $(seq "$RUNS"); do
  if ((r % 2)); then run_alone; run_busy; else run_busy; run_alone; fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ma=$(median "${alone[@]}"); mb=$(median "${busy[@]}")
echo "$N x /bin/true, $(nproc) CPUs, $RUNS runs each"
echo "alone: median $ma ms  [${alone[*]}]"
echo "another CPU busy (shell loop): median $mb ms  [${busy[*]}]"
awk -v a="$mb" -v b="$ma" 'BEGIN { printf "ratio busy/alone: %.2f\n", a / b }'
