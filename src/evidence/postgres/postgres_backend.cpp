// The shared evidence store: a PostgreSQL server reached through libpq, for many CI runners
// writing into one database. Concurrent ingests are plain transactions; rows go in with
// ON CONFLICT DO NOTHING in key order, so two writers of the same evidence neither fail nor
// deadlock. Parameters are sent as text, apart from the SQL, so nothing is ever spliced in.
#include "../backend.hpp"
#include "lazy_libpq.hpp"

#include <libpq-fe.h>

#include <string>

namespace hallmark::evidence {

namespace {

std::string first_line(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (auto nl = s.find('\n'); nl != std::string::npos) s = s.substr(0, nl);
  return s;
}

class PostgresBackend final : public Backend {
public:
  explicit PostgresBackend(PGconn* conn) : conn_(conn) {}
  ~PostgresBackend() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::postgres; }
  size_t max_params() const override { return 65535; }

  Result<std::vector<Row>> exec(const std::string& sql, const Params& params) override {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (auto* n = std::get_if<int64_t>(&params[i])) text[i] = std::to_string(*n);
      else if (auto* s = std::get_if<std::string>(&params[i])) text[i] = *s;
      else continue;
      values[i] = text[i].c_str();
    }
    PGresult* res = PQexecParams(conn_, sql.c_str(), int(params.size()), nullptr, values.data(), nullptr, nullptr, 0);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      std::string m = first_line(PQresultErrorMessage(res));
      PQclear(res);
      return error(m);
    }
    std::vector<Row> rows;
    int n = PQntuples(res), cols = PQnfields(res);
    rows.reserve(size_t(n));
    for (int r = 0; r < n; ++r) {
      Row row(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c)
        if (!PQgetisnull(res, r, c)) row[size_t(c)].assign(PQgetvalue(res, r, c), size_t(PQgetlength(res, r, c)));
      rows.push_back(std::move(row));
    }
    PQclear(res);
    return rows;
  }

  Status exec_script(const std::string& sql) override {
    PGresult* res = PQexec(conn_, sql.c_str());
    auto status = PQresultStatus(res);
    std::string m = first_line(PQresultErrorMessage(res));
    PQclear(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error(m);
    return ok_status();
  }

  Status begin() override { return exec_script("BEGIN"); }
  Status commit() override { return exec_script("COMMIT"); }
  void rollback() override { PQclear(PQexec(conn_, "ROLLBACK")); }

private:
  Error error(const std::string& message) const {
    std::string db = PQdb(conn_) ? PQdb(conn_) : "";
    return make_error("PostgreSQL evidence store " + db + ": " + message);
  }
  PGconn* conn_;
};

}  // namespace

Result<std::unique_ptr<Backend>> open_postgres(const std::string& conninfo) {
  if (std::string why = libpq_unavailable(); !why.empty()) return make_error("PostgreSQL evidence store: " + why);
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (!conn) return make_error("PostgreSQL evidence store: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string m = first_line(PQerrorMessage(conn));
    PQfinish(conn);
    return make_error("PostgreSQL evidence store unreachable (" + m +
                      "): start the server or fix --store / HALLMARK_STORE");
  }
  auto b = std::make_unique<PostgresBackend>(conn);
  // Notices (CREATE ... IF NOT EXISTS "already exists, skipping") would go to stderr.
  HALLMARK_TRY(b->exec_script("SET client_min_messages = warning"));
  return std::unique_ptr<Backend>(std::move(b));
}

}  // namespace hallmark::evidence
