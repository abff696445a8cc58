// The one interface both evidence stores implement (SQLite embedded, PostgreSQL shared). It is
// deliberately small: run a statement with positional parameters, read rows of text, and
// transactions. Everything above it (schema, migrations, ingest, queries) is written once in
// portable SQL with PostgreSQL-style `$1, $2, ...` placeholders, which SQLite accepts too.
#pragma once

#include "hallmark/util/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hallmark::evidence {

// A parameter: NULL, an integer or text.
using Param = std::variant<std::monostate, int64_t, std::string>;
using Params = std::vector<Param>;
// A row of text (NULL reads as "").
using Row = std::vector<std::string>;

enum class Dialect { sqlite, postgres };

class Backend {
public:
  virtual ~Backend() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement; returns its rows (empty for statements without a result).
  virtual Result<std::vector<Row>> exec(const std::string& sql, const Params& params = {}) = 0;
  // Runs several statements separated by ';' without parameters (DDL).
  virtual Status exec_script(const std::string& sql) = 0;
  // A write transaction: SQLite takes the write lock at BEGIN (IMMEDIATE), so two writers queue
  // on the busy timeout instead of failing on upgrade; PostgreSQL uses its default isolation.
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
  // Most rows one statement may carry as parameters (SQLite: 32766, libpq: 65535).
  virtual size_t max_params() const = 0;
};

// The backends (sqlite/sqlite_backend.cpp, postgres/postgres_backend.cpp).
Result<std::unique_ptr<Backend>> open_sqlite(const std::string& path);
Result<std::unique_ptr<Backend>> open_postgres(const std::string& conninfo);

// Rolls back unless commit() was reached: every early return inside a transaction is safe.
class Transaction {
public:
  explicit Transaction(Backend& b) : b_(b) {}
  ~Transaction() {
    if (open_) b_.rollback();
  }
  Status begin() {
    HALLMARK_TRY(b_.begin());
    open_ = true;
    return ok_status();
  }
  Status commit() {
    open_ = false;
    return b_.commit();
  }

private:
  Backend& b_;
  bool open_ = false;
};

}  // namespace hallmark::evidence
