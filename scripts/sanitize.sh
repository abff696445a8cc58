#!/usr/bin/env bash
# The whole test suite against an AddressSanitizer + UndefinedBehaviorSanitizer build
# (build-asan/), through scripts/test.sh. Not part of .ci/run: the instrumented build alone
# takes ~10 minutes on 2 cores.
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
ASAN_OPTIONS=detect_leaks=1 ./scripts/test.sh "$@" "${others[@]}" || rc=1
# LeakSanitizer cannot run inside a ptraced process, and these tests run instrumented programs
# under hallmark's tracer: leak checks off for them, every other check on.
ASAN_OPTIONS=detect_leaks=0 ./scripts/test.sh "$@" "${traced[@]}" || rc=1
exit $rc
