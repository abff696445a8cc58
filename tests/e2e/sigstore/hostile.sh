# Malformed and hostile bundles and trusted roots: each gets exit 1 (a failed check) or 2 (cannot
# read), with one line why; never a crash, a hang or a pass. Every single-field mutation of a
# trusted root must not crash either (some fields, like an unused CA's URI, do not matter).
source "$(dirname "$0")/../lib.sh"
SUITE=$SHARED/conformance/sigstore/bundle-verify
GOOD=$SUITE/rekor2-happy-path
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com
verify() {  # BUNDLE ROOT
  timeout 20 "$HM" verify --artifact "$SUITE/a.txt" --provenance "$1" --trusted-root "$2" \
    --certificate-identity "$ID" --certificate-oidc-issuer "$ISS"
}
one_line_rejection() {  # WHAT BUNDLE ROOT
  local rc=0
  verify "$2" "$3" >out.txt 2>&1 || rc=$?
  case $rc in 1|2) ;; *) cat out.txt >&2; fail "$1: exit $rc" ;; esac
  [ "$(wc -l <out.txt)" = 1 ] || { cat out.txt >&2; fail "$1: not one line"; }
}
B='{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"'
printf '' >empty.json
printf '[]' >array.json
printf '%s' "$B" >truncated.json
printf '%s,"verificationMaterial":null,"messageSignature":{}}' "$B" >null-material.json
printf '%s,"verificationMaterial":{"certificate":{"rawBytes":"AAAA"},"tlogEntries":[]},"messageSignature":{"signature":"AAAA"}}' "$B" >bad-cert.json
printf '%s,"verificationMaterial":{"certificate":{"rawBytes":7}},"messageSignature":{"signature":"AAAA"}}' "$B" >number-for-string.json
$PY -c 'print("[" * 200000 + "]" * 200000)' >deep.json
$PY -c 'import sys; sys.stdout.buffer.write(b"{\"mediaType\":\"\xff\xfe\"}")' >not-utf8.json
$PY - "$GOOD/bundle.sigstore.json" <<'PY' >many-entries.json
import json, sys
b = json.load(open(sys.argv[1]))
b["verificationMaterial"]["tlogEntries"] *= 300
e = b["verificationMaterial"]["tlogEntries"][0]
e["inclusionProof"]["hashes"] = e["inclusionProof"]["hashes"] * 100
e["inclusionProof"]["treeSize"] = "9223372036854775807"
json.dump(b, sys.stdout)
PY
for f in empty array truncated null-material bad-cert number-for-string deep not-utf8 many-entries; do
  one_line_rejection "bundle $f" "$f.json" "$GOOD/trusted_root.json"
  one_line_rejection "trusted root $f" "$GOOD/bundle.sigstore.json" "$f.json"
done
one_line_rejection "missing trusted root" "$GOOD/bundle.sigstore.json" missing.json
mkdir m && $PY "$HALLMARK_SRC/tests/e2e/sigstore/mutate_bundle.py" "$GOOD/trusted_root.json" m >list.tsv
n=0
while IFS=$'\t' read -r file what; do
  n=$((n + 1)); rc=0
  verify "$GOOD/bundle.sigstore.json" "$file" >out.txt 2>&1 || rc=$?
  [ "$rc" -le 2 ] || { cat out.txt >&2; fail "trusted root $what: exit $rc"; }
  [ "$rc" = 0 ] || [ "$(wc -l <out.txt)" = 1 ] || { cat out.txt >&2; fail "trusted root $what: not one line"; }
done <list.tsv
[ "$n" -ge 50 ] || fail "only $n trusted root mutations"
pass "hostile bundles and trusted roots rejected with one line; $n trusted root mutations, no crash"
