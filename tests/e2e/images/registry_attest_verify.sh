#!/usr/bin/env bash
# Against a real docker-registry on 127.0.0.1 (plain HTTP, allowed for loopback): skopeo pushes an
# image built from real .debs; `hallmark sbom --image` reads it back (dpkg-query's truth);
# `attest --image --push` stores the attestation under cosign's sha256-<hex>.att tag (read back
# by skopeo: DSSE layer media type and cosign's annotations) and a Sigstore bundle referrer
# (the registry has no referrers API, so through the sha256-<hex> tag schema); attesting again
# appends; `verify --image` passes naming digest, tag and attestation, fails with another key,
# fails for an image nobody attested; a tampered attestation blob is refused naming its digest.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lib.sh"
source "$HERE/image_lib.sh"
command -v skopeo >/dev/null || { echo "SKIP: skopeo not installed"; exit 77; }
expect_status() {  # STATUS OUTFILE CMD...
  local want=$1 out=$2 rc=0; shift 2
  "$@" >"$out" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { cat "$out" >&2; fail "$* exited $rc, expected $want"; }
}

make_debian_root root
pack_layout root layout v1
dpkg_truth root >truth.txt
start_registry "$T/reg"
skopeo copy -q --dest-tls-verify=false oci:layout:v1 "docker://$REG/team/app:v1"
IMG=$REG/team/app:v1

"$HM" sbom --image "$IMG" -o bom.json
jget bom.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["components"] if c["purl"].startswith("pkg:deb/")))' >got.txt
diff truth.txt got.txt || fail "registry image: deb components differ from dpkg-query"
DIGEST=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$IMG")
HEX=${DIGEST#sha256:}
case "$(jget bom.json 'j["metadata"]["component"]["purl"]')" in
  "pkg:oci/app@$DIGEST?"*"repository_url=${REG}%2Fteam%2Fapp"*) ;;  # purl spec: ":" stays literal in qualifier values, "/" is encoded
  *) fail "image purl $(jget bom.json 'j["metadata"]["component"]["purl"]') lacks digest/repository_url";;
esac

# A pipeline run to attest.
"$HM" keygen -o k >/dev/null
"$HM" keygen -o other >/dev/null
mkdir ws && cd ws
"$HM" run -q --step build --no-telemetry -- sh -c 'echo built >out.txt'
"$HM" attest -q --no-telemetry --key ../k.key --image "$IMG" --push
skopeo inspect --tls-verify=false --raw "docker://$REG/team/app:sha256-$HEX.att" >../att.json
cd ..
expect_eq "$(jget att.json 'j["layers"][0]["mediaType"]')" application/vnd.dsse.envelope.v1+json "cosign layer media type"
expect_eq "$(jget att.json 'j["layers"][0]["annotations"]["predicateType"]')" https://slsa.dev/provenance/v1 "predicateType annotation"
expect_eq "$(jget att.json '"dev.cosignproject.cosign/signature" in j["layers"][0]["annotations"]')" True "cosign signature annotation"
# skopeo copies what hallmark pushed (every blob digest checked by skopeo).
skopeo copy -q --src-tls-verify=false "docker://$REG/team/app:sha256-$HEX.att" oci:attcopy:att
layer=$(jget att.json 'j["layers"][0]["digest"]')
jget "attcopy/blobs/sha256/${layer#sha256:}" 'j["payloadType"]' | grep -qx application/vnd.in-toto+json || fail "DSSE envelope"
jget "attcopy/blobs/sha256/${layer#sha256:}" '__import__("base64").b64decode(j["payload"]).decode()' >statement.json
expect_eq "$(jget statement.json 'j["subject"][0]["digest"]["sha256"]')" "$HEX" "the subject is the image digest"
# The bundle referrer through the tag schema.
skopeo inspect --tls-verify=false --raw "docker://$REG/team/app:sha256-$HEX" >refs.json
expect_eq "$(jget refs.json 'j["manifests"][0]["artifactType"]')" application/vnd.dev.sigstore.bundle.v0.3+json "referrer artifactType"

expect_status 0 ok.txt "$HM" verify --image "$IMG" --key k.pub
expect_contains ok.txt "PASSED: $REG/team/app:v1 -> $DIGEST attested by cosign tag sha256-$HEX.att layer 0"
"$HM" verify --image "$IMG" --key k.pub --json >ok.json
expect_eq "$(jget ok.json 'len(j["attestationsFound"])')" 2 "the cosign layer and the bundle referrer are both found"
expect_eq "$(jget ok.json 'j["tag"]+" "+j["digest"]')" "v1 $DIGEST" "json names tag and digest"

