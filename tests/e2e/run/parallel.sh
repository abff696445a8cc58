# Eight `hallmark run` processes in one workspace: every record lands, none is torn.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
mkdir -p src && for i in $(seq 50); do echo "$i" >src/f$i; done
pids=()
for i in $(seq 8); do
  "$HM" run -q --step "s$i" --products "out$i" -- sh -c "mkdir -p out$i && echo $i >out$i/r && sleep 0.2" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a parallel step failed"; done
"$HM" steps --json >steps.json
expect_eq "$(jget steps.json 'sorted(s["name"] for s in j["steps"])')" \
  "['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']" "all eight steps recorded"
expect_eq "$(jget steps.json 'len(set(s["products"] for s in j["steps"]))')" 1 "each step sees its own product"
expect_eq "$(ls .hallmark/steps | grep -c tmp || true)" 0 "no temp files left"
expect_eq "$(jget .hallmark/run.json 'j["closed"]')" False "one open run"
pass "parallel steps"
