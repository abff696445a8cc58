// The embedded evidence store: one SQLite file in WAL mode, so readers never block the writer
// and concurrent `hallmark store ingest` / `attest` processes queue on a busy timeout instead of
// failing with SQLITE_BUSY. Statements are prepared once per connection and reused, which is
// what makes bulk ingest fast (a component row is a bind and a step, no parse).
#include "../backend.hpp"

#include <sqlite3.h>

#include <map>
#include <string>

namespace hallmark::evidence {

namespace {

constexpr int kBusyTimeoutMs = 30000;

class SqliteBackend final : public Backend {
public:
  SqliteBackend(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteBackend() override {
    for (auto& [_, s] : cache_) sqlite3_finalize(s.stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::sqlite; }
  size_t max_params() const override { return 32766; }

  Result<std::vector<Row>> exec(const std::string& sql, const Params& params) override {
    auto prepared = prepare(sql);
    if (!prepared) return prepared.error();
    Cached& c = **prepared;
    sqlite3_stmt* st = c.stmt;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < params.size() && i < c.slots.size(); ++i) {
      int slot = c.slots[i];
      if (slot == 0) continue;
      const Param& p = params[i];
      int rc = SQLITE_OK;
      if (auto* n = std::get_if<int64_t>(&p)) rc = sqlite3_bind_int64(st, slot, *n);
      else if (auto* s = std::get_if<std::string>(&p))
        rc = sqlite3_bind_text(st, slot, s->data(), int(s->size()), SQLITE_STATIC);
      else rc = sqlite3_bind_null(st, slot);
      if (rc != SQLITE_OK) return failure("bind");
    }
    std::vector<Row> rows;
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        auto err = failure("query");
        sqlite3_reset(st);
        return err;
      }
      int n = sqlite3_column_count(st);
      Row row(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        if (t) row[size_t(i)].assign(reinterpret_cast<const char*>(t), size_t(sqlite3_column_bytes(st, i)));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(st);
    return rows;
  }

  Status exec_script(const std::string& sql) override {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string m = msg ? msg : sqlite3_errmsg(db_);
      sqlite3_free(msg);
      return describe(m);
    }
    return ok_status();
  }

  Status begin() override { return exec_script("BEGIN IMMEDIATE"); }
  Status commit() override { return exec_script("COMMIT"); }
  void rollback() override { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> slots;  // parameter i (0-based) -> SQLite's index of "$<i+1>", 0 if unused
  };

  Result<Cached*> prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return &it->second;
    Cached c;
    if (sqlite3_prepare_v3(db_, sql.c_str(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &c.stmt, nullptr) != SQLITE_OK)
      return failure("prepare");
    int count = sqlite3_bind_parameter_count(c.stmt);
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(c.stmt, i);
      if (!name || name[0] != '$') continue;
      size_t k = size_t(std::stoul(name + 1));
      if (k == 0) continue;
      if (c.slots.size() < k) c.slots.resize(k, 0);
      c.slots[k - 1] = i;
    }
    // A cache of every distinct statement text: multi-row inserts come in a few fixed sizes.
    return &cache_.emplace(sql, c).first->second;
  }

  Error failure(const char* what) const { return describe(std::string(what) + ": " + sqlite3_errmsg(db_)).error(); }

  Status describe(const std::string& message) const {
    int code = sqlite3_errcode(db_) & 0xff;
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
      return make_error(path_ + ": not a usable SQLite evidence store (" + message +
                        "): move the file away, or name another store with --store");
    if (code == SQLITE_BUSY)
      return make_error(path_ + ": the store stayed locked by another writer for " +
                        std::to_string(kBusyTimeoutMs / 1000) + " s (" + message + ")");
    return make_error(path_ + ": " + message);
  }

  sqlite3* db_;
  std::string path_;
  std::map<std::string, Cached> cache_;
};

}  // namespace

Result<std::unique_ptr<Backend>> open_sqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return make_error(path + ": cannot open the SQLite evidence store: " + m);
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  auto backend = std::make_unique<SqliteBackend>(db, path);
  // WAL: one writer and many readers at once; NORMAL sync is durable across process crashes
  // (the CI concern) and much faster than FULL. The page cache is for the component index.
  HALLMARK_TRY(backend->exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                    "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536"));
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace hallmark::evidence
