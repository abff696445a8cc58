#!/usr/bin/env bash
# The report's bar (issue 17 §4): a 10,000-process run's report renders in <= 2 s in headless
# Chromium (--dump-dom), less Chromium's own start on an empty page in the same round (the peer).
# Runs tests/e2e/detect/report.sh ROUNDS times with the bar on and prints each round's figures;
# exit 1 when a round misses it.
#
# usage: bench/bench_report.sh [BUILD_DIR]   env: ROUNDS=3
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
ROUNDS=${ROUNDS:-3}
[ -x "$BUILD/hallmark" ] || { echo "bench: build hallmark first ($BUILD/hallmark)" >&2; exit 2; }
export HALLMARK_BIN=$BUILD/hallmark HALLMARK_SRC=$SRC HALLMARK_BUILD=$BUILD HALLMARK_SHARED=${HALLMARK_SHARED:-$SRC/../shared}
status=0
for i in $(seq "$ROUNDS"); do
  out=$(HALLMARK_REPORT_BAR=1 bash "$SRC/tests/e2e/detect/report.sh" 2>&1) || status=1
  echo "round $i: $(grep -m1 '10,000-process report' <<<"$out")"
  grep -q "rendering took" <<<"$out" && echo "round $i: MISSED the 2 s bar"
done
exit $status
