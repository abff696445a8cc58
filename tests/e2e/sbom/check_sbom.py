#!/usr/bin/python3
"""Independent checks of an SBOM hallmark wrote, for the e2e tests.

usage: check_sbom.py cdx FILE      schema (bom-<specVersion>) + bom-ref integrity
       check_sbom.py spdx FILE     SPDX 2.3 schema + relationship integrity
       check_sbom.py accuracy CASE_DIR FILE
                                    recall/precision of unique name@version vs an independent
                                    parse of the case's lockfile (this file's own code, not hallmark's)
Prints one summary line; exit 0 ok, 1 check failed, 2 usage.
Python's stdlib json/tomllib/re and Debian's python3-jsonschema (4.10, RefResolver) only.
"""
import json
import os
import re
import sys
import tomllib

SRC = os.environ.get("HALLMARK_SRC", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCHEMAS = os.path.join(SRC, "schemas")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def validator(schema_file):
    import jsonschema
    store = {}
    for name in os.listdir(SCHEMAS):
        if name.endswith(".json"):
            with open(os.path.join(SCHEMAS, name)) as f:
                s = json.load(f)
            store[name] = s
            if "$id" in s:
                store[s["$id"]] = s
    schema = store[schema_file]
    resolver = jsonschema.RefResolver(base_uri=schema.get("$id", ""), referrer=schema, store=store)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, resolver=resolver)


def check_cdx(path):
    doc = json.load(open(path))
    v = validator("bom-%s.schema.json" % doc.get("specVersion"))
    errors = list(v.iter_errors(doc))
    for e in errors[:5]:
        print("schema: %s at %s" % (e.message[:200], "/".join(map(str, e.path))))
    refs = [c["bom-ref"] for c in doc.get("components", [])]
    root = doc["metadata"]["component"]["bom-ref"]
    known = set(refs) | {root}
    dup = len(refs) - len(set(refs)) + (1 if root in refs else 0)
    dangling = 0
    for d in doc.get("dependencies", []):
        if d["ref"] not in known:
            dangling += 1
        dangling += sum(1 for r in d.get("dependsOn", []) if r not in known)
    print("cdx %s: %d components, %d schema errors, %d duplicate refs, %d dangling refs"
          % (doc.get("specVersion"), len(refs), len(errors), dup, dangling))
    if errors or dup or dangling:
        sys.exit(1)


def check_spdx(path):
    doc = json.load(open(path))
    v = validator("spdx-2.3.schema.json")
    errors = list(v.iter_errors(doc))
    for e in errors[:5]:
        print("schema: %s at %s" % (e.message[:200], "/".join(map(str, e.path))))
    ids = [p["SPDXID"] for p in doc.get("packages", [])]
    known = set(ids) | {"SPDXRef-DOCUMENT"}
    dangling = sum(1 for r in doc.get("relationships", [])
                   if r["spdxElementId"] not in known or r["relatedSpdxElement"] not in known)
    bad_ids = [i for i in ids if not re.fullmatch(r"SPDXRef-[A-Za-z0-9.\-]+", i)]
    describes = [r for r in doc.get("relationships", []) if r["relationshipType"] == "DESCRIBES"]
    print("spdx: %d packages, %d schema errors, %d duplicate ids, %d dangling, %d bad ids, %d DESCRIBES"
          % (len(ids), len(errors), len(ids) - len(set(ids)), dangling, len(bad_ids), len(describes)))
    if errors or len(ids) != len(set(ids)) or dangling or bad_ids or len(describes) != 1:
        sys.exit(1)


# ---- independent reference parsers: name@version sets, npm aliases resolved to the real name
def pep503(n):
    return re.sub(r"[-_.]+", "-", n).lower()


def ref_npm_lock(d):
    lock = json.load(open(os.path.join(d, "package-lock.json")))
    out = set()
    if lock.get("lockfileVersion", 1) >= 2 and "packages" in lock:
        for k, v in lock["packages"].items():
            if "node_modules/" not in k or v.get("link"):
                continue
            out.add("%s@%s" % (v.get("name", k.rsplit("node_modules/", 1)[1]), v["version"]))
    else:
        def walk(deps):
            for name, v in deps.items():
                out.add("%s@%s" % (name, v["version"]))
                walk(v.get("dependencies", {}))
        walk(lock.get("dependencies", {}))
    return out


