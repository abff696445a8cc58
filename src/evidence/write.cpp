// Writing a document's rows: multi-row INSERT ... ON CONFLICT DO NOTHING in key order. One
// statement carries up to kBatch rows, so 500 SBOM components are two statements, not 1,000
// (and SQLite reuses the prepared statement for every full batch).
#include "document.hpp"
#include "schema.hpp"

#include "hallmark/context/redact.hpp"

#include <algorithm>
#include <set>

namespace hallmark::evidence {

namespace {

constexpr size_t kBatch = 256;

// Text from outside (another builder's provenance, an SBOM, an event log) passes the redaction
// module on its way in: the store keeps no secret even if a document carried one.
std::string clean(const std::string& s) {
  return s.find("://") != std::string::npos ? strip_url_credentials(s) : redact_text(s);
}

Status insert_many(Backend& b, const char* table, const std::vector<const char*>& columns, std::vector<Params> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::string head = std::string("INSERT INTO ") + table + " (";
  for (size_t i = 0; i < columns.size(); ++i) head += std::string(i ? ", " : "") + columns[i];
  head += ") VALUES ";
  for (size_t start = 0; start < rows.size(); start += kBatch) {
    size_t n = std::min(kBatch, rows.size() - start);
    std::string sql = head;
    Params params;
    params.reserve(n * columns.size());
    for (size_t r = 0; r < n; ++r) {
      sql += r ? ",(" : "(";
      for (size_t c = 0; c < columns.size(); ++c) {
        params.push_back(std::move(rows[start + r][c]));
        sql += (c ? ",$" : "$") + std::to_string(params.size());
      }
      sql += ")";
    }
    sql += " ON CONFLICT DO NOTHING";
    HALLMARK_TRY(b.exec(sql, params));
  }
  return ok_status();
}

Status write_runs(Backend& b, const std::vector<RunRow>& runs) {
  // A run seen first in its provenance and later in its record dir (or the other way round):
  // each fills in what the other lacked, and nothing known is overwritten by an empty value.
  for (const auto& r : runs) {
    HALLMARK_TRY(
        b.exec("INSERT INTO runs (run_id, pipeline, commit_id, repository, builder, started, finished, platform) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (run_id) DO UPDATE SET "
               "pipeline = CASE WHEN runs.pipeline = '' THEN excluded.pipeline ELSE runs.pipeline END, "
               "commit_id = CASE WHEN runs.commit_id = '' THEN excluded.commit_id ELSE runs.commit_id END, "
               "repository = CASE WHEN runs.repository = '' THEN excluded.repository ELSE runs.repository END, "
               "builder = CASE WHEN runs.builder = '' THEN excluded.builder ELSE runs.builder END, "
               "started = CASE WHEN runs.started = '' OR (excluded.started <> '' AND excluded.started < runs.started) "
               "THEN excluded.started ELSE runs.started END, "
               "finished = CASE WHEN excluded.finished > runs.finished THEN excluded.finished ELSE runs.finished END, "
               "platform = CASE WHEN runs.platform = '' THEN excluded.platform ELSE runs.platform END",
               {clean(r.run_id), clean(r.pipeline), r.commit, clean(r.repository), clean(r.builder), r.started,
                r.finished, r.platform}));
  }
  return ok_status();
}

}  // namespace

size_t Document::rows() const {
  size_t n = runs.size() + steps.size() + artifacts.size() + products.size() + execs.size() + egress.size();
  for (const auto& s : subjects) n += s.purls.size();
  return n;
}

Result<bool> write_document(Backend& b, const Document& d, const std::string& now) {
  auto fresh = b.exec("INSERT INTO documents (sha256, kind, path, ingested) VALUES ($1, $2, $3, $4) "
                      "ON CONFLICT DO NOTHING RETURNING sha256",
                      {d.sha256, d.kind, clean(d.path.string()), now});
  if (!fresh) return fresh.error();
  if (fresh->empty()) return false;

  HALLMARK_TRY(write_runs(b, d.runs));
  std::vector<Params> rows;
  for (const auto& s : d.steps) rows.push_back({clean(s.run_id), clean(s.step), s.started, s.finished, s.exit_code});
  HALLMARK_TRY(insert_many(b, "steps", {"run_id", "step", "started", "finished", "exit_code"}, std::move(rows)));
  rows.clear();
  for (const auto& a : d.artifacts)
    rows.push_back({a.sha256, clean(a.run_id), clean(a.name), a.materials, a.signer, a.verification});
  HALLMARK_TRY(insert_many(b, "artifacts", {"sha256", "run_id", "name", "materials", "signer", "verification"},
                           std::move(rows)));
  rows.clear();
  for (const auto& p : d.products) rows.push_back({p.sha256, clean(p.run_id), clean(p.step), clean(p.path)});
  HALLMARK_TRY(insert_many(b, "products", {"sha256", "run_id", "step", "path"}, std::move(rows)));

  std::vector<Params> subjects, components, links;
  for (const auto& s : d.subjects) {
    std::string name = clean(s.name);
    int64_t sid = row_id(s.sha256 + "\n" + name);
    subjects.push_back({sid, s.sha256, name});
    for (const auto& purl : s.purls) {
      std::string p = clean(purl);
      int64_t cid = row_id(p);
      components.push_back({cid, p});
      links.push_back({cid, sid});
    }
  }
  HALLMARK_TRY(insert_many(b, "subjects", {"id", "sha256", "name"}, std::move(subjects)));
  HALLMARK_TRY(insert_many(b, "components", {"id", "purl"}, std::move(components)));
  HALLMARK_TRY(insert_many(b, "subject_components", {"component_id", "subject_id"}, std::move(links)));

  rows.clear();
  for (const auto& e : d.execs) rows.push_back({clean(e.run_id), clean(e.step), clean(e.path), e.sha256});
  HALLMARK_TRY(insert_many(b, "execs", {"run_id", "step", "path", "sha256"}, std::move(rows)));
  rows.clear();
  for (const auto& e : d.egress) rows.push_back({clean(e.run_id), clean(e.step), e.address, e.port, clean(e.host)});
  HALLMARK_TRY(insert_many(b, "egress", {"run_id", "step", "address", "port", "host"}, std::move(rows)));
  return true;
}

}  // namespace hallmark::evidence
