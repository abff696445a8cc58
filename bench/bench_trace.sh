#!/usr/bin/env bash
# Tracing overhead on a real C build (issue 3): Debian's zlib source package, configured once,
# then a clean `make -j$(nproc)` timed RUNS times (median) in five ways:
#   (a) plain   (b) hallmark's tracer   (c) strace -f (ptrace, every syscall stops)
#   (d) strace -f --seccomp-bpf (seccomp-filtered ptrace, the closest peer).
#   (e) hallmark's tracer with --trace-reads ptrace: a stop for every open, as for users whom
#       fanotify is not permitted (without CAP_SYS_ADMIN); (b) is the default, which lets
#       fanotify report read-only opens where it may (docs/record-format.md, trace).
# Prints the ratios against (a); bar: (b)/(a) <= 1.10 and (b) faster than (d). CPU time
# (user+sys of the whole tree, tracer and strace included) is printed too: on a shared machine
# it is far less noisy than wall time.
# (b) is `hallmark run --trace -q` when the built hallmark has `run --trace`, else the tracer
# alone through the trace-run test program (set TRACER=trace-run to force it).
# Usage: bench/bench_trace.sh [BUILD_DIR]   (needs root once, to add deb-src and apt-get update)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath "${1:-$SRC/build}")
RUNS=${RUNS:-5}
WORK=${WORK:-/tmp/hallmark-bench-trace}
JOBS=$(nproc)

# deb-src for `apt-get source`, added once (bookworm main), idempotently.
if ! grep -rqs '^deb-src\|^Types:.*deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # Same keyring as the image's deb822 sources: apt refuses one URI with two Signed-By values.
  KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
  OPT=""; [ -f "$KEYRING" ] && OPT="[signed-by=$KEYRING] "
  echo "deb-src ${OPT}http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list.d/hallmark-deb-src.list
  apt-get update -qq
fi
command -v dpkg-source >/dev/null || { echo "bench: dpkg-dev is needed (apt-get install dpkg-dev)" >&2; exit 2; }
command -v strace >/dev/null || { echo "bench: strace is needed (apt-get install strace)" >&2; exit 2; }

mkdir -p "$WORK"
cd "$WORK"
if ! ls -d zlib-*/ >/dev/null 2>&1; then
  apt-get source -qq zlib >/dev/null 2>&1 || apt-get source zlib
fi
ZDIR=$(ls -d "$WORK"/zlib-*/ | head -1)
cd "$ZDIR"
[ -f Makefile ] && grep -q '^CC=' Makefile || ./configure >/dev/null

HM=$BUILD/hallmark
TRACE_RUN=$BUILD/tests/unit/observe/trace-run
if [ "${TRACER:-}" != trace-run ] && "$HM" run --help 2>/dev/null | grep -q -- --trace; then
  TRACED=("$HM" run --trace -q --step bench --)
  export HALLMARK_DIR=$WORK/records
  TRACED_NAME="hallmark run --trace -q"
  PTRACED=("$HM" run --trace --trace-reads ptrace -q --step bench --)
else
  TRACED=("$TRACE_RUN")
  TRACED_NAME="trace-run (spawn_traced)"
  PTRACED=()
fi
VARIANTS="a b c d"
[ ${#PTRACED[@]} -gt 0 ] && VARIANTS="a b c d e"

time_build() {  # one clean build through "$@": prints "wall cpu" seconds (cpu: user+sys of the tree, tracer included)
  make -s clean >/dev/null 2>&1 || true
  local TIMEFORMAT='%R %U %S' line
  line=$( { time "$@" make -s -j"$JOBS" >/dev/null 2>/dev/null; } 2>&1 )
  set -- $line
  echo "$1 $(echo "$2 + $3" | bc -l)"
}
median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'; }

# Rounds interleave the variants (a b c d e, a b c d e, ...) so that load from other jobs on a
# shared machine drifts over all of them alike instead of favouring whichever ran last.
declare -A MED CPU WALLS CPUS
variant_cmd() {
  case $1 in
    a) echo env ;;
    b) printf '%s\n' "${TRACED[@]}" ;;
    c) printf '%s\n' strace -f -qq -e trace=%file,%process,%network -o /dev/null ;;
    d) printf '%s\n' strace -f -qq --seccomp-bpf -e trace=%file,%process,%network -o /dev/null ;;
    e) printf '%s\n' "${PTRACED[@]}" ;;
  esac
}
time_build env >/dev/null  # warm-up: page cache and the tools' first start
for round in $(seq "$RUNS"); do
  for v in $VARIANTS; do
    mapfile -t cmd < <(variant_cmd "$v")
    read -r w c < <(time_build "${cmd[@]}")
    WALLS[$v]="${WALLS[$v]:-} $w"
    CPUS[$v]="${CPUS[$v]:-} $c"
    echo "bench: round $round $v: wall $w s, cpu $c s"
  done
done
for v in $VARIANTS; do
  MED[$v]=$(printf '%s\n' ${WALLS[$v]} | median)
  CPU[$v]=$(printf '%s\n' ${CPUS[$v]} | median)
done

ratio() { echo "scale=3; ${MED[$1]} / ${MED[a]}" | bc -l; }
cratio() { echo "scale=3; ${CPU[$1]} / ${CPU[a]}" | bc -l; }
echo "zlib $(basename "$ZDIR"), make -j$JOBS, median of $RUNS clean builds (wall; cpu = user+sys of the whole tree)"
echo "(a) plain:                 wall ${MED[a]} s  cpu ${CPU[a]} s"
echo "(b) $TRACED_NAME: wall ${MED[b]} s  cpu ${CPU[b]} s   (b)/(a) wall $(ratio b)  cpu $(cratio b)   bar <= 1.10"
echo "(c) strace -f:             wall ${MED[c]} s  cpu ${CPU[c]} s   (c)/(a) wall $(ratio c)  cpu $(cratio c)"
echo "(d) strace --seccomp-bpf:  wall ${MED[d]} s  cpu ${CPU[d]} s   (d)/(a) wall $(ratio d)  cpu $(cratio d)"
if [ -n "${MED[e]:-}" ]; then
  echo "(e) --trace-reads ptrace:   wall ${MED[e]} s  cpu ${CPU[e]} s   (e)/(a) wall $(ratio e)  cpu $(cratio e)"
  rm -rf "$WORK/probe"
  "$HM" run -q --trace --no-telemetry --record-dir "$WORK/probe" --step probe -- true
  echo "(b) saw read-only opens through: $(/usr/bin/python3 -c 'import json,glob,sys; print(json.load(open(glob.glob(sys.argv[1] + "/steps/*.json")[0]))["trace"]["summary"]["read_opens"])' "$WORK/probe")"
fi
if [ "$(echo "${MED[b]} < ${MED[d]}" | bc -l)" = 1 ]; then echo "(b) faster than (d): yes"; else echo "(b) faster than (d): no"; fi
if [ "$(echo "${CPU[b]} < ${CPU[d]}" | bc -l)" = 1 ]; then echo "(b) cheaper than (d) in cpu: yes"; else echo "(b) cheaper than (d) in cpu: no"; fi
