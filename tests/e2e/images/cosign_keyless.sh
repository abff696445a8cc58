# Issue 15 §5: `verify --image` on an OCI layout as `cosign save` writes it (index.json entries
# annotated kind=dev.cosignproject.cosign/atts), holding a keyless attestation in cosign's form:
# a DSSE layer whose annotations carry the Fulcio certificate and the Rekor entry with its signed
# entry timestamp (dev.sigstore.cosign/certificate, dev.sigstore.cosign/bundle). cosign is not in
# Debian: the layout is written here following cosign's format, and the keyless evidence comes
# from a test Fulcio CA and Rekor log (tests/e2e/sigstore/make_vectors.py) with its trusted root.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/images/image_lib.sh"

mkdir -p root/etc && echo 'hello' >root/etc/motd
pack_layout root layout v1 >/dev/null
DIGEST=$(jget layout/index.json '[m["digest"] for m in j["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "v1"][0]')
HM_IMAGE_DIGEST=${DIGEST#sha256:} $PY "$HALLMARK_SRC/tests/e2e/sigstore/make_vectors.py" "$T" || fail "make_vectors.py"

# cosign_save LAYOUT REKOR_JSON: adds the attestation manifest to LAYOUT as `cosign save` does.
cosign_save() {
  $PY - "$1" "$T/cosign-image.envelope.json" "$T/cosign-image.cert.pem" "$2" <<'PY'
import hashlib, json, os, sys
layout, env_file, cert_file, rekor_file = sys.argv[1:]
def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    open(os.path.join(layout, "blobs", "sha256", d[7:]), "wb").write(data)
    return d, len(data)
envelope = open(env_file, "rb").read()
ld, ls = put(envelope)
layer = {"mediaType": "application/vnd.dsse.envelope.v1+json", "digest": ld, "size": ls,
         "annotations": {"dev.cosignproject.cosign/signature": "", "predicateType": "https://slsa.dev/provenance/v0.2",
                         "dev.sigstore.cosign/certificate": open(cert_file).read(), "dev.sigstore.cosign/chain": "",
                         "dev.sigstore.cosign/bundle": open(rekor_file).read()}}
config = json.dumps({"architecture": "", "os": "", "config": {}, "rootfs": {"type": "layers", "diff_ids": [ld]}}).encode()
cd, cs = put(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                       "layers": [layer]}).encode()
md, ms = put(manifest)
index = json.load(open(os.path.join(layout, "index.json")))
index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
                           "annotations": {"kind": "dev.cosignproject.cosign/atts"}})
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
PY
}
cp -a layout good && cosign_save good "$T/cosign-image.rekor.json"
SAN=https://github.com/acme/greet/.github/workflows/release.yml@refs/tags/v1.4.2
ISS=https://token.actions.githubusercontent.com
id=(--trusted-root "$T/trusted_root.json" --certificate-identity "$SAN" --certificate-oidc-issuer "$ISS")

rc=0; "$HM" verify --image oci:good:v1 "${id[@]}" >ok.txt 2>&1 || rc=$?; cat ok.txt
expect_eq "$rc" 0 "verify --image of cosign's keyless attestation"
expect_contains ok.txt "PASSED: "
expect_contains ok.txt "$DIGEST"
pass "keyless cosign attestation in a cosign-save layout: PASSED"

rc=0; "$HM" verify --image oci:good:v1 --trusted-root "$T/trusted_root.json" --certificate-identity "${SAN/acme/evil}" --certificate-oidc-issuer "$ISS" >wrong.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "another identity"
expect_contains wrong.txt "FAILED: sigstore.identity"
# A signed entry timestamp that does not verify.
$PY -c '
import json, sys, base64
r = json.load(open(sys.argv[1])); s = bytearray(base64.b64decode(r["SignedEntryTimestamp"])); s[-1] ^= 1
r["SignedEntryTimestamp"] = base64.b64encode(bytes(s)).decode(); json.dump(r, open(sys.argv[2], "w"))' "$T/cosign-image.rekor.json" "$T/bad-set.json"
cp -a layout badset && cosign_save badset "$T/bad-set.json"
rc=0; "$HM" verify --image oci:badset:v1 "${id[@]}" >badset.txt 2>&1 || rc=$?; cat badset.txt
expect_eq "$rc" 1 "a tampered signed entry timestamp"
expect_not_contains badset.txt "PASSED"
# Neither a key nor an identity: a usage error.
rc=0; "$HM" verify --image oci:good:v1 >noid.txt 2>&1 || rc=$?
expect_eq "$rc" 2 "verify --image with neither --key nor an identity"
pass "wrong identity and tampered SET fail; no key and no identity is exit 2"
