# Issue 20 §2, §3 and issue 21 §6 (run span once) through the real binary: attest and verify
# fail closed, and the CLI takes one value per option.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"

export HALLMARK_KEY_PASSWORD=
unset OTEL_EXPORTER_OTLP_ENDPOINT OTEL_SDK_DISABLED || true
"$HM" keygen -q -o rel >/dev/null
K=$T/rel.key P=$T/rel.pub
sample_run
LOG=.hallmark/events.otlp.jsonl
run_spans() { grep -cE '"name":"RUN( [^"]*)?"' "$LOG" || true; }

# A failed step: attest refuses (exit 1, naming the step and status), nothing written, run open.
"$HM" run -q --step lint -- sh -c 'exit 3' >/dev/null 2>&1 || true
expect_status 1 out "$HM" attest --key "$K" --subject "$ARTIFACT"
expect_contains out "hallmark: error: step 'lint' exited 3"
expect_contains out "--allow-failed-steps"
[ ! -e "$ARTIFACT.intoto.jsonl" ] || fail "a refused attest wrote provenance"
expect_eq "$(run_spans)" 0 "run spans after a refused attest"
pass "attest refuses a run with a failed step, before emitting anything"

# A subject changed on disk since its step: refused with both digests.
cp "$ARTIFACT" saved.tgz
echo tampered >>"$ARTIFACT"
expect_status 1 out "$HM" attest --key "$K" --subject "$ARTIFACT" --allow-failed-steps
expect_contains out "subject $ARTIFACT changed since its step recorded it: recorded sha256:$(sha256sum saved.tgz | cut -d' ' -f1), on disk sha256:$(sha256sum "$ARTIFACT" | cut -d' ' -f1)"
rm "$ARTIFACT"
expect_status 1 out "$HM" attest --key "$K" --subject "$ARTIFACT" --allow-failed-steps
expect_contains out "subject $ARTIFACT (recorded sha256:$(sha256sum saved.tgz | cut -d' ' -f1)) is gone"
cp saved.tgz "$ARTIFACT"
expect_eq "$(run_spans)" 0 "run spans after refused attests"
pass "attest re-hashes subjects: changed or deleted ones are refused with both digests"

# telemetry close, then attest, then a second close: one run span, and the summary counts the log.
expect_status 0 out "$HM" telemetry close
expect_eq "$(run_spans)" 1 "run spans after telemetry close"
lines=$(wc -l <"$LOG")
expect_contains out "($lines in the event log)"
expect_status 0 out "$HM" attest --key "$K" --subject "$ARTIFACT" --allow-failed-steps
expect_eq "$(run_spans)" 1 "run spans after close + attest"
expect_status 0 out "$HM" telemetry close
expect_contains out "not emitted again"
expect_eq "$(run_spans)" 1 "run spans after a second close"
expect_status 0 out "$HM" attest --key "$K" --subject "$ARTIFACT" --allow-failed-steps
expect_eq "$(run_spans)" 1 "run spans after a second attest"
"$HM" telemetry verify -q "$LOG" || fail "event log chain broken"
pass "the run span is emitted exactly once (close, attest, close again, attest again)"

# verify fails by default on the failed step; a policy may allow it.
expect_status 1 out "$HM" verify -a "$ARTIFACT" -k "$P"
expect_contains out "FAILED: stepsSucceeded: expected every recorded step exited 0"
expect_contains out "lint exited 3"
echo '{"allowFailedSteps": true}' >allow.json
expect_status 0 out "$HM" verify -a "$ARTIFACT" -k "$P" --policy allow.json
expect_contains out "PASSED:"
pass "verify fails a run with a failed step unless the policy allows it"

# Every rule prints its line even after another failed; untraced network rule is a WARNING.
cat >multi.json <<'J'
{"allowedBuilders": ["https://ci.example/*"], "requiredSteps": ["scan"], "requireSbom": true,
 "deniedNetworkDestinations": ["10.*"], "allowFailedSteps": true}
J
expect_status 1 out "$HM" verify -a "$ARTIFACT" -k "$P" --policy multi.json
for l in "FAILED: policy.allowedBuilders" "FAILED: policy.requiredSteps" "FAILED: policy.requireSbom" \
         "WARNING: policy.deniedNetworkDestinations: steps not traced"; do expect_contains out "$l"; done
echo '{"requireTraced": true, "requireCleanSource": true, "deniedNetworkDestinations": ["10.*"], "allowFailedSteps": true}' >traced.json
expect_status 1 out "$HM" verify -a "$ARTIFACT" -k "$P" --policy traced.json
expect_contains out "FAILED: policy.requireTraced: expected every step traced"
expect_contains out "FAILED: policy.deniedNetworkDestinations"
expect_not_contains out "FAILED: policy.requireCleanSource"
pass "every policy rule prints its line; untraced runs warn or fail, never silence"

