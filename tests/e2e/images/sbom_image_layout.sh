#!/usr/bin/env bash
# `hallmark sbom --image oci:DIR:TAG` of an image built from real Debian .debs: every package
# dpkg-query lists as installed is a deb component (and nothing else from dpkg), with the image
# as metadata.component (container, pkg:oci purl with the manifest digest, layer digests); a
# second layer deleting a package's status entry by whiteout is honoured; the Go binary's build
# info is read; oci-archive: and docker-archive: give the same packages.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lib.sh"
source "$HERE/image_lib.sh"

make_debian_root root
mkdir -p root/usr/local/bin && cp /usr/bin/umoci root/usr/local/bin/umoci
pack_layout root layout v1
dpkg_truth root >truth.txt
[ "$(wc -l <truth.txt)" -eq 5 ] || fail "expected 5 installed packages in the test root, got $(wc -l <truth.txt)"

"$HM" sbom --image oci:layout:v1 -o bom.json
jget bom.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["components"] if c["purl"].startswith("pkg:deb/")))' >got.txt
diff truth.txt got.txt || fail "deb components differ from dpkg-query's installed packages"
expect_eq "$(jget bom.json 'j["metadata"]["component"]["type"]')" container "metadata.component type"
digest=$($PY -c "import json;print(json.load(open('layout/index.json'))['manifests'][0]['digest'])")
purl=$(jget bom.json 'j["metadata"]["component"]["purl"]')
case "$purl" in "pkg:oci/layout@$digest?"*) ;; *) fail "image purl $purl does not carry $digest";; esac
layer=$($PY -c "import json;m=json.load(open('layout/blobs/sha256/'+'$digest'[7:]));print(m['layers'][0]['digest'])")
expect_eq "$(jget bom.json '[p["value"] for p in j["metadata"]["component"]["properties"] if p["name"]=="hallmark:oci.layer.000"][0]')" "$layer" "layer digest property"
loc=$(jget bom.json '[c for c in j["components"] if c["name"]=="mysql-common"][0]["evidence"]["occurrences"][0]["location"]')
expect_eq "$loc" "$layer!/var/lib/dpkg/status" "evidence names the layer and the path"
expect_eq "$(jget bom.json '[c["purl"] for c in j["components"] if c["name"]=="mysql-common"][0].split("&")[0]')" \
  "pkg:deb/debian/mysql-common@$(dpkg-deb -f /var/cache/apt/archives/mysql-common_*.deb Version | sed 's/+/%2B/g')?arch=all" "deb purl"
go=$(jget bom.json '[c["name"]+" "+[p["value"] for p in c["properties"] if p["name"]=="hallmark:go.toolchain"][0] for c in j["components"] if c["purl"].startswith("pkg:golang/")][0]')
expect_eq "$go" "github.com/opencontainers/umoci/cmd/umoci $(grep -ao 'go1\.[0-9.]*' /usr/bin/umoci | head -1)" "Go build info of the binary"

# A second layer: remove python3-iniconfig's files and replace the status without it; a whiteout.
umoci unpack --rootless --image layout:v1 bundle >/dev/null
$PY - bundle/rootfs/var/lib/dpkg/status <<'PY'
import sys
p = sys.argv[1]
paras = open(p).read().split("\n\n")
open(p, "w").write("\n\n".join(x for x in paras if not x.startswith("Package: python3-iniconfig")))
PY
rm -rf bundle/rootfs/usr/lib/python3/dist-packages/iniconfig*
umoci repack --image layout:v2 bundle
"$HM" sbom --image oci:layout:v2 -o bom2.json
grep -v python3-iniconfig truth.txt >truth2.txt
jget bom2.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["components"] if c["purl"].startswith("pkg:deb/")))' >got2.txt
diff truth2.txt got2.txt || fail "second layer (whiteouts, new status) not applied"
expect_not_contains bom2.json '"iniconfig"'

# The same image through the other transports.
tar -C layout -cf image.oci.tar .
"$HM" sbom --image oci-archive:image.oci.tar:v1 -o bom3.json
jget bom3.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["components"] if c["purl"].startswith("pkg:deb/")))' >got3.txt
diff truth.txt got3.txt || fail "oci-archive: differs"
if command -v skopeo >/dev/null; then
  skopeo copy -q oci:layout:v1 docker-archive:image.docker.tar:test/image:v1
  "$HM" sbom --image docker-archive:image.docker.tar -o bom4.json
  jget bom4.json '"\n".join(sorted(c["name"]+" "+c["version"] for c in j["components"] if c["purl"].startswith("pkg:deb/")))' >got4.txt
  diff truth.txt got4.txt || fail "docker-archive: differs"
fi
pass "sbom --image: dpkg packages match dpkg-query over oci, oci-archive and docker-archive; whiteouts; Go build info"
