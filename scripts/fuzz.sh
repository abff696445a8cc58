#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan, -Dfuzz=true in build-fuzz/), seeds their
# corpora from the tests' fixtures and ../shared/corpus, and runs each for SECONDS (default 60),
# one after another. Prints executions per harness; exits 1 on any crash, leak or UB (the
# reproducer is left in build-fuzz/findings/). docs/fuzzing.md.
#
# usage: scripts/fuzz.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
HARNESSES="catalog archive attest oci layers ignore text"
shift || true
command -v clang++ >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 2; }
B=build-fuzz
[ -f $B/build.ninja ] || CXX=clang++ meson setup $B -Dfuzz=true -Dtests=false -Dbench=false \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
nice ninja -C $B $(for h in $HARNESSES; do echo tests/fuzz/fuzz_$h; done) >/dev/null
SHARED=${HALLMARK_SHARED:-../shared}
/usr/bin/python3 - "$B/corpus" "$SHARED" . <<'PY'
import os, re, sys, glob, shutil, hashlib
out, shared, src = sys.argv[1:4]
def put(h, data):
    d = os.path.join(out, h); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb").write(data[:256 << 10])
for h in ["catalog", "archive", "attest", "oci", "layers", "ignore", "text"]:
    os.makedirs(os.path.join(out, h), exist_ok=True)
# The archives the unit tests build (tar, tgz, zip, jar in war, wheel, npm tarball, .deb, hostile ones).
import subprocess, tempfile
with tempfile.TemporaryDirectory() as t:
    subprocess.run(["/usr/bin/python3", "tests/unit/sbom/make_archives.py", t], check=True, stdout=subprocess.DEVNULL)
    for f in glob.glob(os.path.join(t, "**", "*"), recursive=True):
        if os.path.isfile(f) and os.path.getsize(f) <= 256 << 10:
            put("archive", open(f, "rb").read())
            if re.search(r"\.(tar|tgz|tar\.gz)$", f): put("layers", open(f, "rb").read())
# Image layers: a base with a dpkg database, an npm package and symlinks, then one that deletes
# (whiteout, opaque directory), climbs out and re-links.
import io, tarfile, gzip
def layer(members, gz=False):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        for name, kind, body in members:
            i = tarfile.TarInfo(name)
            if kind == "dir": i.type = tarfile.DIRTYPE
            elif kind == "sym": i.type, i.linkname = tarfile.SYMTYPE, body
            elif kind == "hard": i.type, i.linkname = tarfile.LNKTYPE, body
            else: i.size = len(body)
            t.addfile(i, io.BytesIO(body) if kind == "file" else None)
    return gzip.compress(b.getvalue()) if gz else b.getvalue()
status = b"Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13\n\n"
base = layer([("var/lib/dpkg/", "dir", None), ("var/lib/dpkg/status", "file", status),
              ("app/node_modules/left-pad/package.json", "file", b'{"name":"left-pad","version":"1.3.0"}'),
              ("app/package.json", "file", b'{"name":"app","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}'),
              ("usr/lib/os-release", "file", b"ID=debian\nVERSION_ID=12\n"), ("etc/os-release", "sym", "../usr/lib/os-release")])
top = layer([("app/.wh.package.json", "file", b""), ("var/lib/dpkg/.wh..wh..opq", "file", b""),
             ("../escape", "file", b"x"), ("/abs/file", "file", b"y"), ("app/link", "sym", "/app/link"),
             ("app/hard", "hard", "app/node_modules/left-pad/package.json")], gz=True)
put("layers", base); put("layers", base + b"HMLAYER\n" + top); put("layers", top)
for t in [b"*.o\nbuild/\n!keep.txt\0*.log\0sp ace", b"**/deep\n\\[x].c\n/a.c\0\0node_modules", b"*\n!*/\n"]:
    put("ignore", t)
names = re.findall(r'"([^"]+)"', open(os.path.join(src, "tests/fuzz/fuzz_catalog.cpp")).read().split("kNames[] = {")[1].split("};")[0])
for f in glob.glob(os.path.join(shared, "corpus", "**", "*"), recursive=True) + glob.glob("tests/**/fixtures/**/*", recursive=True):
    if not os.path.isfile(f): continue
    base = os.path.basename(f)
    for i, n in enumerate(names):
        if n.rsplit("/", 1)[-1] == base:
            put("catalog", bytes([i]) + open(f, "rb").read())
    if re.search(r"\.(tar|tgz|gz|zip|jar|whl|deb|xz)$", base):
        put("archive", open(f, "rb").read())
for f in glob.glob("tests/**/*.json", recursive=True) + glob.glob("data/sigstore/*.json") + glob.glob(os.path.join(shared, "conformance", "sigstore", "**", "*.json"), recursive=True)[:300]:
    data = open(f, "rb").read()
    for sel in range(5): put("attest", bytes([sel]) + data)
    put("oci", bytes([2]) + data)
for ref in [b"\x00registry.example/app:1.0", b"\x00docker://localhost:5000/a/b@sha256:" + b"0" * 64, b"\x00oci:dir:tag", b"\x01linux/arm64/v8"]:
    put("oci", ref)
for t in [b"\x00src/**/*.c\x00src/a/b.c", b"\x01curl -u user:secret https://token@example.com", b"\x03"]:
    put("text", t)
PY
mkdir -p $B/findings
status=0
for h in ${@:-$HARNESSES}; do
  # Every past finding first (tests/fuzz/regressions/HARNESS-*): each must now pass.
  for r in tests/fuzz/regressions/$h-*; do
    [ -f "$r" ] || continue
    if ! $B/tests/fuzz/fuzz_$h -timeout=10 "$r" >"$B/regression.log" 2>&1; then
      echo "fuzz_$h: REGRESSION $r (see $B/regression.log)"; status=1
    fi
  done
  log=$B/fuzz_$h.log
  if nice $B/tests/fuzz/fuzz_$h -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix=$B/findings/$h- $B/corpus/$h >"$log" 2>&1; then
    echo "fuzz_$h: $(grep -oE 'Done [0-9]+ runs' "$log" | tail -1 | cut -d' ' -f2) executions in ${SECONDS_EACH} s, no finding"
  else
    echo "fuzz_$h: FINDING (see $log, reproducer in $B/findings/)"; status=1
    grep -m3 -E "ERROR|runtime error" "$log" || true
  fi
done
exit $status
