# Replays the shape of the 2025 npm worm / tj-actions incidents: a step whose install script,
# after 20 identical clean runs (0 anomalies), also connects to a new (loopback) address and
# runs a binary it dropped in a temp dir. Both are flagged on stderr, in the step record and as
# WARN OTLP log events; --fail-on-anomaly turns them into exit 125 after the command finished.
source "$(dirname "$0")/../lib.sh"
skip_unless_traceable
export HALLMARK_STORE="sqlite://$T/evidence.db"
mkdir ws && cd ws
echo '{"name":"app","version":"1.0.0"}' > package.json
cat > install.sh <<'SH'
#!/bin/sh
cat package.json > /dev/null
ls > /dev/null
d=$(mktemp -d)
cp /bin/true "$d/tool"
bash -c 'true'
if [ -f evil ]; then
  cp /bin/true "$d/payload"
  "$d/payload"
  bash -c 'exec 3<>/dev/tcp/127.0.0.2/8443' 2>/dev/null || true
fi
rm -rf "$d"
echo installed
SH
chmod +x install.sh
step() { "$HM" run --trace --step install --materials package.json --products package.json -- ./install.sh; }

step > out0 2> err0 || fail "first run failed"
expect_contains err0 "no baseline yet for step 'install': this run starts it"
expect_not_contains err0 "anomaly:"
for i in $(seq 1 20); do
  step > out 2> "err$i" || fail "clean run $i failed"
  if grep -q "anomaly" "err$i"; then cat "err$i" >&2; fail "clean rerun $i raised an anomaly"; fi
  expect_not_contains "err$i" "no baseline"
done
n=$($PY - .hallmark/steps <<'PY'
import json, os, sys
print(sum(len(json.load(open(os.path.join(sys.argv[1], f))).get("anomalies", [])) for f in os.listdir(sys.argv[1])))
PY
)
expect_eq "$n" 0 "anomalies in 21 clean step records"
pass "21 identical runs: no baseline once, then 0 anomalies"

"$HM" baseline show > show.out
expect_contains show.out "install"
"$HM" baseline show --step install > values.out
expect_contains values.out "/usr/bin/cat"

touch evil
# Failing on it: exit 125 after the command ran, its output untouched; such a run does not
# join the baseline.
rc=0
"$HM" run --trace --fail-on-anomaly egress,exec --step install --materials package.json \
  --products package.json -- ./install.sh > out 2> err || rc=$?
expect_eq "$rc" 125 "--fail-on-anomaly exit status"
expect_contains out "installed"
expect_contains err "anomaly: step install connected to 127.0.0.2:8443, not seen in 10 runs"
rc=0
"$HM" run --fail-on-anomaly dns -- true 2> err || rc=$?
expect_eq "$rc" 2 "unknown anomaly kind"
expect_contains err "unknown kind 'dns'"
pass "--fail-on-anomaly"

# Reported only (a kind that did not occur does not fail the step).
rc=0
"$HM" run --trace --fail-on-anomaly dependency --step install --materials package.json \
  --products package.json -- ./install.sh > out 2> err || rc=$?
expect_eq "$rc" 0 "the attacked step's own status is kept"
expect_contains out "installed"
expect_contains err "anomaly: step install connected to 127.0.0.2:8443, not seen in 10 runs"
expect_contains err 'anomaly: step install ran $TMPDIR/*/payload, not seen in 10 runs'
rec=$(ls -t .hallmark/steps/*install*.json | head -1)
kinds=$(jget "$rec" "sorted({a['kind'] for a in j['anomalies']})")
expect_eq "$kinds" "['egress', 'exec']" "anomaly kinds in the record"
expect_eq "$(jget "$rec" "[a['baseline_runs'] for a in j['anomalies']][0]")" 10 "baseline size in the record"
$PY - .hallmark/events.otlp.jsonl <<'PY' || fail "no WARN hallmark.anomaly.egress event"
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    for rl in d.get("resourceLogs", []):
        for sl in rl["scopeLogs"]:
            for r in sl["logRecords"]:
                if r.get("eventName") == "hallmark.anomaly.egress":
                    attrs = {a["key"]: a["value"] for a in r["attributes"]}
                    assert r["severityText"] == "WARN", r
                    assert attrs["hallmark.anomaly.value"]["stringValue"] == "127.0.0.2:8443", attrs
                    assert attrs["hallmark.baseline.runs"]["intValue"] in ("10", 10), attrs
                    sys.exit(0)
sys.exit(1)
PY
pass "new destination and dropped binary flagged (stderr, record, OTLP WARN)"
# A successful run that was only reported joins the baseline: said once, not on every run.
step > out 2> err
expect_not_contains err "anomaly"

rm evil
"$HM" baseline reset --step install > reset.out 2>&1
expect_contains reset.out "forgot"
step > out 2> err
expect_contains err "no baseline yet"
rc=$(status "$HM" baseline reset 2> err)
expect_eq "$rc" 2 "reset without a target"
# The store off: nothing compared, nothing said.
HALLMARK_STORE=off step > out 2> err
expect_not_contains err "baseline"
pass "baseline show/reset, store off"
