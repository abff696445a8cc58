# Every bundle-verify case of the Sigstore client conformance suite (../shared/conformance/
# sigstore, README there) through hallmark verify via the verify-bundle adapter: a case named
# *_fail must be rejected (exit 1 or 2, one line why), every other must verify (exit 0). Each
# case also runs with the artifact given only as its digest. Any mismatch fails the test.
source "$(dirname "$0")/../lib.sh"
SUITE=$SHARED/conformance/sigstore/bundle-verify
ADAPTER=$HALLMARK_SRC/tests/e2e/sigstore/verify_bundle.sh
[ -d "$SUITE" ] || fail "conformance suite missing: $SUITE"
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com
total=0 good=0 bad=()
for dir in "$SUITE"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/bundle.sigstore.json" ] || continue
  artifact=$dir/artifact
  [ -f "$artifact" ] || artifact=$SUITE/a.txt
  args=(--bundle "$dir/bundle.sigstore.json")
  if [ -f "$dir/key.pub" ]; then
    args+=(--key "$dir/key.pub")
  elif [[ $name != managed-key-* ]]; then
    id=$ID iss=$ISS
    [ -f "$dir/identity" ] && id=$(cat "$dir/identity")
    [ -f "$dir/issuer" ] && iss=$(cat "$dir/issuer")
    args+=(--certificate-identity "$id" --certificate-oidc-issuer "$iss")
  fi
  [ -f "$dir/trusted_root.json" ] && args+=(--trusted-root "$dir/trusted_root.json")
  digest=sha256:$(sha256sum "$artifact" | cut -d' ' -f1)
  for target in "$artifact" "$digest"; do
    total=$((total + 1))
    rc=0
    "$ADAPTER" "${args[@]}" "$target" >out.txt 2>&1 || rc=$?
    [ "$rc" -le 2 ] || { cat out.txt >&2; fail "$name: exit $rc (a crash?)"; }
    if [[ $name == *_fail ]]; then want=rejected; [ "$rc" != 0 ] && got=rejected || got=verified
    else want=verified; [ "$rc" = 0 ] && got=verified || got=rejected; fi
    if [ "$want" = "$got" ]; then
      good=$((good + 1))
    else
      bad+=("$name (${target##*/}): expected $want, got $got: $(grep -v '^PASSED' out.txt | head -3 | tr '\n' ' ')")
    fi
  done
done
echo "sigstore conformance bundle-verify: $good/$total passed"
for b in "${bad[@]+"${bad[@]}"}"; do echo "MISMATCH: $b" >&2; done
[ "${#bad[@]}" = 0 ] || fail "${#bad[@]} conformance mismatches"
[ "$total" -ge 130 ] || fail "only $total runs: the suite looks incomplete"
pass "all $total conformance runs as expected"
