#!/usr/bin/env bash
# The evidence store at scale (issue 16): RUNS pipeline runs, each one artifact with COMPONENTS
# components (RUNS x COMPONENTS component rows), generated here as one CycloneDX SBOM and one
# (unsigned) provenance per run.
#   - ingest into SQLite with `hallmark store ingest` (CycloneDX schema validation included),
#     beside the peer: sqlite3's own `.import` of the same (purl, artifact) rows into a bare table;
#   - `query component` p50/p99 on SQLite and on a throwaway PostgreSQL server: the query
#     itself (store-query-bench: query_component() in one process), and the CLI's wall time
#     (QUERIES runs, process start included) beside the wall time of `hallmark --version`;
#   - SQLite bytes per component row (the whole file after a WAL checkpoint / rows).
# Targets (issue 16, at 10,000 x 500): ingest >= 50,000 rows/s, p50 <= 20 ms, p99 <= 100 ms in
# both stores, <= 150 B/row. Exit 1 when a target is missed.
#
# usage: bench/bench_store.sh [BUILD_DIR]   env: RUNS=10000 COMPONENTS=500 NAMES=5000 QUERIES=200
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
HM=$BUILD/hallmark
QB=$BUILD/bench/store-query-bench
RUNS=${RUNS:-10000}
COMPONENTS=${COMPONENTS:-500}
NAMES=${NAMES:-5000}       # distinct package names; each has 10 versions
QUERIES=${QUERIES:-200}
[ -x "$HM" ] && [ -x "$QB" ] || { echo "bench: build hallmark first ($HM, $QB)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 missing (scripts/deps.sh)" >&2; exit 2; }
T=$(mktemp -d /tmp/hallmark-bench-store.XXXXXX)
_cleanup=()
on_exit() { _cleanup+=("$1"); }
trap 'for f in "${_cleanup[@]+"${_cleanup[@]}"}"; do eval "$f" || true; done; rm -rf "$T"' EXIT
fail() { echo "bench: $*" >&2; exit 2; }
source "$SRC/tests/e2e/store/pg_lib.sh"
now_ns() { now=$(( 10#${EPOCHREALTIME/./} * 1000 )); }
export HALLMARK_STORE=off XDG_DATA_HOME=$T/xdg

echo "generating $RUNS runs x $COMPONENTS components ..." >&2
/usr/bin/python3 - "$T" "$RUNS" "$COMPONENTS" "$NAMES" <<'PY'
import base64, hashlib, json, os, random, sys
out, runs, comps, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
random.seed(16)
os.makedirs(f"{out}/in", exist_ok=True)
csv = open(f"{out}/rows.csv", "w")
for r in range(runs):
    sha = hashlib.sha256(b"artifact %d" % r).hexdigest()
    name = f"dist/app-{r}.tgz"
    purls = [f"pkg:npm/p{i}@1.{random.randrange(10)}" for i in random.sample(range(names), comps)]
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "file", "name": name, "hashes": [{"alg": "SHA-256", "content": sha}]}},
           "components": [{"type": "library", "name": p.split("/")[1].split("@")[0], "version": p.split("@")[1], "purl": p} for p in purls]}
    d = f"{out}/in/{r // 1000}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/r{r}.cdx.json", "w") as f: json.dump(bom, f)
    st = {"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": name, "digest": {"sha256": sha}}],
          "predicateType": "https://slsa.dev/provenance/v1",
          "predicate": {"buildDefinition": {"buildType": "https://hallmark.dev/buildtypes/pipeline/v1",
                                            "externalParameters": {"pipeline": f"pipe-{r % 20}"},
                                            "resolvedDependencies": [{"uri": "git+https://example.com/app.git",
                                                                      "digest": {"gitCommit": hashlib.sha1(b"%d" % r).hexdigest()}}]},
                        "runDetails": {"builder": {"id": "https://ci.example.com/runner"},
                                       "metadata": {"invocationId": f"hallmark:run/run-{r:06d}",
                                                    "startedOn": f"2026-11-{1 + r % 28:02d}T10:00:00.000Z"}}}}
    env = {"payloadType": "application/vnd.in-toto+json", "payload": base64.b64encode(json.dumps(st).encode()).decode(),
           "signatures": [{"keyid": "bench", "sig": base64.b64encode(b"not checked: no --key").decode()}]}
    with open(f"{d}/r{r}.intoto.jsonl", "w") as f: f.write(json.dumps(env) + "\n")
    for p in purls: csv.write(f"{p},{sha}\n")
PY
ROWS=$((RUNS * COMPONENTS))

