// Per-step baselines (include/hallmark/evidence/baseline.hpp): two tables of schema version 2,
// baseline_runs (one row per successful step execution) and baseline_values (its distinct
// normalised behaviours). A run holds tens to a few hundred distinct values even when it ran
// 5,000 processes, so loading the last 10 runs reads a few thousand short rows.
#include "hallmark/evidence/baseline.hpp"

#include "backend.hpp"

#include <algorithm>
#include <map>

namespace hallmark {

using evidence::Params;
using evidence::Row;

namespace {

constexpr size_t kBatch = 200;

// The newest `n` runs of one (pipeline, step), as a subquery on parameters $1, $2, $3.
const char* const kLastRuns =
    "SELECT run_key FROM baseline_runs WHERE pipeline = $1 AND step = $2 ORDER BY finished DESC, run_key DESC LIMIT $3";

}  // namespace

bool Baseline::has(const std::string& kind, const std::string& value) const {
  auto it = values.find(kind);
  return it != values.end() && it->second.count(value) > 0;
}

Result<Baseline> load_baseline(EvidenceStore& store, const BaselineKey& key, int max_runs) {
  auto& b = store.backend();
  Baseline out;
  Params p{key.pipeline, key.step, int64_t(std::max(1, max_runs))};
  auto runs = b.exec(std::string("SELECT COUNT(*) FROM (") + kLastRuns + ") AS last", p);
  if (!runs) return runs.error();
  out.runs = runs->empty() ? 0 : std::stoll(runs->front().at(0));
  if (out.runs == 0) return out;
  auto rows = b.exec(std::string("SELECT DISTINCT kind, value FROM baseline_values WHERE pipeline = $1 AND step = $2 "
                                 "AND run_key IN (") +
                         kLastRuns + ")",
                     p);
  if (!rows) return rows.error();
  for (auto& r : *rows) out.values[r.at(0)].insert(std::move(r.at(1)));
  return out;
}

Status add_to_baseline(EvidenceStore& store, const BaselineKey& key, const std::string& run_key,
                       const std::string& finished, const std::vector<BehaviourValue>& values, int keep) {
  auto& b = store.backend();
  std::vector<BehaviourValue> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  evidence::Transaction tx(b);
  HALLMARK_TRY(tx.begin());
  auto inserted = b.exec("INSERT INTO baseline_runs (pipeline, step, run_key, finished) VALUES ($1, $2, $3, $4) "
                         "ON CONFLICT DO NOTHING RETURNING run_key",
                         {key.pipeline, key.step, run_key, finished});
  if (!inserted) return inserted.error();
  if (inserted->empty()) return tx.commit();  // already there
  for (size_t start = 0; start < sorted.size(); start += kBatch) {
    size_t n = std::min(kBatch, sorted.size() - start);
    std::string sql = "INSERT INTO baseline_values (pipeline, step, run_key, kind, value) VALUES ";
    Params params{key.pipeline, key.step, run_key};
    for (size_t i = 0; i < n; ++i) {
      params.push_back(sorted[start + i].first);
      params.push_back(sorted[start + i].second);
      sql += (i ? ",($1,$2,$3,$" : "($1,$2,$3,$") + std::to_string(params.size() - 1) + ",$" +
             std::to_string(params.size()) + ")";
    }
    sql += " ON CONFLICT DO NOTHING";
    HALLMARK_TRY(b.exec(sql, params));
  }
  Params p{key.pipeline, key.step, int64_t(std::max(1, keep))};
  HALLMARK_TRY(
      b.exec(std::string("DELETE FROM baseline_values WHERE pipeline = $1 AND step = $2 AND run_key NOT IN (") +
                 kLastRuns + ")",
             p));
  HALLMARK_TRY(b.exec(std::string("DELETE FROM baseline_runs WHERE pipeline = $1 AND step = $2 AND run_key NOT IN (") +
                          kLastRuns + ")",
                      p));
  return tx.commit();
}

Result<QueryTable> show_baselines(EvidenceStore& store, const std::string& pipeline, const std::string& step,
                                  int max_runs) {
  auto& b = store.backend();
  if (step.empty()) {
    QueryTable t{{"pipeline", "step", "runs", "values", "last"}, {}};
    auto rows = b.exec("SELECT r.pipeline, r.step, COUNT(DISTINCT r.run_key), "
                       "(SELECT COUNT(DISTINCT kind || ' ' || value) FROM baseline_values v "
                       " WHERE v.pipeline = r.pipeline AND v.step = r.step), MAX(r.finished) "
                       "FROM baseline_runs r WHERE ($1 = '' OR r.pipeline = $1) GROUP BY r.pipeline, r.step "
                       "ORDER BY r.pipeline, r.step",
                       {pipeline});
    if (!rows) return rows.error();
    for (auto& r : *rows) t.rows.push_back(std::move(r));
    return t;
  }
  QueryTable t{{"pipeline", "step", "kind", "value", "runs"}, {}};
  auto rows = b.exec("SELECT DISTINCT pipeline FROM baseline_runs WHERE step = $1 AND ($2 = '' OR pipeline = $2) "
                     "ORDER BY pipeline",
                     {step, pipeline});
  if (!rows) return rows.error();
  for (const auto& pr : *rows) {
    Params p{pr.at(0), step, int64_t(std::max(1, max_runs))};
    auto vals =
        b.exec(std::string("SELECT kind, value, COUNT(*) FROM baseline_values WHERE pipeline = $1 AND step = $2 "
                           "AND run_key IN (") +
                   kLastRuns + ") GROUP BY kind, value ORDER BY kind, value",
               p);
    if (!vals) return vals.error();
    for (auto& v : *vals) t.rows.push_back({pr.at(0), step, v.at(0), v.at(1), v.at(2)});
  }
  return t;
}

Result<int64_t> reset_baselines(EvidenceStore& store, const std::string& pipeline, const std::string& step) {
  auto& b = store.backend();
  evidence::Transaction tx(b);
  HALLMARK_TRY(tx.begin());
  const char* where = " WHERE ($1 = '' OR pipeline = $1) AND ($2 = '' OR step = $2)";
  auto n = b.exec(std::string("SELECT COUNT(*) FROM baseline_runs") + where, {pipeline, step});
  if (!n) return n.error();
  HALLMARK_TRY(b.exec(std::string("DELETE FROM baseline_values") + where, {pipeline, step}));
  HALLMARK_TRY(b.exec(std::string("DELETE FROM baseline_runs") + where, {pipeline, step}));
  HALLMARK_TRY(tx.commit());
  return n->empty() ? int64_t(0) : int64_t(std::stoll(n->front().at(0)));
}

}  // namespace hallmark
