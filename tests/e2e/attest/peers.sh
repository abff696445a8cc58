# Every format hallmark writes is accepted by both independent verifiers (sigstore-js through
# verify-bundle.mjs; python3-cryptography + securesystemslib through verify-dsse.py), for
# Ed25519 and ECDSA P-256, with the artifact check; and each rejects a wrong artifact and a
# wrong key, so this test can fail. P-384 and RSA-3072 signatures are checked by openssl(1).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
need_peers
N="node $PEERS_SRC/verify-bundle.mjs"
P="$PY $PEERS_SRC/verify-dsse.py"

sample_run
echo other >other.bin

for type in ed25519 ecdsa-p256; do
  "$HM" keygen -q -t $type -o ../$type >/dev/null
  # .intoto.jsonl (default name beside the single subject) and a Sigstore bundle
  "$HM" attest -q --key ../$type.key --subject 'dist/*.tar.gz'
  [ -f $ARTIFACT.intoto.jsonl ] || fail "default output $ARTIFACT.intoto.jsonl missing"
  mv $ARTIFACT.intoto.jsonl ../$type.intoto.jsonl
  "$HM" attest -q --key ../$type.key --subject 'dist/*.tar.gz' --bundle -o ../$type.sigstore.json

  expect_status 0 ../out $N ../$type.sigstore.json ../$type.pub $ARTIFACT
  expect_contains ../out VERIFIED
  pass "sigstore-js accepts the $type bundle"
  for f in ../$type.intoto.jsonl ../$type.sigstore.json; do
    expect_status 0 ../out $P $f ../$type.pub --artifact $ARTIFACT
    expect_contains ../out VERIFIED
    pass "verify-dsse.py accepts $f"
    expect_status 1 ../out $P $f ../$type.pub --artifact other.bin
    expect_contains ../out "not among subjects"
    "$HM" verify -a $ARTIFACT -p $f -k ../$type.pub >../out || { cat ../out; fail "hallmark verify rejects $f"; }
    expect_contains ../out "PASSED: "
  done
  expect_status 1 ../out $N ../$type.sigstore.json ../$type.pub other.bin
  expect_contains ../out "is not among the statement subjects"
done
# A key of the other type is rejected by both peers.
expect_status 1 ../out $N ../ecdsa-p256.sigstore.json ../ed25519.pub $ARTIFACT
expect_status 1 ../out $P ../ecdsa-p256.intoto.jsonl ../ed25519.pub --artifact $ARTIFACT
pass "peers reject a wrong key"

# The statement the peers accepted has the fields issue 4 lists.
payload_of ../ed25519.intoto.jsonl >../statement.json
expect_eq "$(jget ../statement.json 'j["subject"][0]["name"]')" "$ARTIFACT" "subject name"
expect_eq "$(jget ../statement.json 'j["subject"][0]["digest"]["sha256"]')" "$(sha256sum $ARTIFACT | cut -d' ' -f1)" "subject digest"
expect_eq "$(jget ../statement.json 'j["predicate"]["buildDefinition"]["resolvedDependencies"][0]["digest"]["gitCommit"]')" \
  "$(git rev-parse HEAD)" "git source commit"
expect_eq "$(jget ../statement.json '[s["name"] for s in j["predicate"]["buildDefinition"]["externalParameters"]["steps"]]')" \
  "['build', 'test', 'package']" "steps"
expect_eq "$(jget ../statement.json 'len([b for b in j["predicate"]["runDetails"]["byproducts"] if b["mediaType"].endswith("step-record+json")])')" 3 "step record byproducts"
[ -f dist/greet-1.0.0.tar.gz.materials.json ] || fail "materials list byproduct missing"
expect_eq "$(jget ../statement.json '[d["digest"]["sha256"] for d in j["predicate"]["runDetails"]["byproducts"] if d.get("name","").endswith("materials.json")][0]')" \
  "$(sha256sum dist/greet-1.0.0.tar.gz.materials.json | cut -d' ' -f1)" "materials list digest"
expect_eq "$(jget ../statement.json 'j["predicate"]["runDetails"]["builder"]["id"]')" "https://hallmark.dev/builders/local/v1" "local builder id"

# P-384 (SHA-384) and RSA-3072 (PKCS#1 v1.5, SHA-256): openssl(1) checks the signature over PAE.
check_with_openssl() {  # TYPE DIGEST
  $PY - ../$1.sigstore.json ../$1.pae ../$1.sig <<'PY'
import base64, json, sys
env = json.load(open(sys.argv[1]))["dsseEnvelope"]
p = base64.b64decode(env["payload"]); t = env["payloadType"].encode()
open(sys.argv[2], "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(p), p))
open(sys.argv[3], "wb").write(base64.b64decode(env["signatures"][0]["sig"]))
PY
  openssl dgst -$2 -verify ../$1.pub -signature ../$1.sig ../$1.pae >../out 2>&1 || { cat ../out; fail "openssl rejects the $1 signature"; }
  printf 'x' >>../$1.pae
  ! openssl dgst -$2 -verify ../$1.pub -signature ../$1.sig ../$1.pae >/dev/null 2>&1 || fail "openssl accepts a changed PAE"
}
for spec in ecdsa-p384:sha384 rsa-3072:sha256; do
  type=${spec%%:*}
  "$HM" keygen -q -t $type -o ../$type >/dev/null
  "$HM" attest -q --key ../$type.key --subject 'dist/*.tar.gz' --bundle -o ../$type.sigstore.json
  check_with_openssl $type ${spec##*:}
  "$HM" verify -a $ARTIFACT -p ../$type.sigstore.json -k ../$type.pub >../out || { cat ../out; fail "hallmark verify rejects $type"; }
  pass "openssl accepts the $type signature"
done
# sigstore-js verifies RSA keyed DSSE with PKCS#1 v1.5 / SHA-256 too.
expect_status 0 ../out $N ../rsa-3072.sigstore.json ../rsa-3072.pub $ARTIFACT
pass "sigstore-js accepts the rsa-3072 bundle"
