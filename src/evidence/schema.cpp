// The schema, written once for both dialects. The only differences are spelled as tokens:
// {C} makes text keys compare bytewise in PostgreSQL (so a purl prefix is an index range, as it
// is in SQLite), {NOROWID} keeps SQLite's link table clustered on its key (a third of the size).
//
// Tables and the queries they serve (docs/store.md):
//   runs                one per pipeline run                     query runs (pipeline, started)
//   steps               one per step of a run                    artifact, egress, exec
//   artifacts           provenance subjects, with signer/status  query artifact (sha256)
//   products            step products from record dirs           query artifact (step)
//   components          one per distinct purl                    query component (purl range)
//   subjects            an SBOM's or provenance's artifact       component -> artifact
//   subject_components  the 5-million-row link table             (component_id, subject_id)
//   execs, egress       programs run, network destinations       query exec / egress
//   documents           every ingested file's SHA-256            idempotent ingest
//   baseline_runs/_values  each successful step's behaviour      hallmark run's anomalies
#include "schema.hpp"

#include "hallmark/util/hex.hpp"

#include <string>

namespace hallmark::evidence {

namespace {

// Migration N brings the store from version N-1 to N. Never edit one that has shipped: append.
const char* const kMigrations[] = {
    // 1
    R"SQL(
CREATE TABLE documents (sha256 TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL, ingested TEXT NOT NULL);
CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, commit_id TEXT NOT NULL,
  repository TEXT NOT NULL, builder TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL,
  platform TEXT NOT NULL);
CREATE INDEX runs_started ON runs (started);
CREATE INDEX runs_pipeline ON runs (pipeline, started);
CREATE TABLE steps (run_id TEXT NOT NULL, step TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL,
  exit_code BIGINT NOT NULL, PRIMARY KEY (run_id, step, started));
CREATE TABLE artifacts (sha256 TEXT NOT NULL, run_id TEXT NOT NULL, name TEXT NOT NULL, materials BIGINT NOT NULL,
  signer TEXT NOT NULL, verification TEXT NOT NULL, PRIMARY KEY (sha256, run_id, name));
CREATE TABLE products (sha256 TEXT NOT NULL, run_id TEXT NOT NULL, step TEXT NOT NULL, path TEXT NOT NULL,
  PRIMARY KEY (sha256, run_id, step, path));
CREATE TABLE components (id BIGINT PRIMARY KEY, purl TEXT {C} NOT NULL);
CREATE INDEX components_purl ON components (purl);
CREATE TABLE subjects (id BIGINT PRIMARY KEY, sha256 TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX subjects_sha256 ON subjects (sha256);
CREATE TABLE subject_components (component_id BIGINT NOT NULL, subject_id BIGINT NOT NULL,
  PRIMARY KEY (component_id, subject_id)) {NOROWID};
CREATE TABLE execs (run_id TEXT NOT NULL, step TEXT NOT NULL, path TEXT {C} NOT NULL, sha256 TEXT NOT NULL,
  PRIMARY KEY (run_id, step, path, sha256));
CREATE INDEX execs_path ON execs (path);
CREATE INDEX execs_sha256 ON execs (sha256);
CREATE TABLE egress (run_id TEXT NOT NULL, step TEXT NOT NULL, address TEXT {C} NOT NULL, port BIGINT NOT NULL,
  host TEXT {C} NOT NULL, PRIMARY KEY (run_id, step, address, port, host));
CREATE INDEX egress_address ON egress (address);
CREATE INDEX egress_host ON egress (host);
)SQL",
    // 2: per-step baselines (docs/detection.md): each successful run's normalised behaviour
    R"SQL(
CREATE TABLE baseline_runs (pipeline TEXT {C} NOT NULL, step TEXT {C} NOT NULL, run_key TEXT NOT NULL,
  finished TEXT NOT NULL, PRIMARY KEY (pipeline, step, run_key));
CREATE INDEX baseline_runs_finished ON baseline_runs (pipeline, step, finished);
CREATE TABLE baseline_values (pipeline TEXT {C} NOT NULL, step TEXT {C} NOT NULL, run_key TEXT NOT NULL,
  kind TEXT NOT NULL, value TEXT {C} NOT NULL, PRIMARY KEY (pipeline, step, run_key, kind, value)) {NOROWID};
)SQL",
};

std::string for_dialect(std::string sql, Dialect d) {
  auto replace = [&](const std::string& token, const std::string& with) {
    for (size_t at = sql.find(token); at != std::string::npos; at = sql.find(token, at + with.size()))
      sql.replace(at, token.size(), with);
  };
  replace("{C}", d == Dialect::postgres ? "COLLATE \"C\"" : "");
  replace("{NOROWID}", d == Dialect::sqlite ? "WITHOUT ROWID" : "");
  return sql;
}

Result<int> current_version(Backend& b) {
  auto rows = b.exec("SELECT value FROM hallmark_meta WHERE key = 'schema_version'");
  if (!rows) return rows.error();
  if (rows->empty()) return 0;
  try {
    return std::stoi(rows->front().at(0));
  } catch (const std::exception& e) {
    return make_error("hallmark_meta.schema_version is not a number ('" + rows->front().at(0) + "'): " + e.what());
  }
}

}  // namespace

int64_t row_id(std::string_view key) {
  std::string h = sha256_hex(key);
  return int64_t(std::stoull(h.substr(0, 16), nullptr, 16) >> 1);
}

Result<int> migrate(Backend& b, const std::string& where) {
  constexpr int latest = int(sizeof kMigrations / sizeof kMigrations[0]);
  static_assert(latest == kSchemaVersion, "one migration per schema version");
  Transaction tx(b);
  HALLMARK_TRY(tx.begin());
  // Two processes opening a new store at once: the second waits here, then finds it migrated.
  if (b.dialect() == Dialect::postgres) HALLMARK_TRY(b.exec("SELECT pg_advisory_xact_lock(7243851)"));
  HALLMARK_TRY(b.exec_script("CREATE TABLE IF NOT EXISTS hallmark_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
  auto found = current_version(b);
  if (!found) return found.error();
  if (*found > kSchemaVersion)
    return make_error(where + ": the evidence store has schema version " + std::to_string(*found) +
                      ", newer than this hallmark's " + std::to_string(kSchemaVersion) + ": upgrade hallmark");
  for (int v = *found + 1; v <= latest; ++v) HALLMARK_TRY(b.exec_script(for_dialect(kMigrations[v - 1], b.dialect())));
  if (*found != kSchemaVersion) {
    HALLMARK_TRY(b.exec("DELETE FROM hallmark_meta WHERE key = 'schema_version'"));
    HALLMARK_TRY(b.exec("INSERT INTO hallmark_meta (key, value) VALUES ('schema_version', $1)",
                        {std::to_string(kSchemaVersion)}));
  }
  HALLMARK_TRY(tx.commit());
  return *found;
}

}  // namespace hallmark::evidence
