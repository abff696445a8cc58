# The evidence store through the CLI: attest ingests the run it closes into the default store
# (under XDG_DATA_HOME), `store ingest` is idempotent and all-or-nothing, the queries print a
# table or JSON, the same answers come from PostgreSQL, and bad stores are one line + exit 2
# (but never fail attest).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/attest/attest_lib.sh"
source "$HALLMARK_SRC/tests/e2e/store/pg_lib.sh"

KEYID=$("$HM" keygen -q -o "$T/k")
sample_run
SHA=$(sha256sum "$ARTIFACT" | cut -c1-64)

# attest ingests into $XDG_DATA_HOME/hallmark/evidence.db by itself.
expect_status 0 "$T/attest.out" "$HM" attest -k "$T/k.key" --sbom
[ -f "$XDG_DATA_HOME/hallmark/evidence.db" ] || fail "attest did not create the default evidence store"
"$HM" query artifact "sha256:$SHA" --json >"$T/art.json"
expect_eq "$(jget "$T/art.json" 'j[0]["verification"]')" verified "artifact verification"
expect_eq "$(jget "$T/art.json" 'j[0]["signer"]')" "$KEYID" "signer"
expect_eq "$(jget "$T/art.json" 'j[0]["step"]')" package "artifact step"
expect_eq "$(jget "$T/art.json" 'len(j)')" 1 "one artifact row"
"$HM" query component 'pkg:npm/ms@*' >"$T/comp.txt"
expect_contains "$T/comp.txt" "COMPONENT"
expect_contains "$T/comp.txt" "pkg:npm/ms@2.1.3"
expect_contains "$T/comp.txt" "dist/greet-1.0.0.tar.gz"
"$HM" query runs --pipeline local --since 1d --json >"$T/runs.json"
expect_eq "$(jget "$T/runs.json" 'len(j)')" 1 "runs in the last day"
expect_eq "$(jget "$T/runs.json" 'j[0]["repository"]')" https://github.com/acme/sample.git "run repository"
pass "attest ingested its run; queries answer"

# Idempotent: the same files again add nothing.
"$HM" store ingest -v .hallmark provenance.intoto.jsonl 2>"$T/again.err" || { cat "$T/again.err"; fail "re-ingest"; }
expect_contains "$T/again.err" "ingested 0 of"
pass "ingest is idempotent"

# All-or-nothing: a bad SBOM among good files ingests nothing and is named in one line.
DB2="sqlite://$T/two.db"
echo '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"bogus","name":"x"}]}' >"$T/bad.cdx.json"
expect_status 2 "$T/bad.out" "$HM" store ingest --store "$DB2" .hallmark "$T/bad.cdx.json"
expect_eq "$(wc -l <"$T/bad.out")" 1 "one error line"
expect_contains "$T/bad.out" "$T/bad.cdx.json"
"$HM" query runs --store "$DB2" --json >"$T/none.json"
expect_eq "$(jget "$T/none.json" 'len(j)')" 0 "nothing ingested from a batch with a bad file"
pass "a bad file ingests nothing"

# Bad stores: corrupt file, newer schema, server down, off -> one line, exit 2.
head -c 4096 /dev/urandom >"$T/corrupt.db"
expect_status 2 "$T/corrupt.out" "$HM" query runs --store "sqlite://$T/corrupt.db"
expect_eq "$(wc -l <"$T/corrupt.out")" 1 "corrupt: one line"
expect_contains "$T/corrupt.out" "not a usable SQLite evidence store"
sqlite3 "$T/two.db" "UPDATE hallmark_meta SET value='99' WHERE key='schema_version'"
expect_status 2 "$T/newer.out" "$HM" store migrate --store "$DB2"
expect_contains "$T/newer.out" "newer than this hallmark's"
DOWN="postgresql:///evidence?host=$T/no-server"
expect_status 2 "$T/down.out" "$HM" store ingest --store "$DOWN" .hallmark
expect_eq "$(wc -l <"$T/down.out")" 1 "down: one line"
expect_contains "$T/down.out" "unreachable"
HALLMARK_STORE=off expect_status 2 "$T/off.out" "$HM" query runs
expect_contains "$T/off.out" "off"
pass "bad stores: one line, exit 2"

# attest with the store down: a warning, exit 0, provenance written.
"$HM" run -q --step notes -- sh -c "echo release notes >dist/NOTES.txt" >/dev/null
rm -f dist/NOTES.txt.intoto.jsonl
HALLMARK_STORE=$DOWN expect_status 0 "$T/attest-down.out" "$HM" attest -k "$T/k.key"
expect_contains "$T/attest-down.out" "warning: evidence store"
[ -f dist/NOTES.txt.intoto.jsonl ] || fail "attest with the store down wrote no provenance"
pass "a store that is down does not fail attest"

# PostgreSQL: the same ingest and the same answers.
start_pg
expect_status 0 "$T/pg-migrate.out" "$HM" store migrate --store "$PG_URL"
expect_contains "$T/pg-migrate.out" "schema version 2"
"$HM" store ingest -q --store "$PG_URL" -k "$T/k.pub" .hallmark provenance.intoto.jsonl dist/greet-1.0.0.tar.gz.cdx.json
"$HM" store ingest -q --store "sqlite://$T/three.db" -k "$T/k.pub" .hallmark provenance.intoto.jsonl dist/greet-1.0.0.tar.gz.cdx.json
for q in "component pkg:*" "artifact sha256:$SHA" "runs"; do
  "$HM" query $q --store "$PG_URL" --json >"$T/pg.json"
  "$HM" query $q --store "sqlite://$T/three.db" --json >"$T/sq.json"
  cmp -s "$T/pg.json" "$T/sq.json" || { diff "$T/pg.json" "$T/sq.json" >&2; fail "query $q differs between PostgreSQL and SQLite"; }
  [ "$(jget "$T/pg.json" 'len(j)')" -gt 0 ] || fail "query $q found nothing in PostgreSQL"
done
pass "PostgreSQL gives the same answers as SQLite"
