#!/usr/bin/env bash
# How long a CI job takes to install hallmark from its Debian package: `apt-get install
# ./hallmark_*.deb` on a fresh Debian 12 root (scripts/fresh_root.sh: never saw hallmark; the
# dependencies come from the Debian mirror), beside the peer `apt-get install cmake` (a C++ tool
# of similar size with its own libraries) on another fresh root; medians of RUNS runs, and the
# ratio hallmark/cmake. Target (issue 19): <= 15 s. `apt-get update` (needed first on a fresh
# root, as on a fresh CI container) is printed apart. Needs root and the mirror.
# Usage: bench/bench_install.sh [DEB]   (default: build-deb/hallmark_*.deb from scripts/package.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "${1:-$(ls build-deb/hallmark_*.deb | tail -n 1)}")
RUNS=${RUNS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-bench-install.XXXXXX")
root=
cleanup() { [ -z "$root" ] || umount "$root/proc" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
echo "bench_install: load before start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2

ms_now() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }
# install NAME WHAT...: one fresh root, apt-get update, then the timed install; prints "update_ms install_ms"
install_once() {
  local name=$1 s u e
  shift
  root=$T/$name-$RANDOM
  scripts/fresh_root.sh "$root"
  cp "$deb" "$root/tmp/"
  s=$(ms_now); in_root apt-get update -qq >/dev/null; u=$(ms_now)
  in_root apt-get install -y -qq --no-install-recommends "$@" >"$T/$name.log" 2>&1 || { cat "$T/$name.log" >&2; exit 1; }
  e=$(ms_now)
  umount "$root/proc"; rm -rf "$root"; root=
  echo "$((u - s)) $((e - u))"
}

for ((i = 0; i < RUNS; i++)); do
  install_once hallmark "./tmp/$(basename "$deb")" >>"$T/hallmark.times"
  install_once cmake cmake >>"$T/cmake.times"
done
h=$(cut -d' ' -f2 "$T/hallmark.times" | median)
c=$(cut -d' ' -f2 "$T/cmake.times" | median)
up=$(cut -d' ' -f1 "$T/hallmark.times" "$T/cmake.times" | median)
printf 'apt-get update on a fresh root: %d ms (median, not counted below)\n' "$up"
printf 'apt-get install ./%s: %d ms (median of %d; target <= 15000)\n' "$(basename "$deb")" "$h" "$RUNS"
printf 'peer: apt-get install cmake: %d ms\n' "$c"
awk -v h="$h" -v c="$c" 'BEGIN { printf "ratio hallmark/cmake: %.2f\n", h / c }'
