#!/usr/bin/env bash
# The whole test suite against an AddressSanitizer + UndefinedBehaviorSanitizer build
# (build-asan/). Not part of .ci/run: the instrumented build alone takes ~10 minutes on 2 cores.
#   scripts/sanitize.sh [meson test args...]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
if [ -x ../shared/peers/setup ]; then
  export HALLMARK_PEERS=${HALLMARK_PEERS:-$HOME/.cache/hallmark-peers}
  ../shared/peers/setup >/dev/null
fi
[ -f build-asan/build.ninja ] ||
  meson setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizer/lsan.supp
mapfile -t all < <(meson test -C build-asan --list 2>/dev/null | grep -v '^ninja:')
traced=() others=()
for t in "${all[@]}"; do
  case $t in *trace*|*digest_cache*|*processes*) traced+=("$t") ;; *) others+=("$t") ;; esac
done
rc=0
ASAN_OPTIONS=detect_leaks=1 meson test -C build-asan --print-errorlogs --num-processes 2 "$@" "${others[@]}" || rc=1
# LeakSanitizer cannot run inside a ptraced process, and these tests run instrumented programs
# under hallmark's tracer: leak checks off for them, every other check on.
ASAN_OPTIONS=detect_leaks=0 meson test -C build-asan --print-errorlogs --num-processes 2 "$@" "${traced[@]}" || rc=1
exit $rc
