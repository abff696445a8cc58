#!/usr/bin/env bash
# The whole test suite against an AddressSanitizer + UndefinedBehaviorSanitizer build
# (build-asan/), through scripts/test.sh; .ci/run runs it after the plain suite. Each of the two
# passes leaves its meson log as build-asan/meson-logs/testlog-asan-{others,traced}.json.
#   scripts/sanitize.sh [meson test args...]
set -euo pipefail
cd "$(dirname "$0")/.."
# bench/ is left out (its programs are no tests), and so is debug info (-g): the reports still
# name every function, and the build takes less of CI's 45 minutes.
export BUILD=build-asan SETUP="-Doptimization=0 -Ddebug=false -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizer/lsan.supp
# Test names: `meson test --list` prints "hallmark / NAME" (the build's own output has no such line).
mapfile -t all < <(./scripts/test.sh --list | sed -n 's|^hallmark / ||p')
[ "${#all[@]}" -gt 0 ] || { echo "sanitize: no tests listed" >&2; exit 1; }
# Tests that run an instrumented program under hallmark's tracer: the unit tests of the tracer,
# and the end-to-end scripts that trace (--trace, HALLMARK_TRACE, the CI examples' trace input).
traced_e2e=" $(grep -lE -- '--trace|HALLMARK_TRACE|skip_unless_traceable|ci-examples' tests/e2e/*/*.sh |
  sed -E 's|tests/e2e/([^/]+)/([^/]+)\.sh|e2e-\1-\2|' | tr '\n' ' ') "
traced=() others=()
for t in "${all[@]}"; do
  case $t in
    headers-self-contained|layering|function-length) ;;  # source checks: nothing runs that a sanitizer could see
    *trace*|*digest_cache*|*processes*) traced+=("$t") ;;
    *) if [[ "$traced_e2e" == *" $t "* ]]; then traced+=("$t"); else others+=("$t"); fi ;;
  esac
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
