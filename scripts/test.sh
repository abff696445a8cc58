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
[ -f build/build.ninja ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 2 "$@"
