# Shared helpers for end-to-end tests: source it first. Each test runs in its own temp dir,
# removed on exit; `fail` prints the reason and exits 1. Uses the binary meson built.
set -euo pipefail
: "${HALLMARK_BIN:?HALLMARK_BIN must point at the built hallmark (meson test sets it)}"
HM=$HALLMARK_BIN
PY=/usr/bin/python3
SHARED=${HALLMARK_SHARED:-$HALLMARK_SRC/../shared}
PEERS_SRC=$SHARED/peers
PEERS=${HALLMARK_PEERS:-$HOME/.cache/hallmark-peers}
T=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-e2e.XXXXXX")
_cleanup_fns=()
on_exit() { _cleanup_fns+=("$1"); }
_run_cleanup() {
  local f
  for f in "${_cleanup_fns[@]+"${_cleanup_fns[@]}"}"; do eval "$f" || true; done
  chmod -R u+rwx "$T" 2>/dev/null || true
  rm -rf "$T"
}
trap _run_cleanup EXIT
cd "$T"
# Hermetic: `attest` ingests into the evidence store, which must never be the user's own.
export XDG_DATA_HOME="$T/.xdg-data"
unset HALLMARK_STORE

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
# expect_eq ACTUAL EXPECTED WHAT
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
# expect_contains FILE TEXT
expect_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "$1 lacks '$2'"; }; }
expect_not_contains() { ! grep -qF -- "$2" "$1" || fail "$1 contains '$2'"; }
# status CMD...: runs CMD, prints its exit status (never fails the test)
status() { local rc=0; "$@" || rc=$?; echo "$rc"; }
# jq-like field read with Debian's python: jget FILE 'expr on j'
# Exit 77 (meson: skipped) when `hallmark run --trace` cannot trace here.
skip_unless_traceable() {
  "$HM" run -q --require-trace --no-telemetry --record-dir "$T/probe" -- true 2>/dev/null ||
    { echo "SKIP: tracing is not possible here"; exit 77; }
}

jget() { $PY -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
