# Every corpus case present (all ecosystems, including those catalogued by sbom-eco once merged):
# 0 schema errors and 0 dangling/duplicate refs per case, via the CycloneDX peer validator.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
n=0
for dir in "$SHARED"/corpus/*/; do
  case=$(basename "$dir")
  "$HM" sbom -q --include-dev "$dir" -o "$case.json" || fail "$case: hallmark sbom failed"
  node "$PEERS_SRC/validate-cdx.mjs" --refs-error "$case.json" >"$case.out" 2>&1 || { cat "$case.out"; fail "$case: invalid BOM"; }
  n=$((n + 1))
done
[ "$n" -ge 22 ] || fail "expected the 22 corpus cases, found $n"
pass "$n corpus cases valid with no dangling refs"
