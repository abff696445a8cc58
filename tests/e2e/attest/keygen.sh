# keygen: every key type, 0600 private key, keyid = sha256 of the DER SPKI as openssl computes
# it, no overwrite, encrypted keys; attest refuses a readable key and needs the passphrase.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"

for type in ed25519 ecdsa-p256 ecdsa-p384 rsa-3072; do
  id=$("$HM" keygen -q -t $type -o k-$type)
  expect_eq "$(stat -c %a k-$type.key)" 600 "$type private key mode"
  expect_contains k-$type.key "BEGIN PRIVATE KEY"
  expect_contains k-$type.pub "BEGIN PUBLIC KEY"
  expect_eq "$id" "$(openssl pkey -pubin -in k-$type.pub -outform DER | sha256sum | cut -d' ' -f1)" "$type keyid"
  openssl pkey -in k-$type.key -pubout | cmp -s - k-$type.pub || fail "$type: .pub is not the .key's public half"
done
openssl pkey -in k-ecdsa-p384.key -noout -text | grep -q "NIST CURVE: P-384" || fail "P-384 curve"
openssl pkey -in k-rsa-3072.key -noout -text | grep -q "3072 bit" || fail "RSA size"
pass "four key types"

cp k-ed25519.pub before.pub
expect_status 2 out "$HM" keygen -o k-ed25519
expect_contains out "hallmark: error: k-ed25519.key already exists; refusing to overwrite"
cmp -s before.pub k-ed25519.pub || fail "public key changed"
touch only.pub
expect_status 2 out "$HM" keygen -o only
[ ! -e only.key ] || fail "half a key pair written"
expect_status 2 out "$HM" keygen -t dsa -o x
pass "no overwrite, bad type"

# Encrypted: PKCS#8 PBES2 with AES-256-CBC, readable by openssl with the passphrase.
HALLMARK_KEY_PASSWORD='pass phrase' "$HM" keygen -q -o enc >/dev/null
expect_contains enc.key "BEGIN ENCRYPTED PRIVATE KEY"
openssl pkcs8 -in enc.key -passin 'pass:pass phrase' -topk8 -nocrypt >/dev/null || fail "openssl cannot decrypt"
openssl asn1parse -in enc.key | grep -q aes-256-cbc || fail "not AES-256-CBC"
openssl asn1parse -in enc.key | grep -q PBKDF2 || fail "not PBKDF2"
printf 'file pass\n' >pw
"$HM" keygen -q -o enc2 --password-file pw >/dev/null
openssl pkey -in enc2.key -passin 'pass:file pass' -noout || fail "password file passphrase"
pass "encrypted keys"

sample_run
# attest: key checks come before any output
chmod 644 ../k-ed25519.key
expect_status 2 ../out "$HM" attest --key ../k-ed25519.key
expect_contains ../out "private key ../k-ed25519.key is accessible by group or others (mode 0644): run \`chmod 600 ../k-ed25519.key\`"
chmod 600 ../k-ed25519.key
expect_status 2 ../out "$HM" attest --key ../enc.key
expect_contains ../out "is encrypted: set HALLMARK_KEY_PASSWORD or pass --password-file"
HALLMARK_KEY_PASSWORD=wrong expect_status 2 ../out "$HM" attest --key ../enc.key
expect_contains ../out "wrong passphrase"
[ ! -e $ARTIFACT.intoto.jsonl ] || fail "output written despite a key error"
HALLMARK_KEY_PASSWORD='pass phrase' "$HM" attest -q --key ../enc.key
[ -f provenance.intoto.jsonl ] || fail "two subjects: default output provenance.intoto.jsonl"
HALLMARK_KEY_PASSWORD='pass phrase' "$HM" attest -q --key ../enc.key --subject 'dist/*'
"$HM" verify -a $ARTIFACT -k ../enc.pub >../out || { cat ../out; fail "verify after encrypted-key attest"; }
expect_eq "$(jget .hallmark/run.json 'j["closed"]')" True "attest closes the run"
pass "attest key handling, run closed"

# --subject that matches nothing, and a run with nothing to attest
expect_status 2 ../out "$HM" attest --key ../k-ed25519.key --subject '*.zip'
expect_contains ../out "--subject *.zip matches no product"
"$HM" run -q --step lint -- true
expect_status 2 ../out "$HM" attest --key ../k-ed25519.key
expect_contains ../out "no products to attest"
pass "attest errors"

# run --sign: a signed in-toto link v0.3 statement per step
"$HM" run -q --sign --key ../k-ecdsa-p256.key --step relink -- sh -c 'echo v2 >out.txt'
link=$(ls .hallmark/links/relink.*.link.intoto.jsonl) || fail "no link file"
$PY - "$link" ../k-ecdsa-p256.pub <<'PY' || fail "link signature or content"
import base64, json, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
env = json.loads(open(sys.argv[1]).readline())
key = serialization.load_pem_public_key(open(sys.argv[2], "rb").read())
p = base64.b64decode(env["payload"]); t = env["payloadType"].encode()
key.verify(base64.b64decode(env["signatures"][0]["sig"]), b"DSSEv1 %d %s %d %s" % (len(t), t, len(p), p), ec.ECDSA(hashes.SHA256()))
st = json.loads(p)
assert st["predicateType"] == "https://in-toto.io/attestation/link/v0.3", st["predicateType"]
assert st["predicate"]["name"] == "relink" and st["predicate"]["command"] == ["sh", "-c", "echo v2 >out.txt"]
assert [s["name"] for s in st["subject"]] == ["out.txt"], st["subject"]
PY
expect_status 2 ../out "$HM" run --sign --step x -- true
expect_contains ../out "--sign needs --key"
pass "run --sign"
