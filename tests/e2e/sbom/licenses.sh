# Every licenseDeclared/licenseConcluded of hallmark's SPDX and every CycloneDX licence over the
# whole corpus, and a lockfile of awkward declared licences, checked by Debian's
# spdx-expression-parse (node-spdx-expression-parse, scripts/deps.sh). Debian's licence-id list
# (3.0.12) is older than the SPDX list hallmark ships (schemas/spdx.schema.json); the parser is
# given the union of both, so newer ids ("Unicode-3.0") are not counted as errors while the
# grammar and every other id are Debian's.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
NODE_DEB=/usr/share/nodejs
[ -f "$NODE_DEB/spdx-expression-parse/index.js" ] || fail "node-spdx-expression-parse is not installed (scripts/deps.sh)"
mkdir -p overlay/spdx-license-ids overlay/spdx-exceptions
$PY - "$NODE_DEB" "$HALLMARK_SRC/schemas/spdx.schema.json" <<'PY'
import json, sys
deb, schema = sys.argv[1], sys.argv[2]
enum = json.load(open(schema))["enum"]
cut = next(i for i in range(1, len(enum)) if enum[i].lower() < enum[i - 1].lower())
for pkg, name, extra in (("spdx-license-ids", "index.json", enum[:cut]), ("spdx-exceptions", "index.json", enum[cut:])):
    ids = json.load(open(f"{deb}/{pkg}/{name}"))
    json.dump(sorted(set(ids) | set(extra)), open(f"overlay/{pkg}/{name}", "w"))
    json.dump({"name": pkg, "main": "index.json"}, open(f"overlay/{pkg}/package.json", "w"))
json.dump(json.load(open(f"{deb}/spdx-license-ids/deprecated.json")), open("overlay/spdx-license-ids/deprecated.json", "w"))
PY
export NODE_PATH="$T/overlay:$NODE_DEB"
CHECK="$HALLMARK_SRC/tests/e2e/sbom/check_licenses.js"

# 1. The awkward values: each mapped to an id or expression, or left a name / NOASSERTION.
mkdir -p awkward
cat > awkward/package-lock.json <<'JSON'
{"name": "awkward", "version": "1.0.0", "lockfileVersion": 3, "packages": {
  "": {"name": "awkward", "version": "1.0.0"},
  "node_modules/a": {"version": "1.0.0", "license": "mit"},
  "node_modules/b": {"version": "1.0.0", "license": "BSD"},
  "node_modules/c": {"version": "1.0.0", "license": "UNLICENSED"},
  "node_modules/d": {"version": "1.0.0", "license": "GPL-2.0+"},
  "node_modules/e": {"version": "1.0.0", "license": "MIT or apache-2.0"},
  "node_modules/f": {"version": "1.0.0", "license": "LicenseRef-Acme-1"},
  "node_modules/g": {"version": "1.0.0", "license": "Apache-2.0 WITH LLVM-exception"},
  "node_modules/h": {"version": "1.0.0", "license": "(MIT OR Apache-2.0) AND Unicode-3.0"},
  "node_modules/i": {"version": "1.0.0", "license": "Apache License 2.0"},
  "node_modules/j": {"version": "1.0.0", "license": "DocumentRef-x:LicenseRef-y"}}}
JSON
"$HM" sbom -q awkward -o awkward.cdx.json
"$HM" sbom -q --format spdx-json awkward -o awkward.spdx.json
node "$CHECK" awkward.cdx.json awkward.spdx.json || fail "awkward licences rejected"
got=$($PY - awkward.cdx.json awkward.spdx.json <<'PY'
import json, sys
cdx, spdx = (json.load(open(f)) for f in sys.argv[1:])
c = {x["name"]: x.get("licenses") for x in cdx["components"]}
s = {x["name"]: x["licenseDeclared"] for x in spdx["packages"]}
print(c["a"], c["b"], c["c"], c["d"], c["e"], c["f"], c["i"], sep="\n")
print(*(s[k] for k in "abcdefghij"), sep="\n")
print([i["licenseId"] for i in spdx.get("hasExtractedLicensingInfos", [])])
PY
)
expected="[{'license': {'id': 'MIT'}}]
[{'license': {'name': 'BSD'}}]
[{'license': {'name': 'UNLICENSED'}}]
[{'license': {'id': 'GPL-2.0+'}}]
[{'expression': 'MIT OR Apache-2.0'}]
[{'expression': 'LicenseRef-Acme-1'}]
[{'license': {'id': 'Apache-2.0'}}]
MIT
NOASSERTION
NOASSERTION
GPL-2.0+
MIT OR Apache-2.0
LicenseRef-Acme-1
Apache-2.0 WITH LLVM-exception
(MIT OR Apache-2.0) AND Unicode-3.0
Apache-2.0
NOASSERTION
['LicenseRef-Acme-1']"
expect_eq "$got" "$expected" "licences of the awkward lockfile"
pass "awkward licences mapped"

# 2. The whole corpus, both formats.
n=0
for dir in "$SHARED"/corpus/*/; do
  case=$(basename "$dir")
  "$HM" sbom -q --include-dev "$dir" -o "$case.cdx.json" || fail "$case: hallmark sbom failed"
  "$HM" sbom -q --include-dev --format spdx-json "$dir" -o "$case.spdx.json" || fail "$case: hallmark sbom --format spdx-json failed"
  n=$((n + 1))
done
[ "$n" -ge 22 ] || fail "expected the 22 corpus cases, found $n"
node "$CHECK" ./*.cdx.json ./*.spdx.json | tee counts.txt || fail "a corpus licence is not an SPDX expression"
checked=$(awk '{print $2}' counts.txt)
[ "$checked" -ge 1000 ] || fail "only $checked licence values were checked: the corpus lost its licences?"
pass "$n corpus cases: $checked licence values accepted by spdx-expression-parse"
