# SPDX 2.3 §7.5/§7.7 and CycloneDX supplier (issue 22): the supplier is the maintainer the
# ecosystem names (dpkg Maintainer: a person, or an organisation for a team or list), and
# downloadLocation is the lockfile's resolved URL where it gives one, NOASSERTION elsewhere;
# the SPDX document still validates against the official schema.
source "$(dirname "$0")/../lib.sh"
mkdir -p ws/var/lib/dpkg && cd ws
cat > var/lib/dpkg/status <<'S'
Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Maintainer: Mark Brown <broonie@debian.org>
Description: compression library - runtime

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u7
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Description: GNU C Library
S
cat > package-lock.json <<'J'
{"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"app","version":"1.0.0","dependencies":{"JSONStream":"1.3.5","ms":"2.1.3"}},
 "node_modules/JSONStream":{"version":"1.3.5","resolved":"https://registry.npmjs.org/JSONStream/-/JSONStream-1.3.5.tgz"},
 "node_modules/ms":{"version":"2.1.3"}}}
J
"$HM" sbom -q . -o bom.cdx.json
"$HM" sbom -q . --format spdx-json -o bom.spdx.json
$PY - bom.cdx.json bom.spdx.json "$HALLMARK_SRC/schemas/spdx-2.3.schema.json" <<'PY' || fail "supplier / downloadLocation"
import json, sys, jsonschema
cdx, spdx = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sup = {c["name"]: c.get("supplier", {}).get("name") for c in cdx["components"]}
assert sup["zlib1g"] == "Mark Brown", sup
assert sup["libc6"] == "GNU Libc Maintainers", sup
assert sup["JSONStream"] is None, sup          # npm's lockfile names no supplier: none invented
pk = {p["name"].split(":")[-1]: p for p in spdx["packages"]}
assert pk["zlib1g"]["supplier"] == "Person: Mark Brown (broonie@debian.org)", pk["zlib1g"]
assert pk["libc6"]["supplier"] == "Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)", pk["libc6"]
assert "supplier" not in pk["JSONStream"] or pk["JSONStream"]["supplier"] == "NOASSERTION"
assert pk["JSONStream"]["downloadLocation"] == "https://registry.npmjs.org/JSONStream/-/JSONStream-1.3.5.tgz", pk["JSONStream"]
assert pk["ms"]["downloadLocation"] == "NOASSERTION", pk["ms"]        # no resolved URL: no guess
assert pk["zlib1g"]["downloadLocation"] == "NOASSERTION"
jsonschema.validate(spdx, json.load(open(sys.argv[3])))
PY
pass "supplier from the dpkg maintainer (person / organisation), downloadLocation from resolved URLs only; SPDX schema-valid"
