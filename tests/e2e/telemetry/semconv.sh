# OpenTelemetry semantic conventions 1.44.0, as the strict otlp-sink decodes what hallmark sends
# (issue 22): entity attributes (cicd.pipeline.run, cicd.worker, vcs.repository, vcs.ref) on the
# Resource, one Resource for the whole run (the event log's chain fields on each line's first span
# or log record instead), the required cicd.pipeline.task.run.url.full (the step record's file://
# URL outside CI, the run's page in CI), the worker from the CI runner and never the workflow, the
# https repository URL of an scp-style remote with credentials dropped, a process that exec'd
# into another program without error, a signal-killed process as 128+N with the signal in
# error.type, and file.path as a full path in a failed verification.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/telemetry/sink.sh"
skip_unless_traceable
start_sink A
"$HM" keygen -o k >/dev/null
mkdir ws && cd ws
git init -q . && echo hi > a.txt && git add a.txt
git -c user.name=t -c user.email=t@example.com commit -qm one
git remote add origin git@github.com:Acme/Sample.git
export OTEL_EXPORTER_OTLP_ENDPOINT=$SINK_A_URL
# sh -c 'exec true' replaces the shell's program; the inner shell kills itself with SIGKILL.
"$HM" run -q --trace --telemetry-detail processes --step build -- \
  sh -c 'sh -c "exec /bin/true"; sh -c "kill -9 \$\$"; (cd / && /bin/echo elsewhere >/dev/null); echo built > app.bin' || fail "the step succeeds"
"$HM" attest -q --key ../k.key --subject app.bin >/dev/null
# A failed verification of a path given relative: its file.path is the full path.
echo other > other.bin
rc=0; "$HM" verify --artifact other.bin --key ../k.pub --provenance app.bin.intoto.jsonl >../verify.txt 2>&1 || rc=$?
expect_eq "$rc" 1 "verify of another file fails"
"$HM" telemetry flush -q >/dev/null 2>&1 || true
"$HM" telemetry verify -q .hallmark/events.otlp.jsonl || fail "the event log's chain must verify"
STEP_FILE=$(find "$PWD/.hallmark" -path "*steps/*.json" | head -1)
cd ..

# In GitHub Actions: the worker is the runner (RUNNER_NAME), not the workflow ref.
mkdir gh && cd gh
env GITHUB_ACTIONS=true GITHUB_RUN_ID=77 GITHUB_RUN_ATTEMPT=1 GITHUB_REPOSITORY=Acme/Sample \
    GITHUB_SERVER_URL=https://github.com GITHUB_WORKFLOW=release RUNNER_NAME=runner-7 \
    GITHUB_WORKFLOW_REF=Acme/Sample/.github/workflows/release.yml@refs/heads/main \
    GITHUB_REF=refs/heads/main GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 \
    "$HM" run -q --step gh-build -- true || fail "github step"
cd ..

$PY - "$SINK_A_OUT" "$PWD/ws" "$HALLMARK_SRC/docs/telemetry.md" <<'PYEOF' || fail "semantic conventions"
import json, sys
sink, ws = sys.argv[1:3]
spans, logs, resources = [], [], {}
for line in open(sink):
    j = json.loads(line)
    assert "error" not in j and "refused" not in j, j
    r = j["request"]
    for field, scopes, items in (("resourceSpans", "scopeSpans", "spans"), ("resourceLogs", "scopeLogs", "logRecords"),
                                 ("resourceMetrics", "scopeMetrics", "metrics")):
        for rr in r.get(field, []):
            res = {a["key"]: a["value"] for a in rr["resource"]["attributes"]}
            assert not any(k.startswith("hallmark.chain.") for k in res), res
            resources.setdefault(res["cicd.pipeline.run.id"]["stringValue"], set()).add(json.dumps(res, sort_keys=True))
            for s in rr[scopes]:
                for x in s.get(items, []):
                    (spans if field == "resourceSpans" else logs if field == "resourceLogs" else []).append((x, res))
def attrs(x):
    return {a["key"]: a["value"] for a in x.get("attributes", [])}
def sv(d, k):
    return d.get(k, {}).get("stringValue")
# Two runs (the workspace and the GitHub one): one Resource each, whatever the line.
assert len(resources) == 2, resources.keys()
for run, rs in resources.items():
    assert len(rs) == 1, f"run {run}: {len(rs)} resources:\n" + "\n".join(rs)

