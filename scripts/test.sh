#!/usr/bin/env bash
# Builds hallmark and runs every test (unit + end-to-end). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
# The independent verifiers tests run against (../shared/peers; see its README).
if [ -x ../shared/peers/setup ]; then
  export HALLMARK_PEERS=${HALLMARK_PEERS:-$HOME/.cache/hallmark-peers}
  ../shared/peers/setup >/dev/null
fi
# BUILD (default build/) and SETUP (more `meson setup` options) serve scripts/sanitize.sh.
BUILD=${BUILD:-build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" ${SETUP:-}
ninja -C "$BUILD"
meson test -C "$BUILD" --print-errorlogs --num-processes 2 "$@"
