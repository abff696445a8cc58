# Cross-check with an independent keyless verifier (../shared/peers/verify-keyless.mjs,
# sigstore-js, offline): on every keyless case of the conformance suite hallmark and the peer
# must reach the same verdict, except where the peer is known to disagree with the suite itself
# (listed below, with the suite's verdict, which hallmark must give). Any other difference fails.
source "$(dirname "$0")/../lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
need_peers
SUITE=$SHARED/conformance/sigstore/bundle-verify
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com
DEFAULT_ROOT=$HALLMARK_SRC/data/sigstore/trusted_root.json
# sigstore-js 3.x: Rekor v2 DSSE entries (hashedrekord over the PAE) are not understood, and a
# trusted root's missing validFor.start is read as unbounded.
declare -A PEER_WRONG=([rekor2-dsse-happy-path]=1 [trust-root-tlog-missing-validity-start_fail]=1)
same=0 compared=0
for dir in "$SUITE"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/bundle.sigstore.json" ] && [ ! -f "$dir/key.pub" ] && [[ $name != managed-key-* ]] || continue
  artifact=$dir/artifact; [ -f "$artifact" ] || artifact=$SUITE/a.txt
  root=$dir/trusted_root.json; [ -f "$root" ] || root=$DEFAULT_ROOT
  id=$ID iss=$ISS
  [ -f "$dir/identity" ] && id=$(cat "$dir/identity")
  [ -f "$dir/issuer" ] && iss=$(cat "$dir/issuer")
  hm=0 peer=0
  "$HM" verify --artifact "$artifact" --provenance "$dir/bundle.sigstore.json" --trusted-root "$root" \
    --certificate-identity "$id" --certificate-oidc-issuer "$iss" >hm.txt 2>&1 || hm=1
  node "$PEERS_SRC/verify-keyless.mjs" --bundle "$dir/bundle.sigstore.json" --trusted-root "$root" \
    --identity "$id" --issuer "$iss" "$artifact" >peer.txt 2>&1 || peer=1
  compared=$((compared + 1))
  if [ -n "${PEER_WRONG[$name]:-}" ]; then
    [ "$hm" != "$peer" ] || fail "$name: the peer now agrees with hallmark: drop it from PEER_WRONG"
    suite=0; [[ $name == *_fail ]] && suite=1
    [ "$hm" = "$suite" ] || fail "$name: hallmark disagrees with the suite"
    continue
  fi
  [ "$hm" = "$peer" ] || { cat hm.txt peer.txt >&2; fail "$name: hallmark exit $hm, peer $peer"; }
  same=$((same + 1))
done
[ "$compared" -ge 60 ] || fail "only $compared cases compared"
pass "hallmark and verify-keyless.mjs agree on $same of $compared keyless cases (${#PEER_WRONG[@]} known peer deviations, hallmark with the suite)"
