#!/usr/bin/python3
"""Independent oracle for the ecosystem corpus cases: prints one `name@version` key per unique
package, computed with Python's own parsers (json, tomllib, ElementTree, PyYAML) and none of
hallmark's code, so the C++ catalogers are measured against a second reading of the same file.
Key: full name (group/name) '@' version, plus '-' platform for platform-specific gems.
Usage: oracle.py CASE CORPUS_DIR"""
import json, re, sys, tomllib, xml.etree.ElementTree as ET
import yaml

case, corpus = sys.argv[1], sys.argv[2]
d = f"{corpus}/{case}"
keys = set()

def text(p):
    with open(p, encoding="utf-8") as f:
        return f.read()

if case == "golang-syft":
    inblock = False
    for line in text(f"{d}/go.mod").splitlines():
        line = line.split("//")[0].strip()
        if line == "require (":
            inblock = True; continue
        if inblock and line == ")":
            inblock = False; continue
        if inblock and line:
            p, v = line.split()[:2]; keys.add(f"{p}@{v}")
        elif line.startswith("require ") and "(" not in line:
            p, v = line.split()[1:3]; keys.add(f"{p}@{v}")
elif case == "cargo-ripgrep":
    for p in tomllib.loads(text(f"{d}/Cargo.lock"))["package"]:
        keys.add(f"{p['name']}@{p['version']}")
elif case == "gem-rubygems.org":
    section = None
    for line in text(f"{d}/Gemfile.lock").splitlines():
        if line and not line.startswith(" "):
            section = line.strip(); continue
        m = re.match(r"^    (\S+) \(([^)]+)\)$", line)
        if section in ("GEM", "GIT", "PATH") and m:
            keys.add(f"{m.group(1)}@{m.group(2)}")
elif case == "composer-koel":
    j = json.loads(text(f"{d}/composer.lock"))
    for p in j["packages"] + j["packages-dev"]:
        keys.add(f"{p['name']}@{p['version']}")
elif case == "maven-spring-petclinic":
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(f"{d}/pom.xml").getroot()
    props = {e.tag.split('}')[1]: e.text for e in root.find("m:properties", ns)}
    props["project.version"] = root.find("m:version", ns).text
    for dep in root.iter("{http://maven.apache.org/POM/4.0.0}dependency"):
        g = dep.find("m:groupId", ns).text; a = dep.find("m:artifactId", ns).text
        v = dep.find("m:version", ns)
        v = "" if v is None else re.sub(r"\$\{([^}]+)\}", lambda m: props[m.group(1)], v.text)
        keys.add(f"{g}/{a}@{v}")
elif case == "gradle-lockfile-terra-wsm":
    for line in text(f"{d}/service/gradle.lockfile").splitlines():
        if line.startswith("#") or line.startswith("empty=") or not line.strip():
            continue
        g, a, v = line.split("=")[0].split(":")
        keys.add(f"{g}/{a}@{v}")
elif case == "gradle-verification-adyen-android":
    root = ET.parse(f"{d}/gradle/verification-metadata.xml").getroot()
    for c in root.iter("{https://schema.gradle.org/dependency-verification}component"):
        keys.add(f"{c.get('group')}/{c.get('name')}@{c.get('version')}")
elif case in ("nuget-SimpleTweaksPlugin", "nuget-bitwarden-server"):
    path = f"{d}/packages.lock.json" if case == "nuget-SimpleTweaksPlugin" else f"{d}/src/Api/packages.lock.json"
    for fw in json.loads(text(path))["dependencies"].values():
        for n, e in fw.items():
            if e.get("type") != "Project":
                keys.add(f"{n}@{e['resolved']}")
elif case == "conan-OpenStudio":
    j = json.loads(text(f"{d}/conan.lock"))
    for r in j["requires"] + j["build_requires"]:
        n, v = r.split("#")[0].split("@")[0].split("/")[:2]
        keys.add(f"{n}@{v}")
elif case == "vcpkg-PlotJuggler":
    for e in json.loads(text(f"{d}/vcpkg.json"))["dependencies"]:
        keys.add(f"{e if isinstance(e, str) else e['name']}@")
elif case == "hex-hexpm":
    for line in text(f"{d}/mix.lock").splitlines():
        m = re.match(r'^\s+"([^"]+)": \{:hex, :[^,]+, "([^"]+)"', line)
        if m:
            keys.add(f"{m.group(1)}@{m.group(2)}"); continue
        m = re.match(r'^\s+"([^"]+)": \{:git, "[^"]+", "([0-9a-f]+)"', line)
        if m:
            keys.add(f"{m.group(1)}@{m.group(2)}")
elif case == "pub-localsend":
    for n, p in yaml.safe_load(text(f"{d}/pubspec.lock"))["packages"].items():
        keys.add(f"{n}@{p['version']}")
else:
    sys.exit(f"oracle: unknown case {case}")
for k in sorted(keys):
    print(k)
