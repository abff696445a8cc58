#!/usr/bin/env bash
# The whole test suite against an AddressSanitizer + UndefinedBehaviorSanitizer build
# (build-asan/), through scripts/test.sh; .ci/run runs it after the plain suite. Each of the two
# passes leaves its meson log as build-asan/meson-logs/testlog-asan-{others,traced}.json.
#   scripts/sanitize.sh [meson test args...]
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=build-asan SETUP="-Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizer/lsan.supp
# Test names are the lines without spaces (the rest is the build's output).
mapfile -t all < <(./scripts/test.sh --list | grep -E '^[A-Za-z0-9_.:-]+$')
traced=() others=()
for t in "${all[@]}"; do
  case $t in *trace*|*digest_cache*|*processes*) traced+=("$t") ;; *) others+=("$t") ;; esac
done
rc=0
logs=$BUILD/meson-logs
rm -f $logs/testlog-asan-*.json
ASAN_OPTIONS=detect_leaks=1 ./scripts/test.sh "$@" "${others[@]}" || rc=1
cp $logs/testlog.json $logs/testlog-asan-others.json
# LeakSanitizer cannot run inside a ptraced process, and these tests run instrumented programs
# under hallmark's tracer: leak checks off for them, every other check on.
ASAN_OPTIONS=detect_leaks=0 ./scripts/test.sh "$@" "${traced[@]}" || rc=1
cp $logs/testlog.json $logs/testlog-asan-traced.json
exit $rc
