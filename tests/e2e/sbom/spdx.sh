# SPDX 2.3 JSON: valid against the official schema, unique sanitised SPDXIDs, one DESCRIBES,
# DEPENDS_ON edges between existing packages, purls as externalRefs.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
CHECK="$PY $HALLMARK_SRC/tests/e2e/sbom/check_sbom.py"
for case in npm-v3-mocha pnpm-vuejs-core pypi-uv-pydantic yarn-berry-prettier; do
  "$HM" sbom -q --include-dev --format spdx-json "$SHARED/corpus/$case" -o "$case.spdx.json"
  $CHECK spdx "$case.spdx.json" || fail "$case: SPDX checks"
done
deps=$(jget npm-v3-mocha.spdx.json "sum(1 for r in j['relationships'] if r['relationshipType']=='DEPENDS_ON')")
[ "$deps" -gt 600 ] || fail "npm-v3-mocha: only $deps DEPENDS_ON relationships"
purls=$(jget npm-v3-mocha.spdx.json "sum(1 for p in j['packages'] for r in p.get('externalRefs',[]) if r['referenceType']=='purl')")
[ "$purls" -gt 600 ] || fail "npm-v3-mocha: only $purls purl externalRefs"
pass "spdx"
