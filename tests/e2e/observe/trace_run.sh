# hallmark run --trace: same stdout, stderr and exit status as untraced; the record gains a
# trace section with processes, files, materials/products, toolchain; argv secrets redacted.
# meson runs it twice: TRACE_READS unset (auto: fanotify for read-only opens where permitted)
# and TRACE_READS=ptrace (a stop for every open).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
reads=${TRACE_READS:-auto}

mkdir ws && cd ws
printf 'alpha\nbeta\n' >in.txt
script='cat in.txt | tr a-z A-Z >up.txt; echo out; echo err >&2; cat missing.txt 2>/dev/null; mv up.txt final.txt; exit 3'
rc_plain=0
"$HM" run -q --step plain -- sh -c "$script" >plain.out 2>plain.err || rc_plain=$?
rm final.txt
rc_traced=0
"$HM" run -q --trace --trace-reads "$reads" --step traced -- sh -c "$script" >traced.out 2>traced.err || rc_traced=$?
expect_eq "$rc_plain" 3 "untraced exit status"
expect_eq "$rc_traced" 3 "traced exit status"
cmp plain.out traced.out || fail "stdout differs traced vs untraced"
cmp plain.err traced.err || fail "stderr differs traced vs untraced"

rec=$(ls .hallmark/*/*traced*.json)
expect_eq "$(jget "$rec" '"trace" in j')" True "trace section present"
expect_eq "$(jget "$rec" '{p["exe"].rsplit("/",1)[-1] for p in j["trace"]["processes"]} >= {"cat","tr","mv"}')" True "cat, tr, mv traced"
expect_eq "$(jget "$rec" '[f["ops"] for f in j["trace"]["files"] if f["path"]=="in.txt"][0]')" "['read']" "in.txt read"
expect_eq "$(jget "$rec" '"final.txt" in [e["path"] for e in j["trace"]["products"]]')" True "renamed product"
expect_eq "$(jget "$rec" '"up.txt" in [e["path"] for e in j["trace"]["products"]]')" False "temp name is no product"
expect_eq "$(jget "$rec" '"in.txt" in [e["path"] for e in j["trace"]["materials"]]')" True "material"
expect_eq "$(jget "$rec" '"missing.txt" in [f["path"] for f in j["trace"]["files"]]')" False "failed open not listed"
if [ "$reads" = ptrace ] || [ "$(id -u)" != 0 ]; then
  expect_eq "$(jget "$rec" 'j["trace"]["summary"]["read_opens"]')" ptrace "reads seen by ptrace"
  expect_eq "$(jget "$rec" 'j["trace"]["summary"]["failed_opens"] >= 1')" True "failed open counted"
else
  expect_eq "$(jget "$rec" 'j["trace"]["summary"]["read_opens"]')" fanotify "reads seen by fanotify"
  expect_eq "$(jget "$rec" 'j["trace"]["summary"]["reads_lost"]')" 0 "no read lost"
fi
expect_eq "$(jget "$rec" 'all(len(e["digests"]["sha256"])==64 for e in j["trace"]["toolchain"])')" True "toolchain hashed"
expect_eq "$(jget "$rec" 'any(e["path"].endswith("/cat") for e in j["trace"]["toolchain"])')" True "cat in toolchain"
pass "traced run matches untraced and is recorded"

# A secret in a child's argv never reaches the record.
tok=ghp_$(printf 'A%.0s' $(seq 36))
"$HM" run -q --trace --trace-reads "$reads" --step secret -- sh -c "echo --token=$tok >/dev/null; /bin/echo $tok >/dev/null"
if grep -rqF "$tok" .hallmark; then fail "token leaked into the record dir"; fi
pass "argv of traced processes redacted"