def ref_yarn(d):
    text = open(os.path.join(d, "yarn.lock")).read()
    out = set()
    if "__metadata:" in text:
        for m in re.finditer(r'^  resolution: "(.+)"$', text, re.M):
            res = m.group(1)
            name, ref = res[: res.index("@", 1)], res[res.index("@", 1) + 1:]
            if ref.startswith("workspace:"):
                continue
            ver = re.search(r"^  version: (.+)$", text[text.rfind("\n\n", 0, m.start()):m.start()], re.M)
            out.add("%s@%s" % (name, ver.group(1).strip('"')))
    else:
        for m in re.finditer(r'^("?[^\s#].*):\n  version "([^"]+)"', text, re.M):
            first = m.group(1).split(",")[0].strip().strip('"')
            rng = first[first.index("@", 1) + 1:]
            name = first[: first.index("@", 1)]
            if rng.startswith("npm:"):
                real = rng[4:]
                name = real[: real.index("@", 1)] if "@" in real[1:] else real
            out.add("%s@%s" % (name, m.group(2)))
    return out


def ref_pnpm(d):
    text = open(os.path.join(d, "pnpm-lock.yaml")).read()
    body = text[text.index("\npackages:"):]
    body = body[: body.find("\nsnapshots:")] if "\nsnapshots:" in body else body
    out = set()
    for m in re.finditer(r"^  '?(/?[^\s':]+)'?:$", body, re.M):
        key = m.group(1).lstrip("/")
        key = key.split("(")[0]
        at = key.index("@", 1)
        out.add("%s@%s" % (key[:at], key[at + 1:]))
    return out


def ref_toml_packages(path, skip_members=False):
    doc = tomllib.load(open(path, "rb"))
    out = set()
    for p in doc.get("package", []):
        out.add("%s@%s" % (pep503(p["name"]), p.get("version", "")))
    return out


def ref_pipfile(d):
    lock = json.load(open(os.path.join(d, "Pipfile.lock")))
    return {"%s@%s" % (pep503(n), v["version"].lstrip("=")) for s in ("default", "develop") for n, v in lock[s].items()}


def ref_requirements(d):
    out = set()
    for line in open(os.path.join(d, "requirements.txt")):
        m = re.match(r"^\s*([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*==\s*([^\s;#]+)", line)
        if m:
            out.add("%s@%s" % (pep503(m.group(1)), m.group(3)))
    return out


def reference(case_dir):
    files = set(os.listdir(case_dir))
    if "package-lock.json" in files:
        return ref_npm_lock(case_dir)
    if "yarn.lock" in files:
        return ref_yarn(case_dir)
    if "pnpm-lock.yaml" in files:
        return ref_pnpm(case_dir)
    for lock in ("poetry.lock", "uv.lock", "pdm.lock"):
        if lock in files:
            return ref_toml_packages(os.path.join(case_dir, lock))
    if "Pipfile.lock" in files:
        return ref_pipfile(case_dir)
    if "requirements.txt" in files:
        return ref_requirements(case_dir)
    return None


def mine(doc, ref):
    """Packages hallmark found. The repository's own projects (metadata.component, workspace
    members: type application) count only where the lockfile lists them as packages too (uv)."""
    out = set()
    comps = list(doc.get("components", [])) + [doc["metadata"]["component"]]
    for c in comps:
        name = c["name"]
        purl = c.get("purl", "")
        if purl.startswith("pkg:pypi/"):
            name = pep503(name)
        elif c.get("group"):
            name = c["group"] + "/" + name
        key = "%s@%s" % (name, c.get("version", ""))
        if c.get("type", "library") == "library" or key in ref:
            out.add(key)
    return out


def check_accuracy(case_dir, path):
    ref = reference(case_dir)
    if ref is None:
        print("accuracy: no reference parser for %s (skipped)" % os.path.basename(case_dir))
        return
    got = mine(json.load(open(path)), ref)
    tp = len(ref & got)
    recall = tp / len(ref) if ref else 1.0
    precision = tp / len(got) if got else 1.0
    print("accuracy %s: reference %d, hallmark %d, recall %.4f, precision %.4f"
          % (os.path.basename(case_dir), len(ref), len(got), recall, precision))
    for x in sorted(ref - got)[:10]:
        print("  missing " + x)
    for x in sorted(got - ref)[:10]:
        print("  extra   " + x)
    if recall < 0.99 or precision < 0.99:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "cdx":
        check_cdx(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "spdx":
        check_spdx(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "accuracy":
        check_accuracy(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)
