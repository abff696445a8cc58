#!/usr/bin/env bash
# Formats every C++ file of the tree with clang-format (.clang-format; Debian 12's clang-format 14).
# With --check nothing is written: the files that differ are listed and the exit status is 1.
#   scripts/format.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format is needed (apt-get install clang-format)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' | grep -v '^tests/fuzz/regressions/')
if [ "${1:-}" = --check ]; then
  bad=0
  for f in "${files[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || { echo "format: $f differs from .clang-format (scripts/format.sh fixes it)"; bad=1; }
  done
  exit $bad
fi
clang-format -i "${files[@]}"
