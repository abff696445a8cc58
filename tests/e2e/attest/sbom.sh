# `hallmark attest --sbom`: SBOMs of the workspace and of the archive subject are written,
# listed among the signed provenance's byproducts, signed as CycloneDX statements of their own,
# valid against the official schema, and satisfy a requireSbom policy.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
need_peers
"$HM" keygen -o k >/dev/null
sample_run
"$HM" attest -q --key ../k.key --subject 'dist/*.tar.gz' --sbom
PROV=$ARTIFACT.intoto.jsonl
[ -f "$ARTIFACT.workspace.cdx.json" ] || fail "workspace SBOM not written"
[ -f "$ARTIFACT.cdx.json" ] || fail "archive SBOM not written"
expect_eq "$(wc -l <"$PROV")" 3 "provenance + two SBOM statements in the .intoto.jsonl"
$PY - "$PROV" "$ARTIFACT" <<'PY' || fail "statements are not as expected"
import base64, hashlib, json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
st = [json.loads(base64.b64decode(e["payload"])) for e in lines]
assert st[0]["predicateType"] == "https://slsa.dev/provenance/v1", st[0]["predicateType"]
names = {b["name"] for b in st[0]["predicate"]["runDetails"]["byproducts"]}
assert {"greet-1.0.0.tar.gz.workspace.cdx.json", "greet-1.0.0.tar.gz.cdx.json"} <= names, names
digest = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
for s in st[1:]:
    assert s["predicateType"] == "https://cyclonedx.org/bom"
    assert s["predicate"]["bomFormat"] == "CycloneDX"
    assert digest in [x["digest"]["sha256"] for x in s["subject"]]
purls = {c["purl"] for c in st[1]["predicate"]["components"]}
assert "pkg:pypi/requests@2.31.0" in purls and "pkg:npm/ms@2.1.3" in purls, purls
PY
node "$PEERS_SRC/validate-cdx.mjs" --refs-error "$ARTIFACT.workspace.cdx.json" >/dev/null 2>err.txt ||
  { cat err.txt; fail "workspace SBOM is not valid CycloneDX"; }
echo '{"requireSbom": true}' >policy.json
expect_status 0 out.txt "$HM" verify --artifact "$ARTIFACT" --key ../k.pub --policy policy.json
expect_contains out.txt PASSED
# Two denied components: verify fails naming both, and logs one event per component (the purls
# reach the event log as they are, not re-split from the FAILED line's text).
echo '{"deniedComponents": ["pkg:pypi/requests@*", "pkg:npm/ms@*"]}' >deny.json
expect_status 1 out.txt "$HM" verify --artifact "$ARTIFACT" --key ../k.pub --policy deny.json
expect_contains out.txt "FAILED: policy.deniedComponents"
$PY - .hallmark/events.otlp.jsonl <<'PY' || fail "denied-component events are not one per purl"
import json, sys
purls = []
for line in open(sys.argv[1]):
    for rl in json.loads(line).get("resourceLogs", []):
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                a = {x["key"]: x["value"].get("stringValue") for x in r["attributes"]}
                if "hallmark.component.purl" in a: purls.append(a["hallmark.component.purl"])
assert sorted(purls) == ["pkg:npm/ms@2.1.3", "pkg:pypi/requests@2.31.0"], purls
PY
pass "attest --sbom"
