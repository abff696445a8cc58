# Helpers for the attest end-to-end tests (source after tests/e2e/lib.sh).

# The independent verifiers must be installed: a missing peer is a failure, never a skip.
need_peers() {
  command -v node >/dev/null || fail "node is not installed: run ../shared/peers/setup (scripts/test.sh does)"
  [ -d "$PEERS/node_modules/@sigstore/verify" ] ||
    fail "sigstore-js peers not installed in $PEERS (no node_modules): run ../shared/peers/setup (scripts/test.sh does), or set HALLMARK_PEERS"
  $PY -c 'import cryptography, securesystemslib' 2>/dev/null ||
    fail "python3-cryptography/python3-securesystemslib missing: run ../shared/peers/setup"
  export HALLMARK_PEERS=$PEERS
}

# A git repo with the sample project and a pipeline run of build, test and package steps.
sample_run() {
  cp -r "$HALLMARK_SRC/ci-examples/sample-project" project
  cd project
  git init -q . && git add -A
  git -c user.name=t -c user.email=t@example.com commit -qm sample
  git remote add origin https://github.com/acme/sample.git
  "$HM" run -q --step build -- make >/dev/null
  "$HM" run -q --step test -- make test >/dev/null
  "$HM" run -q --step package -- make dist >/dev/null
  ARTIFACT=dist/greet-1.0.0.tar.gz
  [ -f "$ARTIFACT" ] || fail "sample build did not produce $ARTIFACT"
}

# expect_status WANT OUTFILE CMD...: runs CMD with stdout+stderr in OUTFILE, checks its status.
expect_status() {
  local want=$1 out=$2; shift 2
  local rc=0
  "$@" >"$out" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { cat "$out" >&2; fail "$* exited $rc, expected $want"; }
}

# The DSSE payload (decoded) of the first envelope in an envelope/bundle/jsonl file.
payload_of() {
  $PY - "$1" <<'PY'
import base64, json, sys
text = open(sys.argv[1]).read()
try:
    doc = json.loads(text)
except json.JSONDecodeError:
    doc = json.loads(text.splitlines()[0])
env = doc.get("dsseEnvelope", doc)
sys.stdout.write(base64.b64decode(env["payload"]).decode())
PY
}