# Attesting again appends (a second run, a second envelope).
cd ws
"$HM" run -q --step build --no-telemetry -- sh -c 'echo again >out.txt'
"$HM" attest -q --no-telemetry --key ../k.key --image "$IMG" --push
cd ..
skopeo inspect --tls-verify=false --raw "docker://$REG/team/app:sha256-$HEX.att" >att2.json
expect_eq "$(jget att2.json 'len(j["layers"])')" 2 "attesting again appends a layer"
expect_eq "$(jget att2.json 'j["layers"][0]["digest"]')" "$layer" "the first attestation is kept"
skopeo inspect --tls-verify=false --raw "docker://$REG/team/app:sha256-$HEX" >refs2.json
expect_eq "$(jget refs2.json 'len(j["manifests"])')" 2 "the referrers index appends"
"$HM" verify --image "$REG/team/app@$DIGEST" --key k.pub >bydigest.txt || fail "verify by digest"
expect_contains bydigest.txt "PASSED: $REG/team/app@$DIGEST"

# Another key: FAILED (exit 1), every attestation tried.
expect_status 1 bad.txt "$HM" verify --image "$IMG" --key other.pub
expect_contains bad.txt "FAILED: $REG/team/app:v1 -> $DIGEST: no attestation meets every requirement (4 found"
expect_contains bad.txt "FAILED: signature"
# ... and the failure is a security event in the record dir's telemetry log, naming the image.
expect_status 1 bad2.txt "$HM" verify --image "$IMG" --key other.pub --record-dir ws/.hallmark
expect_contains ws/.hallmark/events.otlp.jsonl "hallmark.verification.failed"
expect_contains ws/.hallmark/events.otlp.jsonl "$HEX"
# An image nobody attested.
skopeo copy -q --dest-tls-verify=false oci:layout:v1 "docker://$REG/team/other:v1"
expect_status 1 none.txt "$HM" verify --image "$REG/team/other:v1" --key k.pub
expect_contains none.txt "0 found"
# A tampered attestation blob in the registry's storage is refused with a warning naming its
# digest; the other attestation still passes (one that meets every requirement is enough).
blobfile=$(find "$T/reg/data" -path "*/blobs/sha256/${layer:7:2}/${layer#sha256:}/data")
[ -f "$blobfile" ] || fail "registry blob of $layer not found"
printf ' ' >>"$blobfile"
expect_status 0 tampered.txt "$HM" verify -v --image "$IMG" --key k.pub
expect_contains tampered.txt "warning: cosign tag sha256-$HEX.att layer 0 ($layer): registry $REG: blob $layer is larger than"
expect_contains tampered.txt "attested by cosign tag sha256-$HEX.att layer 1"
# No such image, and no registry at all: exit 2 with the reason.
expect_status 2 missing.txt "$HM" verify --image "$REG/team/nothing:v1" --key k.pub
expect_contains missing.txt "no such image"
expect_status 2 down.txt "$HM" sbom --image "127.0.0.1:1/team/app:v1"
expect_contains down.txt "unreachable"
pass "registry: sbom, attest --push (cosign tag + bundle referrer, appends), verify --image"

# attest --image --sbom --push: the image's own SBOM (its dpkg packages, not the workspace's
# lockfiles) is signed with the image as subject and pushed beside the provenance.
(cd ws && "$HM" run -q --step build --no-telemetry -- sh -c 'echo sbom >out.txt' &&
  "$HM" attest -q --no-telemetry --key ../k.key --image "$REG/team/other:v1" --sbom --push)
ODIGEST=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REG/team/other:v1")
skopeo copy -q --src-tls-verify=false "docker://$REG/team/other:sha256-${ODIGEST#sha256:}.att" oci:sbomatt:att
jget sbomatt/index.json 'j["manifests"][0]["digest"]' >m.txt
m=$(cat m.txt)
jget "sbomatt/blobs/sha256/${m#sha256:}" '"\n".join(l["annotations"]["predicateType"] for l in j["layers"])' >types.txt
expect_contains types.txt "https://cyclonedx.org/bom"
l=$(jget "sbomatt/blobs/sha256/${m#sha256:}" '[l["digest"] for l in j["layers"] if l["annotations"]["predicateType"] == "https://cyclonedx.org/bom"][0]')
jget "sbomatt/blobs/sha256/${l#sha256:}" '__import__("base64").b64decode(j["payload"]).decode()' >sbom-statement.json
expect_eq "$(jget sbom-statement.json 'j["subject"][0]["digest"]["sha256"]')" "${ODIGEST#sha256:}" "the SBOM's subject is the image"
jget sbom-statement.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["predicate"]["components"] if c["purl"].startswith("pkg:deb/")))' >sbom-debs.txt
diff truth.txt sbom-debs.txt || fail "the pushed image SBOM's packages differ from dpkg-query"
pass "attest --image --sbom --push: the image's SBOM, signed with the image as subject"
