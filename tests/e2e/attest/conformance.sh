# in-toto / SLSA conformance of a real run's provenance (issue 22), checked against git itself
# and the independent verify-dsse.py: a repository without a remote still records its commit
# (digest.gitCommit = git rev-parse HEAD); git blob ids are under the DigestSet's gitBlob key and
# equal `git hash-object`; a --dirhash digest is under hallmarkDirHash:sha256, never sha256; the
# materials list attest writes is a byproduct, not a resolvedDependency; every subject list is
# non-empty; and `hallmark verify` accepts the provenance.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
need_peers
"$HM" keygen -o k >/dev/null
mkdir ws && cd ws
git init -q . && mkdir -p vendor/lib src && echo 'int main(){return 0;}' > src/main.c
echo dep > vendor/lib/dep.txt && printf 'x y\n' > 'src/caf\xc3\xa9 #1.c'
git add -A && git -c user.name=t -c user.email=t@example.com commit -qm one
HEAD_SHA=$(git rev-parse HEAD)
BLOB=$(git hash-object src/main.c)
"$HM" run -q --digest sha256,gitoid --dirhash 'vendor/*' --step build -- sh -c 'mkdir -p out && cp src/main.c out/app.c'
"$HM" attest -q --key ../k.key --subject out/app.c
$PY "$PEERS_SRC/verify-dsse.py" out/app.c.intoto.jsonl ../k.pub --artifact out/app.c >../dsse.out 2>&1 ||
  { cat ../dsse.out; fail "verify-dsse.py rejects the provenance"; }
expect_status 0 ../verify.out "$HM" verify --artifact out/app.c --key ../k.pub
$PY - out/app.c.intoto.jsonl out/app.c.materials.json "$HEAD_SHA" "$BLOB" <<'PY' || fail "provenance conformance"
import base64, json, sys
prov_file, materials_file, head, blob = sys.argv[1:]
st = json.loads(base64.b64decode(json.loads(open(prov_file).readline())["payload"]))
assert st["subject"], "subject: []"
bd, rd = st["predicate"]["buildDefinition"], st["predicate"]["runDetails"]
src = bd["resolvedDependencies"][0]
assert src == {"name": "source", "digest": {"gitCommit": head}}, src
assert "source" not in bd["externalParameters"] or "uri" not in bd["externalParameters"]["source"], bd["externalParameters"]
mt = "application/vnd.hallmark.materials+json"
assert not any(d.get("mediaType") == mt or d.get("name", "").endswith("materials.json") for d in bd["resolvedDependencies"])
ml = [b for b in rd["byproducts"] if b.get("mediaType") == mt]
assert len(ml) == 1 and ml[0]["digest"]["sha256"], rd["byproducts"]
import hashlib
assert hashlib.sha256(open(materials_file, "rb").read()).hexdigest() == ml[0]["digest"]["sha256"]
materials = {m["name"]: m["digest"] for m in json.load(open(materials_file))}
assert materials["src/main.c"]["gitBlob"] == blob, materials["src/main.c"]
assert not any(k.startswith("gitoid:sha1") for d in materials.values() for k in d), materials
dirs = [d for n, d in materials.items() if n.startswith("vendor/")]
assert dirs and all(set(d) == {"hallmarkDirHash:sha256"} for d in dirs), dirs
for d in bd["resolvedDependencies"] + rd["byproducts"]:
    for k in d.get("digest", {}):
        assert k in ("sha256", "sha512", "gitCommit", "gitBlob", "gitoid:sha256") or k.startswith("hallmarkDirHash:"), k
for s in st["subject"]:
    assert s["digest"].get("sha256") and "hallmarkDirHash:sha256" not in s["digest"], s
print("provenance: commit without a remote, gitBlob = git hash-object, dirHash key, materials list a byproduct")
PY
pass "in-toto / SLSA conformance of a real run's provenance"
