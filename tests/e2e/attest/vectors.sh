# Our verify accepts the vectors gen-vector.sh makes with the openssl CLI alone, and rejects
# each tamper case with its own message.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
bash "$PEERS_SRC/gen-vector.sh" "$T/v" >/dev/null 2>&1 || fail "gen-vector.sh failed"
cd "$T/v"
A=hello-1.0.0.tar.gz
EC="-k ec-pub.pem"; ED="-k ed-pub.pem"

accept() {  # accept WHAT ARGS...
  local what=$1; shift
  expect_status 0 out "$HM" verify -a $A "$@"
  expect_contains out "PASSED: $A sha256:$(sha256sum $A | cut -d' ' -f1)"
  pass "accepts $what"
}
reject() {  # reject WHAT MESSAGE ARGS...
  local what=$1 msg=$2; shift 2
  expect_status 1 out "$HM" verify "$@"
  expect_contains out "$msg"
  expect_not_contains out "PASSED"
  pass "rejects $what"
}

accept "ECDSA envelope" -p envelope-ec.json $EC
accept "Ed25519 envelope" -p envelope-ed.json $ED
accept "ECDSA bundle" -p bundle-ec.sigstore.json $EC
accept "Ed25519 bundle" -p bundle-ed.sigstore.json $ED
accept ".intoto.jsonl beside the artifact (Ed25519 line)" $ED
accept ".intoto.jsonl beside the artifact (ECDSA line)" $EC
accept "base64url envelope" -p envelope-ec-base64url.json $EC
accept "either of two trusted keys" -p envelope-ed.json -k other-pub.pem $ED
accept "raw r||s only when allowed" -p envelope-ec-rawsig.json $EC --allow-raw-ecdsa
accept "the vector's builder and source" -p envelope-ec.json $EC --builder-id https://example.com/builders/provtool-ci@v1 \
  --source-uri https://github.com/example/hello --source-ref v1.0.0

# sign_pae TYPE PAYLOAD_FILE OUT: a correctly signed envelope (EC key) around any payload.
sign_pae() {
  $PY "$PEERS_SRC/dsse_tool.py" pae "$1" "$2" >pae.tmp
  openssl dgst -sha256 -sign ec-priv.pem -out sig.tmp pae.tmp
  $PY "$PEERS_SRC/dsse_tool.py" envelope "$2" sig.tmp "$(openssl pkey -pubin -in ec-pub.pem -outform DER | sha256sum | cut -d' ' -f1)" "$1" >"$3"
}
# edit_env IN OUT PYTHON: applies a python statement to the envelope dict `e`.
edit_env() { $PY -c "import json,base64,sys; e=json.load(open(sys.argv[1])); $3; json.dump(e,open(sys.argv[2],'w'))" "$1" "$2"; }

reject "tampered subject digest" "FAILED: signature: expected a valid signature by trusted key" -a $A -p envelope-ec-tampered.json $EC
reject "tampered bundle" "none valid" -a $A -p bundle-ed-tampered.sigstore.json $ED
edit_env envelope-ec.json tampered-builder.json \
  'p=base64.b64decode(e["payload"]).replace(b"provtool-ci@v1", b"evil-ci@v1"); e["payload"]=base64.b64encode(p).decode()'
reject "tampered payload (builder)" "FAILED: signature: expected a valid signature by trusted key" -a $A -p tampered-builder.json $EC
reject "wrong key" "signature does not verify with key $(openssl pkey -pubin -in other-pub.pem -outform DER | sha256sum | cut -d' ' -f1)" \
  -a $A -p envelope-ec.json -k other-pub.pem
reject "wrong signer" "FAILED: signature" -a $A -p envelope-ec-wrongsigner.json $EC
reject "artifact not a subject" "FAILED: subject: expected sha256:$(sha256sum other.bin | cut -d' ' -f1) among the subjects, got subjects hello-1.0.0.tar.gz@sha256:" \
  -a other.bin -p envelope-ec.json $EC
