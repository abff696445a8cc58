// The queries, written once against the backend interface. A glob becomes an index range on
// its literal prefix ("pkg:npm/lodash@*" -> purl >= 'pkg:npm/lodash@' AND purl < 'pkg:npm/lodashA'),
// the only pattern form both SQLite and PostgreSQL turn into an index scan the same way; the
// exact match is then wildcard_match() here, so both stores give the same answer.
#include "hallmark/evidence/evidence.hpp"

#include "backend.hpp"

#include "hallmark/util/glob.hpp"
#include "hallmark/util/time.hpp"

#include <algorithm>
#include <cctype>

namespace hallmark {

using evidence::Params;
using evidence::Row;

namespace {

struct Range {
  std::string low, high;  // high empty: no upper bound
};

// [literal prefix, the next string after every string with that prefix).
Range prefix_range(const std::string& glob) {
  std::string prefix = glob.substr(0, glob.find_first_of("*?["));
  Range r{prefix, ""};
  std::string high = prefix;
  while (!high.empty()) {
    unsigned char last = static_cast<unsigned char>(high.back());
    high.pop_back();
    if (last < 0x7f) {
      r.high = high + char(last + 1);
      break;
    }
  }
  return r;
}

std::string range_sql(const std::string& column, const Range& r, size_t first_param) {
  std::string sql = column + " >= $" + std::to_string(first_param);
  if (!r.high.empty()) sql += " AND " + column + " < $" + std::to_string(first_param + 1);
  return sql;
}

Params range_params(const Range& r) {
  Params p{r.low};
  if (!r.high.empty()) p.emplace_back(r.high);
  return p;
}

bool is_digest(const std::string& s) {
  if (s.size() != 7 + 64 || s.rfind("sha256:", 0) != 0) return false;
  return std::all_of(s.begin() + 7, s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); });
}

Result<QueryTable> run(EvidenceStore& store, std::vector<std::string> columns, const std::string& sql,
                       const Params& params, size_t glob_column = size_t(-1), const std::string& glob = {},
                       size_t glob_column2 = size_t(-1)) {
  auto rows = store.backend().exec(sql, params);
  if (!rows) return make_error(store.location().display() + ": " + rows.message());
  QueryTable t{std::move(columns), {}};
  for (auto& r : *rows) {
    if (glob_column != size_t(-1) && !wildcard_match(glob, r[glob_column]) &&
        (glob_column2 == size_t(-1) || r[glob_column2].empty() || !wildcard_match(glob, r[glob_column2])))
      continue;
    t.rows.push_back(std::move(r));
  }
  return t;
}

}  // namespace

Result<QueryTable> query_component(EvidenceStore& store, const std::string& glob) {
  if (glob.empty()) return make_error("query component needs a purl or a purl glob, e.g. 'pkg:npm/lodash@4.*'");
  Range r = prefix_range(glob);
  std::string sql =
      "SELECT DISTINCT c.purl, COALESCE(a.name, s.name), s.sha256, COALESCE(a.run_id, ''), COALESCE(r.pipeline, ''), "
      "COALESCE(r.commit_id, ''), COALESCE(r.builder, ''), COALESCE(r.started, '') "
      "FROM components c JOIN subject_components sc ON sc.component_id = c.id "
      "JOIN subjects s ON s.id = sc.subject_id "
      "LEFT JOIN artifacts a ON a.sha256 = s.sha256 AND s.sha256 <> '' "
      "LEFT JOIN runs r ON r.run_id = a.run_id WHERE " +
      range_sql("c.purl", r, 1) + " ORDER BY 8 DESC, 2, 1";
  return run(store, {"component", "artifact", "sha256", "run", "pipeline", "commit", "builder", "time"}, sql,
             range_params(r), 0, glob);
}

