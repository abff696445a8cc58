# The fields the docs promise (docs/build-type.md, docs/signing.md, docs/sbom.md,
# docs/telemetry.md), listed here, are present in the outputs of a real run: a pipeline of the
# sample project with an scp-style remote, a signed link per step (the test step produces
# nothing), attest with SBOMs, and the event log. The signed link of the product-less step is
# also read by the independent verify-dsse.py, which rejects `subject: []`.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
need_peers
"$HM" keygen -o k >/dev/null
cp -r "$HALLMARK_SRC/ci-examples/sample-project" project
cd project
git init -q . && git add -A
git -c user.name=t -c user.email=t@example.com commit -qm sample
git remote add origin git@github.com:Acme/Sample.git
"$HM" run -q --sign --key ../k.key --step build -- make >/dev/null
"$HM" run -q --sign --key ../k.key --step test -- true >/dev/null
"$HM" run -q --sign --key ../k.key --step package -- make dist >/dev/null
ARTIFACT=dist/greet-1.0.0.tar.gz
"$HM" attest -q --key ../k.key --subject 'dist/*.tar.gz' --sbom
"$HM" sbom -q --format spdx-json . -o ../doc.spdx.json
link=$(ls .hallmark/links/test.*.link.intoto.jsonl)
# verify-dsse.py accepts SLSA provenance only, and checks the subject before the predicate type:
# a link that gets as far as the predicate-type check has a verified signature and a subject.
$PY "$PEERS_SRC/verify-dsse.py" "$link" ../k.pub >../dsse.out 2>&1 && fail "verify-dsse.py accepted a link as SLSA provenance"
expect_contains ../dsse.out "signature[0] verified"
expect_not_contains ../dsse.out "statement has no subject"
expect_contains ../dsse.out "predicateType 'https://in-toto.io/attestation/link/v0.3'"

$PY - "$ARTIFACT.intoto.jsonl" "$link" "$ARTIFACT.workspace.cdx.json" ../doc.spdx.json .hallmark/events.otlp.jsonl <<'PY' || fail "a documented field is missing"
import base64, json, sys
prov_file, link_file, cdx_file, spdx_file, events_file = sys.argv[1:]
def payload(line):
    return json.loads(base64.b64decode(json.loads(line)["payload"]))
prov = payload(open(prov_file).readline())
link = payload(open(link_file).readline())
cdx, spdx = json.load(open(cdx_file)), json.load(open(spdx_file))
missing = []
def need(what, ok):
    if not ok: missing.append(what)
bd, rd = prov["predicate"]["buildDefinition"], prov["predicate"]["runDetails"]
# docs/build-type.md
need("subject[].name/digest.sha256", all("name" in s and "sha256" in s["digest"] for s in prov["subject"]) and prov["subject"])
need("externalParameters.source.uri git+ssh://", bd["externalParameters"]["source"]["uri"] == "git+ssh://git@github.com/Acme/Sample.git")
need("externalParameters.steps[].name/command/cwd", all({"name", "command", "cwd"} <= set(s) for s in bd["externalParameters"]["steps"]))
need("internalParameters.hallmark.digestAlgorithms/materialsInline/recordSchema",
     {"digestAlgorithms", "materialsInline", "recordSchema"} <= set(bd["internalParameters"]["hallmark"]))
need("resolvedDependencies[0].digest.gitCommit", "gitCommit" in bd["resolvedDependencies"][0]["digest"])
need("no materials list among resolvedDependencies", all(d.get("mediaType") != "application/vnd.hallmark.materials+json" for d in bd["resolvedDependencies"]))
need("runDetails.builder.id/version.hallmark", "id" in rd["builder"] and "hallmark" in rd["builder"]["version"])
need("runDetails.metadata.invocationId/startedOn/finishedOn", {"invocationId", "startedOn", "finishedOn"} <= set(rd["metadata"]))
ml = [b for b in rd["byproducts"] if b.get("mediaType") == "application/vnd.hallmark.materials+json"]
need("byproducts materials list with annotations.count", ml and "count" in ml[0]["annotations"])
need("byproducts step records with annotations.step", any(b.get("annotations", {}).get("step") for b in rd["byproducts"]))
need("byproducts telemetry chainHead", any("chainHead" in b.get("annotations", {}) for b in rd["byproducts"]))
# docs/signing.md: the link of a step without products
need("link subject hallmark-step:test", link["subject"] and link["subject"][0]["name"] == "hallmark-step:test")
need("link predicate name/command/materials/byproducts.return-value/environment",
     {"name", "command", "materials", "byproducts", "environment"} <= set(link["predicate"]) and "return-value" in link["predicate"]["byproducts"])
# docs/sbom.md
tool = cdx["metadata"]["tools"]["components"][0]
need("tools.components[].manufacturer (no author)", "manufacturer" in tool and "author" not in tool)
need("serialNumber urn:uuid v4/v5", cdx["serialNumber"].startswith("urn:uuid:") and cdx["serialNumber"][9 + 14] in "45")
need("metadata.component purl", "purl" in cdx["metadata"]["component"])
need("components[].purl/bom-ref/scope", all({"purl", "bom-ref", "scope"} <= set(c) for c in cdx["components"]))
for p in spdx["packages"]:
    need("SPDX " + p["SPDXID"] + " downloadLocation/licenseDeclared/licenseConcluded/externalRefs",
         {"downloadLocation", "licenseDeclared", "licenseConcluded", "SPDXID", "name"} <= set(p))
need("SPDX downloadLocation from the lockfile", any(p["downloadLocation"].startswith("http") for p in spdx["packages"]))
# docs/telemetry.md: the task span, and the entities on its resource
spans = []
resources = set()
for line in open(events_file):
    req = json.loads(line)
    for field in ("resourceSpans", "resourceLogs", "resourceMetrics"):
        for r in req.get(field, []):
            resources.add(json.dumps(r["resource"], sort_keys=True))
    for rs in req.get("resourceSpans", []):
        res = {a["key"]: a["value"] for a in rs["resource"]["attributes"]}
        for ss in rs["scopeSpans"]:
            spans += [(s, res) for s in ss["spans"]]
need("one resource for the run's lines", len(resources) == 1)
tasks = [(s, res) for s, res in spans if any(a["key"] == "cicd.pipeline.task.name" for a in s.get("attributes", []))]
need("task spans", tasks)
for s, res in tasks:
    keys = {a["key"]: a["value"] for a in s["attributes"]}
    for k in ("cicd.pipeline.task.name", "cicd.pipeline.task.run.id", "cicd.pipeline.task.run.url.full",
              "cicd.pipeline.task.run.result", "process.exit.code"):
        need(s["name"] + " " + k, k in keys)
    for k in ("cicd.pipeline.run.id", "cicd.worker.id", "cicd.worker.name", "vcs.repository.url.full",
              "vcs.repository.name", "vcs.ref.head.name", "vcs.ref.type", "vcs.ref.head.revision"):
        need(s["name"] + " resource " + k, k in res)
    task_url = keys.get("cicd.pipeline.task.run.url.full", {}).get("stringValue", "")
    need(s["name"] + " task URL file:// of the step record", task_url.startswith("file:///") and "/.hallmark/steps/" in task_url)
    need(s["name"] + " https repository URL", res.get("vcs.repository.url.full", {}).get("stringValue") == "https://github.com/Acme/Sample")
if missing:
    print("missing:", *missing, sep="\n  ")
    sys.exit(1)
print("all documented fields present")
PY
pass "documented statement, link, SBOM and span fields present"