edit_env envelope-ec.json type-edited.json 'e["payloadType"]="application/json"'
reject "payloadType changed after signing" "FAILED: signature" -a $A -p type-edited.json $EC
sign_pae application/json statement.json type-signed.json
reject "payloadType signed but wrong" "FAILED: payloadType: expected application/vnd.in-toto+json, got application/json" -a $A -p type-signed.json $EC
edit_env envelope-ec.json nosigs.json 'e["signatures"]=[]'
reject "signatures removed" "FAILED: signature: expected a valid signature by trusted key" -a $A -p nosigs.json $EC
expect_contains out "got no signatures in the envelope"
head -c 200 statement.json >truncated.json
sign_pae application/vnd.in-toto+json truncated.json truncated-env.json
reject "truncated payload" "FAILED: payload: expected a JSON in-toto statement, got payload is not valid JSON (truncated?)" -a $A -p truncated-env.json $EC
printf 'hello, not json' >notjson.txt
sign_pae application/vnd.in-toto+json notjson.txt notjson-env.json
reject "non-JSON payload" "FAILED: payload: expected a JSON in-toto statement" -a $A -p notjson-env.json $EC
reject "raw r||s ECDSA by default" "raw r||s (IEEE P1363), not ASN.1 DER" -a $A -p envelope-ec-rawsig.json $EC
reject "another builder" "FAILED: builder.id: expected https://ci.acme.example/builder, got https://example.com/builders/provtool-ci@v1" \
  -a $A -p envelope-ec.json $EC --builder-id https://ci.acme.example/builder
reject "another source repo" "FAILED: source.uri: expected https://github.com/evil/hello, got https://github.com/example/hello" \
  -a $A -p envelope-ec.json $EC --source-uri https://github.com/evil/hello
reject "another source ref" "FAILED: source.ref: expected main, got refs/tags/v1.0.0" -a $A -p envelope-ec.json $EC --source-ref main
echo '{"maxAge": "30d"}' >policy.json
reject "expired statement under a max-age policy" "FAILED: policy.maxAge: expected finished within 2592000 s, got finished 2025-01-02T03:04:47Z" \
  -a $A -p envelope-ec.json $EC --policy policy.json
echo '{"maxAge": "36500d", "allowedBuilders": ["https://example.com/builders/*"], "allowedSourceRefs": ["refs/tags/v*"]}' >ok-policy.json
accept "a policy the vector meets" -p envelope-ec.json $EC --policy ok-policy.json

# Usage and I/O errors exit 2 with one line naming the file.
expect_status 2 out "$HM" verify -a $A -p missing.json $EC
expect_contains out "hallmark: error: cannot read provenance missing.json"
expect_status 2 out "$HM" verify -a $A -p envelope-ec.json -k missing.pem
expect_contains out "missing.pem"
expect_status 2 out "$HM" verify -a other.bin $EC
expect_contains out "no provenance beside other.bin"
echo '{"maxAge": "soon"}' >bad-policy.json
expect_status 2 out "$HM" verify -a $A -p envelope-ec.json $EC --policy bad-policy.json
expect_contains out "bad-policy.json"
expect_status 2 out "$HM" verify -a $A -p envelope-ec.json
pass "usage errors exit 2"

# Over 64 MB: refused without being parsed.
truncate -s 65M huge.json
expect_status 2 out "$HM" verify -a $A -p huge.json $EC
expect_contains out "hallmark: error: provenance huge.json is"
expect_contains out "over the 64 MB limit"
pass "an envelope over 64 MB is an I/O error (exit 2), never parsed"
printf 'garbage{' >garbage.json
reject "a file that is no envelope" "FAILED: provenance" -a $A -p garbage.json $EC

# --json for machines
expect_status 1 out "$HM" verify -a other.bin -p envelope-ec.json $EC --json
expect_eq "$(jget out 'j["passed"]')" False "json passed"
expect_eq "$(jget out '[c["check"] for c in j["checks"] if not c["passed"]]')" "['subject']" "json failed checks"
expect_status 0 out "$HM" verify -a $A -p envelope-ec.json $EC --json --print-provenance
expect_eq "$(jget out 'j["statement"]["predicateType"]')" https://slsa.dev/provenance/v1 "json statement"
pass "--json"
