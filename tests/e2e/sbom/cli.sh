# CLI behaviour: stdout by default, -o atomic, CycloneDX 1.5 on request, SOURCE_DATE_EPOCH gives
# byte-identical output, usage and IO errors exit 2 with one line, excludes and vendored trees.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
CHECK="$PY $HALLMARK_SRC/tests/e2e/sbom/check_sbom.py"
CASE=$SHARED/corpus/npm-v3-mocha

"$HM" sbom "$CASE" >stdout.json 2>stderr.txt || fail "stdout mode failed"
jget stdout.json "j['bomFormat']" >/dev/null || fail "stdout is not JSON"

SOURCE_DATE_EPOCH=1700000000 "$HM" sbom -q "$CASE" -o a.json
SOURCE_DATE_EPOCH=1700000000 "$HM" sbom -q "$CASE" -o b.json
cmp -s a.json b.json || fail "SOURCE_DATE_EPOCH output is not reproducible"
expect_eq "$(jget a.json "j['metadata']['timestamp']")" "2023-11-14T22:13:20Z" "timestamp from SOURCE_DATE_EPOCH"
"$HM" sbom -q "$CASE" -o c.json
"$HM" sbom -q "$CASE" -o d.json
[ "$(jget c.json "j['serialNumber']")" != "$(jget d.json "j['serialNumber']")" ] || fail "serialNumber repeated without SOURCE_DATE_EPOCH"
expect_eq "$(jget c.json "[x for x in j['metadata']['tools']['components']][0]['name']")" hallmark "metadata.tools"
expect_eq "$(jget c.json "j['metadata']['component']['name']")" mocha "metadata.component from package.json"

"$HM" sbom -q --spec-version 1.5 "$CASE" -o v15.json
expect_eq "$(jget v15.json "j['specVersion']")" 1.5 "specVersion"
$CHECK cdx v15.json || fail "1.5 output invalid"
node "$PEERS_SRC/validate-cdx.mjs" --refs-error v15.json >/dev/null 2>&1 || fail "validate-cdx rejected 1.5 output"

rc=$(status "$HM" sbom /nonexistent/path 2>err.txt)
expect_eq "$rc" 2 "missing PATH exit status"
expect_eq "$(wc -l <err.txt)" 1 "one error line"
expect_contains err.txt "hallmark: error: sbom: /nonexistent/path"
rc=$(status "$HM" sbom "$CASE" -o /nonexistent/dir/out.json 2>err.txt)
expect_eq "$rc" 2 "unwritable -o exit status"
rc=$(status "$HM" sbom --format xml "$CASE" 2>err.txt)
expect_eq "$rc" 2 "bad --format exit status"

# A tree: manifests in subfolders found; node_modules and --exclude'd folders skipped; a FIFO
# and a symlink loop neither hang nor crash the walk.
mkdir -p tree/app tree/node_modules/x tree/skipme
cp "$SHARED/corpus/pypi-requirements-netbox/requirements.txt" tree/app/
printf 'left-pad==1.0.0\n' >tree/node_modules/x/requirements.txt
printf 'skipped-pkg==1.0.0\n' >tree/skipme/requirements.txt
mkfifo tree/app/fifo
ln -s ../tree tree/app/loop
timeout 20 "$HM" sbom -q tree --exclude 'skipme' -o tree.json || fail "tree walk failed"
expect_eq "$(jget tree.json "len(j['components'])")" 46 "components in the tree"
expect_not_contains tree.json "left-pad"
expect_not_contains tree.json "skipped-pkg"
expect_contains tree.json "\"location\": \"app/requirements.txt\""
timeout 20 "$HM" sbom -q tree --include-vendored --exclude 'skipme' -o vendored.json
expect_contains vendored.json "left-pad"
pass "cli"
