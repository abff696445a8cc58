#!/usr/bin/env bash
# Keyless verification of one SLSA provenance bundle (the conformance suite's
# happy-path-intoto-in-dsse-v3: SLSA v1 in DSSE, Fulcio certificate, Rekor v1 entry with SET,
# inclusion proof and checkpoint) against the shipped public-good trusted root, offline:
# `hallmark verify` versus the peer ../shared/peers/verify-keyless.mjs (sigstore-js), the same
# bundle, artifact, trusted root and identity. Each is a whole process run (what a CI step
# pays). Prints medians of RUNS alternating runs and the ratio; the targets are >= 5x and
# <= 20 ms for hallmark.
#   bench/bench_verify_keyless.sh [BUILD_DIR] [RUNS]    (defaults: build, 21)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
RUNS=${2:-21}
HM=$BUILD/hallmark
SHARED=${HALLMARK_SHARED:-$SRC/../shared}
CASE=$SHARED/conformance/sigstore/bundle-verify/happy-path-intoto-in-dsse-v3
ARTIFACT=$SHARED/conformance/sigstore/bundle-verify/a.txt
ROOT=$SRC/data/sigstore/trusted_root.json
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com
[ -x "$HM" ] || { echo "build hallmark first: ninja -C $BUILD" >&2; exit 2; }
command -v node >/dev/null || { echo "node missing: run ../shared/peers/setup" >&2; exit 2; }

hallmark() { "$HM" verify --artifact "$ARTIFACT" --provenance "$CASE/bundle.sigstore.json" --trusted-root "$ROOT" \
  --certificate-identity "$ID" --certificate-oidc-issuer "$ISS" >/dev/null; }
peer() { node "$SHARED/peers/verify-keyless.mjs" --bundle "$CASE/bundle.sigstore.json" --trusted-root "$ROOT" \
  --identity "$ID" --issuer "$ISS" "$ARTIFACT" >/dev/null; }
hallmark || { echo "hallmark does not verify the bundle" >&2; exit 1; }
peer || { echo "the peer does not verify the bundle" >&2; exit 1; }

# Wall time and CPU time (user + system, from rusage) per run: on a loaded machine the wall
# time is mostly waiting for a CPU, the CPU time is what the verifier itself costs.
export HM ARTIFACT CASE ROOT ID ISS SHARED
/usr/bin/python3 - "$RUNS" "$(basename "$CASE")" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, case = int(sys.argv[1]), sys.argv[2]
e = os.environ
cmds = {
    "hallmark": [e["HM"], "verify", "--artifact", e["ARTIFACT"], "--provenance", e["CASE"] + "/bundle.sigstore.json",
                 "--trusted-root", e["ROOT"], "--certificate-identity", e["ID"], "--certificate-oidc-issuer", e["ISS"]],
    "startup": [e["HM"], "--version"],
    "peer": ["node", e["SHARED"] + "/peers/verify-keyless.mjs", "--bundle", e["CASE"] + "/bundle.sigstore.json",
             "--trusted-root", e["ROOT"], "--identity", e["ID"], "--issuer", e["ISS"], e["ARTIFACT"]],
}
def one(fn):
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(cmds[fn], check=True, stdout=subprocess.DEVNULL)
    r1, t1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    return (t1 - t0) * 1000, (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000
res = {"hallmark": [], "peer": [], "startup": []}
for r in range(runs):
    order = ["hallmark", "peer", "startup"] if r % 2 else ["peer", "startup", "hallmark"]
    for fn in order:
        res[fn].append(one(fn))
med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in res.items()}
print(f"keyless verify of {case}, {runs} runs each")
print(f"hallmark verify:     wall median {med['hallmark'][0]:.1f} ms, CPU median {med['hallmark'][1]:.1f} ms")
print(f"  of which startup:  wall median {med['startup'][0]:.1f} ms, CPU median {med['startup'][1]:.1f} ms (hallmark --version)")
print(f"verify-keyless.mjs:  wall median {med['peer'][0]:.1f} ms, CPU median {med['peer'][1]:.1f} ms")
print(f"ratio peer/hallmark: wall {med['peer'][0] / med['hallmark'][0]:.1f}x, CPU {med['peer'][1] / med['hallmark'][1]:.1f}x "
      "(targets: >= 5x, hallmark <= 20 ms)")
PY