step, res = next((s, r) for s, r in spans if s["name"] == "build")
a = attrs(step)
assert sv(res, "vcs.repository.url.full") == "https://github.com/Acme/Sample", res
assert sv(res, "vcs.repository.name") == "Sample", res
assert sv(res, "vcs.ref.type") == "branch" and sv(res, "vcs.ref.head.revision"), res
assert sv(res, "cicd.worker.id") and sv(res, "cicd.worker.name"), res
for k in ("cicd.worker.id", "vcs.repository.url.full", "cicd.pipeline.run.id"):
    assert k not in a, f"{k} on the span, not the resource"
url = sv(a, "cicd.pipeline.task.run.url.full")
assert url and url.startswith("file://" + ws + "/.hallmark/") and url.endswith(".json"), url
for k in ("cicd.pipeline.task.name", "cicd.pipeline.task.run.id", "cicd.pipeline.task.run.result"):
    assert k in a, k

procs = [(s, attrs(s)) for s, _ in spans if s.get("parentSpanId") and s["name"] not in ("build", "gh-build") and not s["name"].startswith("RUN")]
by_args = {}
for s, pa in procs:
    args = [v["stringValue"] for v in pa.get("process.command_args", {}).get("arrayValue", {}).get("values", [])]
    by_args.setdefault(" ".join(args), []).append((s, pa))
execd = by_args.get('sh -c exec /bin/true')
assert execd, sorted(by_args)
s, pa = execd[0]
assert "error.type" not in pa and s.get("status", {}).get("code", 0) == 0, (s, pa)
assert "process.exit.code" not in pa, pa
true_after_exec = by_args.get('/bin/true')
assert true_after_exec and attrs(true_after_exec[0][0])["process.exit.code"]["intValue"] in ("0", 0), true_after_exec
killed = by_args.get('sh -c kill -9 $$')
assert killed, sorted(by_args)
s, pa = killed[0]
assert pa["process.exit.code"]["intValue"] in ("137", 137), pa
assert sv(pa, "error.type") == "SIGKILL" and s["status"]["code"] == 2, (s, pa)

failed = [attrs(l) for l, _ in logs if l.get("eventName") == "hallmark.verification.failed"]
assert failed and sv(failed[0], "file.path") == ws + "/other.bin", failed

gh, ghres = next((s, r) for s, r in spans if s["name"] == "gh-build")
assert sv(ghres, "cicd.worker.id") == "runner-7" and sv(ghres, "cicd.worker.name") == "runner-7", ghres
assert sv(ghres, "cicd.pipeline.name") == "release", ghres
assert sv(ghres, "cicd.pipeline.run.url.full") == "https://github.com/Acme/Sample/actions/runs/77/attempts/1", ghres
assert sv(attrs(gh), "cicd.pipeline.task.run.url.full") == "https://github.com/Acme/Sample/actions/runs/77/attempts/1"
assert sv(ghres, "vcs.repository.url.full") == "https://github.com/Acme/Sample", ghres
print("semconv 1.44.0: entities on one resource per run, task URL, worker, exec, signal, file.path")

# Every attribute docs/telemetry.md lists for the run span, the step span, process spans and the
# Resource is in this output (error.type only comes with a failure, which the sections above check).
import re
doc = open(sys.argv[3]).read()
def documented(heading):
    start = doc.index(heading)
    section = doc[start:doc.find("\n#", start + len(heading))]
    keys = set()
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        for tok in re.findall(r"`([a-z_]+(?:\.[a-z_]+)+(?:/\.[a-z_]+)*)`", row.split("|")[1]):
            parts = tok.split("/")
            keys.add(parts[0])
            for p in parts[1:]:
                keys.add(parts[0].rsplit(".", 1)[0] + p)
    return keys
seen = {"run": set(), "step": set(), "process": set(), "resource": set()}
for s, res in spans:
    kind = "run" if s["name"].startswith("RUN") else "step" if s["name"] in ("build", "gh-build") else "process"
    seen[kind] |= set(attrs(s))
    seen["resource"] |= set(res)
missing = []
for heading, kind in (("### Run span", "run"), ("### Step span", "step"), ("### Process spans", "process"),
                      ("## Resource", "resource")):
    want = documented(heading)
    assert want, heading
    missing += [f"{kind}: {k}" for k in sorted(want - seen[kind] - {"error.type"})]
assert not missing, "documented but not emitted:\n  " + "\n  ".join(missing)
print("every documented span and resource attribute is emitted")
PYEOF
[ -n "$STEP_FILE" ] || fail "no step record"
pass "OpenTelemetry semantic conventions 1.44.0"
