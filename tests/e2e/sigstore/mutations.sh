# Every single-field mutation of valid bundles (a message signature with Rekor v1, a DSSE
# envelope with Rekor v1, a message signature with Rekor v2 and an RFC 3161 timestamp) must be
# rejected with exit 1 or 2 and one line why: never verified, never a crash.
source "$(dirname "$0")/../lib.sh"
SUITE=$SHARED/conformance/sigstore/bundle-verify
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com
total=0 passed=()
for case in happy-path-v0.3 happy-path-intoto-in-dsse-v3 rekor2-happy-path; do
  dir=$SUITE/$case
  root=()
  [ -f "$dir/trusted_root.json" ] && root=(--trusted-root "$dir/trusted_root.json")
  run() { "$HM" verify --artifact "$SUITE/a.txt" --provenance "$1" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "${root[@]+"${root[@]}"}"; }
  rc=0; run "$dir/bundle.sigstore.json" >out.txt 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat out.txt >&2; fail "$case: the unmutated bundle does not verify"; }
  mkdir -p "m-$case"
  $PY "$HALLMARK_SRC/tests/e2e/sigstore/mutate_bundle.py" "$dir/bundle.sigstore.json" "m-$case" >list.tsv
  while IFS=$'\t' read -r file what; do
    total=$((total + 1))
    rc=0; run "$file" >out.txt 2>&1 || rc=$?
    case $rc in
      1|2) ;;
      0) passed+=("$case: $what") ; continue ;;
      *) cat out.txt >&2; fail "$case: $what: exit $rc (crash?)" ;;
    esac
    [ -s out.txt ] || fail "$case: $what: rejected without saying why"
  done <list.tsv
done
for p in "${passed[@]+"${passed[@]}"}"; do echo "VERIFIED: $p" >&2; done
[ "${#passed[@]}" = 0 ] || fail "${#passed[@]} of $total mutations verified"
[ "$total" -ge 100 ] || fail "only $total mutations"
pass "$total mutations, all rejected"