# ingest: one `store ingest` (one transaction) per 1,000 runs.
ingest_all() {
  local store=$1 d
  for d in "$T"/in/*; do "$HM" store ingest -q --store "$store" "$d"/*.cdx.json "$d"/*.intoto.jsonl; done
}
DB=$T/evidence.db
TIMEFORMAT='%U %S'
now_ns; t0=$now
{ time ingest_all "sqlite://$DB"; } 2>"$T/cpu"
now_ns; hm_ns=$((now - t0))
read -r cpu_u cpu_s <"$T/cpu"
cpu_ns=$(echo "($cpu_u + $cpu_s) * 1000000000 / 1" | bc)
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
now_ns; t0=$now
sqlite3 "$T/peer.db" 'PRAGMA journal_mode=WAL;' 'CREATE TABLE rows (purl TEXT, sha256 TEXT);' '.import --csv '"$T/rows.csv"' rows' >/dev/null
now_ns; peer_ns=$((now - t0))
got=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM subject_components')
[ "$got" = "$ROWS" ] || fail "SQLite holds $got component rows, expected $ROWS"
bytes=$(stat -c %s "$DB")

# query component: random exact purls and whole-package globs.
queries() {
  /usr/bin/python3 -c "
import random; random.seed(7)
for i in range($QUERIES):
    n = random.randrange($NAMES)
    print(f'pkg:npm/p{n}@1.{random.randrange(10)}' if i % 2 else f'pkg:npm/p{n}@*')"
}
cli_percentiles() {  # CMD... -> "p50 p99" of QUERIES runs, ms
  local times=() q
  while read -r q; do
    now_ns; t0=$now
    "$@" "$q" >/dev/null
    now_ns; times+=($((now - t0)))
  done < <(queries)
  printf '%s\n' "${times[@]}" | /usr/bin/python3 -c "
import sys; t = sorted(int(x) for x in sys.stdin)
pick = lambda p: t[min(len(t) - 1, int(p * len(t)))] / 1e6
print(f'{pick(0.50):.1f} {pick(0.99):.1f}')"
}
version() { "$HM" --version; }
read -r start50 start99 < <(cli_percentiles version)
read -r sq50 sq99 sqrows < <(queries | "$QB" "sqlite://$DB")
read -r sqc50 sqc99 < <(cli_percentiles "$HM" query component --store "sqlite://$DB")

start_pg
now_ns; t0=$now
ingest_all "$PG_URL"
now_ns; pg_ns=$((now - t0))
# A shared server's autovacuum analyzes new tables within a minute; the bench does not wait.
as_pg "$PG_BIN/psql" -q -h "$PG_DIR" -U postgres evidence -c ANALYZE
read -r pg50 pg99 pgrows < <(queries | "$QB" "$PG_URL")
read -r pgc50 pgc99 < <(cli_percentiles "$HM" query component --store "$PG_URL")

rate() { echo $(( $1 * 1000000000 / $2 )); }
hm_rate=$(rate $ROWS $hm_ns); cpu_rate=$(rate $ROWS $cpu_ns); peer_rate=$(rate $ROWS $peer_ns); pg_rate=$(rate $ROWS $pg_ns)
per_row=$((bytes / ROWS))
echo "evidence store at $RUNS runs x $COMPONENTS components = $ROWS component rows (load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "| measure | hallmark | peer / target |"
echo "|---|---:|---:|"
echo "| SQLite ingest, component rows/s of wall time (schema validation included) | $hm_rate | sqlite3 .import: $peer_rate (hallmark/peer $(echo "scale=3; $hm_rate / $peer_rate" | bc)); target >= 50000 |"
echo "| SQLite ingest, component rows per CPU second (user+sys) | $cpu_rate | - |"
echo "| PostgreSQL ingest, component rows/s | $pg_rate | - |"
echo "| query component, SQLite p50 / p99 ms ($sqrows rows/query) | $sq50 / $sq99 | <= 20 / <= 100 |"
echo "| query component, PostgreSQL p50 / p99 ms ($pgrows rows/query) | $pg50 / $pg99 | <= 20 / <= 100 |"
echo "| the CLI: hallmark query component, SQLite p50 / p99 ms | $sqc50 / $sqc99 | hallmark --version: $start50 / $start99 |"
echo "| the CLI: hallmark query component, PostgreSQL p50 / p99 ms | $pgc50 / $pgc99 | hallmark --version: $start50 / $start99 |"
echo "| SQLite bytes per component row | $per_row | <= 150 |"
missed=0
[ "$hm_rate" -ge 50000 ] || missed=1
[ "$per_row" -le 150 ] || missed=1
for v in "$sq50:20" "$pg50:20" "$sq99:100" "$pg99:100"; do
  [ "$(echo "${v%%:*} <= ${v##*:}" | bc)" = 1 ] || missed=1
done
[ "$missed" = 0 ] || { echo "bench: a target was missed" >&2; exit 1; }
