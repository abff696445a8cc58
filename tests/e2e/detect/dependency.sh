# A new dependency version in the lockfile is flagged as `dependency` (untraced steps too).
source "$(dirname "$0")/../lib.sh"
export HALLMARK_STORE="sqlite://$T/evidence.db"
mkdir ws && cd ws
lock() {
  cat > package-lock.json <<JSON
{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}},
   "node_modules/left-pad": {"version": "$1"}}}
JSON
}
lock 1.3.0
for i in 1 2 3; do "$HM" run --step install -- true 2> "err$i" || fail "run $i"; done
expect_contains err1 "no baseline yet"
expect_not_contains err3 "anomaly"
lock 1.3.1
"$HM" run --step install -- true 2> err || fail "run with the new lockfile"
expect_contains err "anomaly: step install has dependency pkg:npm/left-pad@1.3.1, not seen in 3 runs"
rec=$(ls -t .hallmark/steps/*install*.json | head -1)
expect_eq "$(jget "$rec" "[a['kind'] for a in j['anomalies']]")" "['dependency']" "anomaly kinds"
rc=$(status "$HM" run -q --fail-on-anomaly dependency --step install -- true 2> err)
# The version is in the baseline now (the last run was successful): nothing new.
expect_eq "$rc" 0 "a version seen once is in the baseline"
lock 1.4.0
rc=$(status "$HM" run -q --fail-on-anomaly dependency --step install -- true 2> err)
expect_eq "$rc" 125 "--fail-on-anomaly dependency"
expect_contains err "left-pad@1.4.0"
pass "new lockfile version flagged as dependency"
