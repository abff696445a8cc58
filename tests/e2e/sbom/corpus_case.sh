# One corpus case end to end: hallmark sbom --include-dev, then the official schema (Debian's
# python3-jsonschema), the CycloneDX peer validator (dangling/duplicate refs are errors), and
# recall/precision >= 99% against an independent parse of the lockfile (check_sbom.py).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
CASE=${1:?usage: corpus_case.sh CASE}
DIR=$SHARED/corpus/$CASE
[ -d "$DIR" ] || fail "no corpus case $DIR"
CHECK="$PY $HALLMARK_SRC/tests/e2e/sbom/check_sbom.py"

rc=$(status "$HM" sbom -q --include-dev "$DIR" -o bom.json)
expect_eq "$rc" 0 "hallmark sbom exit status"
$CHECK cdx bom.json || fail "$CASE: CycloneDX 1.6 schema or refs"
node "$PEERS_SRC/validate-cdx.mjs" --refs-error bom.json >node.out 2>&1 || { cat node.out; fail "$CASE: validate-cdx.mjs rejected the BOM"; }
$CHECK accuracy "$DIR" bom.json || fail "$CASE: accuracy below 99%"

# The graph starts at the root and reaches components: the root has direct dependencies.
direct=$(jget bom.json "len([d for d in j['dependencies'] if d['ref']==j['metadata']['component']['bom-ref']][0]['dependsOn'])")
[ "$direct" -gt 0 ] || fail "$CASE: the root has no direct dependencies"

# Without --include-dev no dev-only package remains.
"$HM" sbom -q "$DIR" -o prod.json
excluded=$(jget prod.json "sum(1 for c in j['components'] if c.get('scope')=='excluded')")
expect_eq "$excluded" 0 "dev-only components without --include-dev"
node "$PEERS_SRC/validate-cdx.mjs" --refs-error prod.json >node.out 2>&1 || { cat node.out; fail "$CASE: production BOM has bad refs"; }
pass "$CASE"