Result<QueryTable> query_artifact(EvidenceStore& store, const std::string& digest) {
  if (!is_digest(digest))
    return make_error("query artifact needs sha256:HEX (64 lowercase hex digits), got '" + digest + "'");
  std::string sha = digest.substr(7);
  const char* sql =
      "SELECT a.name, a.run_id, COALESCE(p.step, ''), COALESCE(r.commit_id, ''), COALESCE(r.repository, ''), "
      "COALESCE(r.builder, ''), a.materials, a.signer, a.verification, COALESCE(r.started, '') "
      "FROM artifacts a LEFT JOIN runs r ON r.run_id = a.run_id "
      "LEFT JOIN products p ON p.sha256 = a.sha256 AND p.run_id = a.run_id WHERE a.sha256 = $1 "
      "UNION "
      "SELECT p.path, p.run_id, p.step, COALESCE(r.commit_id, ''), COALESCE(r.repository, ''), COALESCE(r.builder, "
      "''), "
      "0, '', 'unsigned', COALESCE(r.started, '') "
      "FROM products p LEFT JOIN runs r ON r.run_id = p.run_id WHERE p.sha256 = $1 "
      "AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = p.sha256 AND a.run_id = p.run_id) "
      "ORDER BY 10 DESC, 1, 3";
  return run(
      store,
      {"artifact", "run", "step", "commit", "repository", "builder", "materials", "signer", "verification", "time"},
      sql, {sha});
}

Result<QueryTable> query_egress(EvidenceStore& store, const std::string& glob) {
  if (glob.empty()) return make_error("query egress needs a host name, an address or a glob ('10.0.*')");
  Range r = prefix_range(glob);
  std::string sql =
      "SELECT e.address, e.host, e.port, e.run_id, e.step, COALESCE(r.pipeline, ''), COALESCE(r.started, '') "
      "FROM egress e LEFT JOIN runs r ON r.run_id = e.run_id WHERE (" +
      range_sql("e.address", r, 1) + ") OR (" + range_sql("e.host", r, 1) + ") ORDER BY 7 DESC, 4, 5, 1, 3";
  return run(store, {"address", "host", "port", "run", "step", "pipeline", "time"}, sql, range_params(r), 0, glob, 1);
}

Result<QueryTable> query_exec(EvidenceStore& store, const std::string& what) {
  if (what.empty()) return make_error("query exec needs a program path glob or sha256:HEX");
  std::vector<std::string> columns{"program", "sha256", "run", "step", "pipeline", "time"};
  std::string select = "SELECT e.path, e.sha256, e.run_id, e.step, COALESCE(r.pipeline, ''), COALESCE(r.started, '') "
                       "FROM execs e LEFT JOIN runs r ON r.run_id = e.run_id WHERE ";
  std::string order = " ORDER BY 6 DESC, 3, 4, 1";
  if (what.rfind("sha256:", 0) == 0) {
    if (!is_digest(what)) return make_error("query exec: '" + what + "' is not sha256: and 64 lowercase hex digits");
    return run(store, columns, select + "e.sha256 = $1" + order, {what.substr(7)});
  }
  Range r = prefix_range(what);
  return run(store, columns, select + range_sql("e.path", r, 1) + order, range_params(r), 0, what);
}

Result<QueryTable> query_runs(EvidenceStore& store, const RunsFilter& f, const std::string& now_rfc3339) {
  std::string since;
  if (!f.since.empty()) {
    char unit = f.since.back();
    std::string number = f.since.substr(0, f.since.size() - 1);
    bool relative = !number.empty() && std::all_of(number.begin(), number.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    }) && (unit == 'd' || unit == 'h' || unit == 'm');
    if (relative) {
      auto now = parse_rfc3339(now_rfc3339);
      if (!now) return make_error("query runs: bad current time '" + now_rfc3339 + "'");
      long long n = std::stoll(number.substr(0, 9));
      std::chrono::seconds back(n * (unit == 'd' ? 86400 : unit == 'h' ? 3600 : 60));
      since = format_rfc3339_ms(*now - back);
    } else if (auto t = parse_rfc3339(f.since)) {
      since = format_rfc3339_ms(*t);
    } else {
      return make_error("--since " + f.since + ": expected a duration (7d, 12h, 30m) or an RFC 3339 time");
    }
  }
  std::string sql =
      "SELECT r.run_id, r.pipeline, r.started, r.finished, r.commit_id, r.repository, r.builder, r.platform, "
      "(SELECT COUNT(*) FROM steps s WHERE s.run_id = r.run_id) FROM runs r WHERE r.started >= $1";
  Params params{since};
  if (!f.pipeline.empty()) {
    sql += " AND r.pipeline = $2";
    params.emplace_back(f.pipeline);
  }
  sql += " ORDER BY r.started DESC, r.run_id";
  return run(store, {"run", "pipeline", "started", "finished", "commit", "repository", "builder", "platform", "steps"},
             sql, params);
}

}  // namespace hallmark