# --attach-sbom lists an existing SBOM among the byproducts; a file that is none is refused.
"$HM" sbom -q . -o "$T/app.cdx.json"
expect_status 0 out "$HM" attest --key "$K" --subject "$ARTIFACT" --allow-failed-steps --attach-sbom "$T/app.cdx.json"
payload_of "$ARTIFACT.intoto.jsonl" >payload.json
expect_contains payload.json '"name":"app.cdx.json"'
echo '{}' >"$T/not-a-bom.json"
expect_status 2 out "$HM" attest --key "$K" --subject "$ARTIFACT" --allow-failed-steps --attach-sbom "$T/not-a-bom.json"
expect_contains out "is neither a CycloneDX nor an SPDX JSON SBOM"
pass "attest --attach-sbom FILE"

# Empty allow-lists are errors; a private key as --key is an error.
for k in allowedBuilders allowedSourceRepos allowedSourceRefs; do
  echo "{\"$k\": []}" >empty.json
  expect_status 2 out "$HM" verify -a "$ARTIFACT" -k "$P" --policy empty.json
  expect_contains out "\"$k\" is an empty list"
done
expect_status 2 out "$HM" verify -a "$ARTIFACT" -k "$K"
expect_contains out "this is a private key; give the public one"
pass "empty allow-lists and private verification keys exit 2"

# --events that cannot be read: exit 2.
expect_status 2 out "$HM" verify -a "$ARTIFACT" -k "$P" --policy allow.json --events nope.jsonl
expect_contains out "hallmark: error: --events nope.jsonl"
expect_status 0 out "$HM" verify -a "$ARTIFACT" -k "$P" --policy allow.json --events "$LOG"
pass "verify --events: unreadable is exit 2, intact passes"

# CLI: one value per option; unknown commands; a missing --workspace.
mkdir -p "$T/solo/tree" "$T/solo/other" && cd "$T/solo"
echo '{"name":"inside-tree","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"inside-tree","version":"1.0.0"},"node_modules/dep-inside":{"version":"1.0.0"}}}' >tree/package-lock.json
echo '{"name":"outside-tree","version":"2.0.0","lockfileVersion":3,"packages":{"":{"name":"outside-tree","version":"2.0.0"},"node_modules/dep-outside":{"version":"2.0.0"}}}' >other/package-lock.json
expect_status 0 out "$HM" sbom --exclude '*.md' tree -o bom.json
expect_contains bom.json 'pkg:npm/dep-inside@1.0.0'
expect_not_contains bom.json 'dep-outside'
expect_status 2 out "$HM" bogus
expect_contains out "hallmark: error: unknown command 'bogus'"
expect_status 2 out "$HM" run --workspace missing-dir -- true
expect_contains out "--workspace missing-dir: no such directory"
[ ! -e missing-dir ] || fail "run --workspace created the directory"
pass "one value per option, unknown commands named, a missing --workspace is exit 2"

# run --sign with a repeated step name keeps both links.
cd "$T/solo"
"$HM" run -q --sign --key "$K" --step retry -- true
"$HM" run -q --sign --key "$K" --step retry -- true
expect_eq "$(ls .hallmark/links/retry.*.link.intoto.jsonl | wc -l)" 2 "links of a repeated step"
pass "run --sign keeps the link of each run of a repeated step"

# steps -v and steps --json list each step's products (what --subject globs are written from).
mkdir "$T/prod" && cd "$T/prod"
"$HM" run -q --step build -- sh -c 'mkdir -p dist; echo b >dist/app.tgz; echo a >out.txt'
"$HM" steps -v >steps.txt
expect_contains steps.txt "product dist/app.tgz"
expect_contains steps.txt "product out.txt"
"$HM" steps --json >steps.json
expect_eq "$(jget steps.json '",".join(j["steps"][0]["product_paths"])')" "dist/app.tgz,out.txt" "steps --json product_paths"
pass "steps -v and --json list the products"

# Provenance over verify's size limit is an I/O problem: exit 2, one line, no FAILED verdict.
head -c 70000000 /dev/zero | tr '\0' 'a' >big.intoto.jsonl
expect_status 2 out "$HM" verify -a out.txt -p big.intoto.jsonl -k "$P"
expect_contains out "over the 64 MB limit"
expect_not_contains out "FAILED"
pass "provenance over the size limit: exit 2"
