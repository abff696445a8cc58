#!/usr/bin/python3
"""Builds the archive fixtures of test_archive.cpp in OUTDIR at test time (nothing binary is
committed): a war with nested jars, a tarball of lockfiles, a wheel, an npm tarball, a .deb
(ar + control.tar.gz), a zip bomb (2047 MiB of zeros declared as 1000 bytes), a path-traversal
tar, a too-deep zip nesting, a many-member tar and a file that is no archive."""
import io, json, os, struct, sys, tarfile, zipfile, zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()

def tar_bytes(members, mode="w:gz"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()

def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

manifest = b"Manifest-Version: 1.0\r\nImplementation-Title: plain-lib\r\nImplementation-Version: 2.0.1\r\n\r\n"
guava = zip_bytes([
    ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\n\r\n"),
    ("META-INF/maven/com.google.guava/guava/pom.properties",
     b"#Created by Apache Maven\nversion=32.1.2-jre\ngroupId=com.google.guava\nartifactId=guava\n"),
    ("META-INF/maven/com.google.guava/guava/pom.xml", b"<project/>"),
    ("com/google/common/base/Optional.class", b"\xca\xfe\xba\xbe"),
])
plain = zip_bytes([("META-INF/MANIFEST.MF", manifest)])
shaded = zip_bytes([
    ("META-INF/maven/org.acme/shaded/pom.properties", b"groupId=org.acme\nartifactId=shaded\nversion=1.0\n"),
    ("META-INF/maven/org.slf4j/slf4j-api/pom.properties", b"groupId=org.slf4j\nartifactId=slf4j-api\nversion=2.0.9\n"),
])
write("guava-32.1.2-jre.jar", guava)
write("app.war", zip_bytes([
    ("WEB-INF/web.xml", b"<web-app/>"),
    ("WEB-INF/lib/guava-32.1.2-jre.jar", guava),
    ("WEB-INF/lib/plain.jar", plain),
    ("WEB-INF/lib/shaded-1.0.jar", shaded),
    ("WEB-INF/lib/unknown.jar", zip_bytes([("x.txt", b"x")])),
]))

cargo_lock = b'''version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["itoa"]

[[package]]
name = "itoa"
version = "1.0.9"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "af150ab688ff2122fcef229be89cb50dd66af9e01a4ff320cc137eecc9bacc38"
'''
write("src.tar.gz", tar_bytes([
    ("proj/Cargo.toml", b'[package]\nname = "app"\nversion = "0.1.0"\n'),
    ("proj/Cargo.lock", cargo_lock),
    ("proj/go.mod", b"module example.com/m\n\nrequire golang.org/x/text v0.14.0\n"),
    ("proj/go.sum", b"golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n"),
]))
write("src.tar.xz", tar_bytes([("proj/go.mod", b"module example.com/m\n\nrequire golang.org/x/text v0.14.0\n")], "w:xz"))

write("demo-1.0-py3-none-any.whl", zip_bytes([
    ("demo/__init__.py", b""),
    ("demo-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nLicense: MIT\n\nlong description\n"),
    ("demo-1.0.dist-info/RECORD", b"demo/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n"),
]))
write("x-1.2.3.tgz", tar_bytes([
    ("package/package.json", json.dumps({"name": "@scope/x", "version": "1.2.3", "license": "MIT"}).encode()),
    ("package/index.js", b"module.exports = 1\n"),
]))

def ar(members):
    data = b"!<arch>\n"
    for name, body in members:
        hdr = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(body):<10}`\n".encode()
        data += hdr + body + (b"\n" if len(body) % 2 else b"")
    return data
control = b"Package: hello\nVersion: 2.10-3\nArchitecture: amd64\nMaintainer: X <x@example.org>\nDepends: libc6 (>= 2.34)\nDescription: hi\n"
write("hello_2.10-3_amd64.deb", ar([
    ("debian-binary", b"2.0\n"),
    ("control.tar.gz", tar_bytes([("./control", control), ("./md5sums", b"")])),
    ("data.tar.gz", tar_bytes([("./usr/bin/hello", b"\x7fELF")])),
]))

# Zip bomb: one member "go.mod", 2047 MiB of zeros as raw deflate, headers declaring 1000 bytes.
# The deflate stream repeats one fully flushed 1 MiB block (a valid stream, built in < 1 s).
z = bytes(1 << 20)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
block = c.compress(z) + c.flush(zlib.Z_FULL_FLUSH)
stream = block * 2047 + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
name = b"go.mod"
crc, declared = 0x12345678, 1000
local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), declared, len(name), 0) + name
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(stream), declared,
                      len(name), 0, 0, 0, 0, 0, 0) + name
eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(stream), 0)
write("bomb.zip", local + stream + central + eocd)

# Path traversal and control bytes in member names.
write("traversal.tar", tar_bytes([
    ("../../evil/Cargo.lock", cargo_lock),
    ("/abs/dir/go.mod", b"module a\n\nrequire example.com/b v1.0.0\n"),
    ("ok/go\x01.mod", b"x"),
], "w"))

# Nesting deeper than the limit: l0.zip > l1.zip > ... > l6.zip > go.mod
inner = zip_bytes([("go.mod", b"module deep\n\nrequire example.com/deep v1.0.0\n")])
for i in range(6, 0, -1):
    inner = zip_bytes([(f"l{i}.zip", inner)])
write("deep.zip", inner)

write("many.tar", tar_bytes([(f"f{i}.txt", b"x") for i in range(50)], "w"))
write("not-an-archive.zip", b"this is plain text, not a zip\n" * 10)
write("truncated.tar.gz", tar_bytes([("proj/go.mod", b"module t\n" + b"x" * 5000)])[:60])
