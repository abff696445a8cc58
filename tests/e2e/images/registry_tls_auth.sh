#!/usr/bin/env bash
# docker-registry with TLS from a test CA (openssl) and htpasswd Basic auth: hallmark trusts the
# CA through SSL_CERT_FILE, takes the password from REGISTRY_AUTH_FILE (containers' auth.json)
# or $DOCKER_CONFIG/config.json, and answers the WWW-Authenticate challenge; without stored
# credentials, or without trusting the CA, it stops with the reason. The password never appears
# in any output, record or file hallmark writes.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lib.sh"
source "$HERE/image_lib.sh"
command -v skopeo >/dev/null || { echo "SKIP: skopeo not installed"; exit 77; }
command -v htpasswd >/dev/null || { echo "SKIP: htpasswd (apache2-utils) not installed"; exit 77; }
expect_status() {  # STATUS OUTFILE CMD...
  local want=$1 out=$2 rc=0; shift 2
  "$@" >"$out" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { cat "$out" >&2; fail "$* exited $rc, expected $want"; }
}
PASSWORD=s3cret-Pa55-$RANDOM

# The test CA and the registry's certificate for 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 2 \
  -subj "/CN=hallmark test CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
  -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
htpasswd -Bbn ci "$PASSWORD" >htpasswd
start_registry "$T/reg" "  tls:
    certificate: $T/server.crt
    key: $T/server.key
auth:
  htpasswd:
    realm: hallmark-test
    path: $T/htpasswd"
mkdir certs && cp ca.crt certs/ca.crt

make_debian_root root
pack_layout root layout v1
dpkg_truth root >truth.txt
skopeo copy -q --dest-cert-dir certs --dest-creds "ci:$PASSWORD" oci:layout:v1 "docker://$REG/secure/app:v1"
IMG=$REG/secure/app:v1

# No stored credentials: the challenge cannot be answered.
export SSL_CERT_FILE=$T/ca.crt HOME=$T/home
mkdir -p "$HOME"
expect_status 2 nocreds.txt "$HM" sbom --image "$IMG"
expect_contains nocreds.txt "asks for a password and none is stored"
# Credentials from containers' auth.json (REGISTRY_AUTH_FILE).
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$REG" "$(printf 'ci:%s' "$PASSWORD" | base64 -w0)" >auth.json
REGISTRY_AUTH_FILE=$T/auth.json "$HM" sbom -v --image "$IMG" -o bom.json 2>sbom.err
jget bom.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["components"] if c["purl"].startswith("pkg:deb/")))' >got.txt
diff truth.txt got.txt || fail "TLS+auth registry: deb components differ from dpkg-query"
# ... and from docker's config.json, for attest --push and verify --image.
mkdir dockercfg && cp auth.json dockercfg/config.json
export DOCKER_CONFIG=$T/dockercfg
"$HM" keygen -o k >/dev/null
mkdir ws && cd ws
"$HM" run -q --step build --no-telemetry -- sh -c 'echo built >out.txt'
"$HM" attest --no-telemetry --key ../k.key --image "$IMG" --push >../attest.out 2>&1
cd ..
skopeo inspect --cert-dir certs --creds "ci:$PASSWORD" --raw "docker://$REG/secure/app:$(skopeo inspect --cert-dir certs --creds "ci:$PASSWORD" --format '{{.Digest}}' "docker://$IMG" | tr : -).att" >att.json
expect_eq "$(jget att.json 'j["layers"][0]["mediaType"]')" application/vnd.dsse.envelope.v1+json "cosign layer over TLS+auth"
expect_status 0 ok.txt "$HM" verify -v --image "$IMG" --key k.pub
expect_contains ok.txt "PASSED: $IMG -> sha256:"
# Without trusting the test CA: a certificate error, never a fallback to plain HTTP.
expect_status 2 untrusted.txt env -u SSL_CERT_FILE "$HM" verify --image "$IMG" --key k.pub
expect_contains untrusted.txt "certificate is not trusted"
# The password is nowhere hallmark wrote or printed.
if grep -rl -- "$PASSWORD" nocreds.txt sbom.err bom.json attest.out ok.txt untrusted.txt ws k.pub; then
  fail "the registry password leaked into the files above"
fi
B64=$(printf 'ci:%s' "$PASSWORD" | base64 -w0)
if grep -rl -- "$B64" nocreds.txt sbom.err bom.json attest.out ok.txt untrusted.txt ws; then fail "the base64 credentials leaked"; fi
pass "TLS (test CA) + htpasswd Basic auth: sbom, attest --push, verify --image; no credential leaks"
