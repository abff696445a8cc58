#!/usr/bin/env bash
# Container images (issue 15): three figures, each beside a named peer run in this script.
#  (a) `hallmark sbom --image oci:DIR` of a ~100 MB Debian image made here from the apt cache's
#      .debs (dpkg-deb -x, a real status file), against cdxgen 12.8.4 offline on the same image
#      (`docker save` form, made by skopeo); recall of the dpkg packages against dpkg-query.
#      Bars: cdxgen/hallmark >= 10, recall >= 99 %.
#  (b) peak RSS of `sbom --image` on a ~1 GB image (the Debian root plus large files in an
#      uncompressed layer), beside the image size. Bar: <= 128 MB.
#  (c) `verify --image` against docker-registry on 127.0.0.1 (one attestation pushed by attest
#      --push), median of RUNS, beside `skopeo inspect --raw` of the same attestation tag (one
#      manifest GET, the least a verifier must do). Bar: <= 100 ms.
# Needs umoci, skopeo, docker-registry (scripts/deps.sh) and cdxgen (../shared/peers/setup --cdxgen).
#
# usage: bench/bench_image.sh [BUILD_DIR] [RUNS]    (BIG_MB=1024 sets (b)'s size)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath "${1:-$SRC/build}")
RUNS=${2:-11}
BIG_MB=${BIG_MB:-1024}
HM=$BUILD/hallmark
PY=/usr/bin/python3
PEERS=${HALLMARK_PEERS:-$HOME/.cache/hallmark-peers}
CDXGEN=$PEERS/cdxgen/node_modules/.bin/cdxgen
[ -x "$HM" ] || { echo "bench: build hallmark first ($HM missing)" >&2; exit 2; }
T=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
cd "$T"
now_ns() { now=$(( 10#${EPOCHREALTIME/./} * 1000 )); }
ms() { echo "scale=1; $1 / 1000000" | bc; }
median() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }

# ---- the ~100 MB Debian image: .debs of the apt cache of 100 KB to 5 MB installed, in name
# order, up to ~100 MB (many packages, so recall means something)
mkdir -p root/var/lib/dpkg/info root/usr/lib root/etc
: >root/var/lib/dpkg/status
total=0
declare -A seen=()
for deb in /var/cache/apt/archives/*_amd64.deb /var/cache/apt/archives/*_all.deb; do
  size=$(dpkg-deb -f "$deb" Installed-Size 2>/dev/null || echo 0)
  { [ "$size" -ge 100 ] && [ "$size" -le 5000 ]; } || continue
  name=$(dpkg-deb -f "$deb" Package)
  [ -z "${seen[$name]:-}" ] || continue  # one version per package, as dpkg allows
  seen[$name]=1
  dpkg-deb -x "$deb" root 2>/dev/null || continue
  { dpkg-deb -f "$deb" | awk '/^Package:/ {print; print "Status: install ok installed"; next} 1'; echo; } >>root/var/lib/dpkg/status
  total=$((total + size))
  [ "$total" -ge 100000 ] && break
done
printf 'ID=debian\nVERSION_ID="12"\n' >root/usr/lib/os-release
ln -sf ../usr/lib/os-release root/etc/os-release
dpkg-query --admindir=root/var/lib/dpkg -W -f '${Package} ${Version}\n' 2>/dev/null | sort -u >truth.txt
umoci init --layout img >/dev/null
umoci new --image img:v1 >/dev/null
umoci unpack --rootless --image img:v1 bundle >/dev/null
cp -a root/. bundle/rootfs/
umoci repack --image img:v1 bundle >/dev/null
rm -rf bundle
img_mb=$(du -sm img | cut -f1)
echo "(a) image: $(wc -l <truth.txt) dpkg packages, $((total / 1024)) MB installed, $img_mb MB as an OCI layout"

times=()
for _ in $(seq "$RUNS"); do
  now_ns; t0=$now
  "$HM" sbom -q --image oci:img:v1 -o hm.json
  now_ns; t1=$now
  times+=($((t1 - t0)))
done
hm=$(printf '%s\n' "${times[@]}" | median)
recall() {  # BOM: share of truth's "name version" lines among the BOM's deb components
  $PY - "$1" truth.txt <<'PY'
import json, sys
bom = json.load(open(sys.argv[1]))
got = {(c.get("name"), c.get("version")) for c in bom.get("components", []) if c.get("purl", "").startswith("pkg:deb/")}
truth = [tuple(l.split(" ", 1)) for l in open(sys.argv[2]).read().splitlines() if l]
print("%.1f" % (100.0 * sum(1 for t in truth if t in got) / max(1, len(truth))))
PY
}
hm_recall=$(recall hm.json)
if [ -x "$CDXGEN" ]; then
  skopeo copy -q oci:img:v1 docker-archive:img.docker.tar:bench/img:v1
  now_ns; t0=$now
  unshare -n env FETCH_LICENSE=false GO_FETCH_VCS=false \
    "$CDXGEN" -t docker --no-install-deps --spec-version 1.6 -o cdx.json "$T/img.docker.tar" >cdx.log 2>&1 || true
  now_ns; t1=$now
  cdx=$((t1 - t0))
  cdx_recall=$([ -s cdx.json ] && recall cdx.json || echo "n/a")
  echo "(a) hallmark $(ms "$hm") ms (median of $RUNS), recall $hm_recall %; cdxgen $(ms "$cdx") ms, recall $cdx_recall %; cdxgen/hallmark $(echo "scale=1; $cdx / $hm" | bc)"
else
  echo "(a) hallmark $(ms "$hm") ms (median of $RUNS), recall $hm_recall %; cdxgen not installed (../shared/peers/setup --cdxgen)"
fi

# ---- (b) a ~1 GB image: the same root plus large incompressible files in an uncompressed layer
$PY - img "$BIG_MB" <<'PY'
import hashlib, io, json, os, sys, tarfile
layout, mb = sys.argv[1], int(sys.argv[2])
index = json.load(open(os.path.join(layout, "index.json")))
mdesc = index["manifests"][0]
blob = lambda d: os.path.join(layout, "blobs", "sha256", d.split(":")[1])
manifest = json.load(open(blob(mdesc["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))
class Rand(io.RawIOBase):  # incompressible, reproducible, streamed
    def __init__(self, n): self.left, self.h = n, hashlib.sha256(b"seed").digest()
    def readable(self): return True
    def readinto(self, b):
        n = min(len(b), self.left, 1 << 20)
        if n <= 0: return 0
        chunk = (self.h * ((n // 32) + 1))[:n]; self.h = hashlib.sha256(self.h).digest()
        b[:n] = chunk; self.left -= n; return n
tmp = os.path.join(layout, "big.tar")
with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as t:
    for i in range(mb // 64):
        ti = tarfile.TarInfo("srv/data/blob%03d.bin" % i); ti.size = 64 << 20
        t.addfile(ti, io.BufferedReader(Rand(ti.size)))
h = hashlib.sha256()
with open(tmp, "rb") as f:
    for c in iter(lambda: f.read(1 << 20), b""): h.update(c)
d = "sha256:" + h.hexdigest(); os.rename(tmp, blob(d))
manifest["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": os.path.getsize(blob(d))})
config["rootfs"]["diff_ids"].append(d)
def put(obj):
    b = json.dumps(obj).encode(); dd = "sha256:" + hashlib.sha256(b).hexdigest()
    open(blob(dd), "wb").write(b); return dd, len(b)
cd, cs = put(config); manifest["config"]["digest"], manifest["config"]["size"] = cd, cs
md, ms = put(manifest)
index["manifests"].append({"mediaType": mdesc["mediaType"], "digest": md, "size": ms,
                           "annotations": {"org.opencontainers.image.ref.name": "big"}})
json.dump(index, open(os.path.join(layout, "index.json"), "w"))
PY
big_mb=$(du -sm img | cut -f1)
rss=$( { /usr/bin/time -f '%M' "$HM" sbom -q --image oci:img:big -o big.json; } 2>&1 | tail -1)
echo "(b) peak RSS $((rss / 1024)) MB for sbom --image of a $big_mb MB image (bar <= 128 MB)"

# ---- (c) verify --image against a loopback registry
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir reg
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$T/reg" "$port" >reg.yml
docker-registry serve reg.yml >reg.log 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do $PY -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break; sleep 0.1; done
IMG=127.0.0.1:$port/bench/img:v1
skopeo copy -q --dest-tls-verify=false oci:img:v1 "docker://$IMG"
"$HM" keygen -q -o k >/dev/null
mkdir ws && (cd ws && "$HM" run -q --step build --no-telemetry -- sh -c 'echo built >out.txt' &&
  "$HM" attest -q --no-telemetry --key ../k.key --image "$IMG" --push)
digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$IMG")
vt=(); st=()
for _ in $(seq "$RUNS"); do
  now_ns; t0=$now
  "$HM" verify --image "$IMG" --key k.pub >/dev/null
  now_ns; t1=$now
  skopeo inspect --tls-verify=false --raw "docker://127.0.0.1:$port/bench/img:${digest/:/-}.att" >/dev/null
  now_ns; t2=$now
  vt+=($((t1 - t0))); st+=($((t2 - t1)))
done
v=$(printf '%s\n' "${vt[@]}" | median)
s=$(printf '%s\n' "${st[@]}" | median)
echo "(c) verify --image $(ms "$v") ms (median of $RUNS; bar <= 100 ms); skopeo inspect --raw of the .att tag $(ms "$s") ms; verify/skopeo $(echo "scale=2; $v / $s" | bc)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
