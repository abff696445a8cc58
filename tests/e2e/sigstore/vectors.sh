# Keyless vectors made inside the test (make_vectors.py: a test Fulcio CA, CT log, Rekor log and
# an `openssl ts` TSA): the good ones verify with hallmark and with verify-keyless.mjs; each
# tampered one fails with the check that catches it; the GitHub claims (--builder-id,
# --source-*) pass and fail on the certificate and the SLSA v0.2 provenance.
source "$(dirname "$0")/../lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
need_peers
$PY "$HALLMARK_SRC/tests/e2e/sigstore/make_vectors.py" "$T" || fail "make_vectors.py failed"
SAN=https://github.com/acme/greet/.github/workflows/release.yml@refs/tags/v1.4.2
ISS=https://token.actions.githubusercontent.com
GEN=https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml
hm() {  # BUNDLE [ROOT] [FLAGS...]
  local b=$1 root=${2:-trusted_root.json}; shift; [ $# -gt 0 ] && shift
  "$HM" verify --artifact artifact --provenance "$b" --trusted-root "$root" "$@"
}
id=(--certificate-identity "$SAN" --certificate-oidc-issuer "$ISS")
peer() { node "$PEERS_SRC/verify-keyless.mjs" --bundle "$1" --trusted-root "${2:-trusted_root.json}" --identity "$SAN" --issuer "$ISS" artifact; }

for good in good-message good-dsse; do
  expect_status 0 out.txt hm "$good.sigstore.json" trusted_root.json "${id[@]}"
  expect_contains out.txt "PASSED:"
  expect_status 0 peer.txt peer "$good.sigstore.json"
done
# Identity: regexps, and the wrong SAN or issuer; no identity at all is a usage error.
expect_status 0 out.txt hm good-message.sigstore.json trusted_root.json --certificate-identity-regexp '^https://github\.com/acme/' --certificate-oidc-issuer-regexp 'githubusercontent'
expect_status 1 out.txt hm good-message.sigstore.json trusted_root.json --certificate-identity "${SAN/acme/evil}" --certificate-oidc-issuer "$ISS"
expect_contains out.txt "FAILED: sigstore.identity: expected ${SAN/acme/evil}, got $SAN"
expect_status 1 out.txt hm good-message.sigstore.json trusted_root.json --certificate-identity "$SAN" --certificate-oidc-issuer https://accounts.google.com
expect_contains out.txt "FAILED: sigstore.issuer"
expect_status 2 out.txt hm good-message.sigstore.json trusted_root.json
expect_contains out.txt "needs an identity"
expect_status 2 out.txt hm good-message.sigstore.json trusted_root.json --certificate-identity-regexp '(' --certificate-oidc-issuer "$ISS"

# Tampered vectors: the check that catches each, and the peer rejects them too (except the
# code-signing EKU, which sigstore-js 3.x does not check).
check_fails() {  # BUNDLE ROOT CHECK
  expect_status 1 out.txt hm "$1" "$2" "${id[@]}"
  expect_contains out.txt "FAILED: $3:"
  [ "$(wc -l <out.txt)" = 1 ] || fail "$1: more than one line: $(cat out.txt)"
}
check_fails bad-set.sigstore.json trusted_root.json sigstore.tlog
check_fails expired-leaf.sigstore.json trusted_root.json sigstore.chain
check_fails unknown-ct-log.sigstore.json trusted_root.json sigstore.sct
check_fails no-code-signing.sigstore.json trusted_root.json sigstore.leaf
check_fails good-message.sigstore.json root-no-ct.json sigstore.sct
check_fails good-message.sigstore.json root-no-tsa.json sigstore.timestamp
for b in bad-set expired-leaf unknown-ct-log; do expect_status 1 peer.txt peer "$b.sigstore.json"; done
expect_status 1 peer.txt peer good-message.sigstore.json root-no-ct.json
# Against the public-good root, a test CA is nobody.
expect_status 1 out.txt "$HM" verify --artifact artifact --provenance good-message.sigstore.json "${id[@]}"
# The artifact changed after signing.
cp artifact artifact.orig && printf x >>artifact
expect_status 1 out.txt hm good-message.sigstore.json trusted_root.json "${id[@]}"
expect_status 1 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}"
expect_contains out.txt "FAILED: subject:"
mv artifact.orig artifact

# GitHub claims (slsa-verifier's flags) on the DSSE bundle with SLSA v0.2 provenance.
expect_status 0 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --builder-id "$GEN" \
  --source-uri github.com/acme/greet --source-tag v1.4.2 --source-versioned-tag v1
expect_status 0 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --builder-id "$GEN@refs/tags/v2.0.0" \
  --source-uri git+https://github.com/acme/greet.git --source-versioned-tag v1.4
expect_status 1 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --builder-id "$GEN@refs/tags/v1.9.0"
expect_contains out.txt "FAILED: github.builderId: expected $GEN@refs/tags/v1.9.0, got $GEN@refs/tags/v2.0.0"
expect_status 1 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --source-uri github.com/acme/other
expect_contains out.txt "FAILED: github.sourceUri: expected github.com/acme/other, got certificate https://github.com/acme/greet"
expect_contains out.txt "FAILED: provenance.sourceUri: expected github.com/acme/other, got provenance git+https://github.com/acme/greet@refs/tags/v1.4.2"
expect_status 1 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --source-branch main
expect_contains out.txt "FAILED: github.sourceBranch: expected refs/heads/main, got refs/tags/v1.4.2"
expect_status 1 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --source-versioned-tag v14
expect_contains out.txt "FAILED: github.sourceVersionedTag"
expect_status 1 out.txt hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --source-tag v1.4
# A message signature has no statement: a statement check (--source-ref, a policy) fails.
expect_status 1 out.txt hm good-message.sigstore.json trusted_root.json "${id[@]}" --source-ref main
expect_contains out.txt "FAILED: statement:"
# --json and --print-provenance work for keyless as for keyed provenance.
expect_status 0 out.json hm good-dsse.sigstore.json trusted_root.json "${id[@]}" --json --print-provenance
[ "$(jget out.json 'j["passed"] and j["statement"]["predicateType"]')" = "https://slsa.dev/provenance/v0.2" ] || fail "--json output: $(cat out.json)"
pass "keyless vectors: good verify with hallmark and the peer, tampered fail at the right check, GitHub claims"
