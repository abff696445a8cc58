// Where the store is (URL, environment, default) and opening it: connect, then migrate.
#include "hallmark/evidence/evidence.hpp"

#include "backend.hpp"
#include "schema.hpp"

#include "hallmark/util/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace hallmark {

namespace fs = std::filesystem;

std::string StoreLocation::display() const {
  switch (kind) {
  case Kind::off: return "off";
  case Kind::sqlite: return "sqlite://" + sqlite_path.string();
  case Kind::postgres: break;
  }
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db; password=... likewise.
  std::string s = url;
  if (auto scheme = s.find("://"); scheme != std::string::npos) {
    auto at = s.find('@', scheme);
    auto colon = s.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      s.replace(colon + 1, at - colon - 1, "***");
  }
  for (size_t p = s.find("password="); p != std::string::npos; p = s.find("password=", p + 1)) {
    size_t end = s.find_first_of("& ", p);
    s.replace(p + 9, (end == std::string::npos ? s.size() : end) - p - 9, "***");
  }
  return s;
}

Result<StoreLocation> resolve_store(const std::string& flag, const EnvMap& env) {
  std::string url = !flag.empty() ? flag : env_get(env, "HALLMARK_STORE");
  StoreLocation where;
  if (url == "off") {
    where.kind = StoreLocation::Kind::off;
    return where;
  }
  if (url.empty()) {
    std::string data = env_get(env, "XDG_DATA_HOME");
    if (data.empty() || data.front() != '/') {
      std::string home = env_get(env, "HOME");
      if (home.empty())
        return make_error(
            "no evidence store: neither XDG_DATA_HOME nor HOME is set; use --store URL or HALLMARK_STORE");
      data = home + "/.local/share";
    }
    where.sqlite_path = fs::path(data) / "hallmark" / "evidence.db";
    where.url = "sqlite://" + where.sqlite_path.string();
    return where;
  }
  where.url = url;
  if (url.rfind("sqlite://", 0) == 0) {
    std::string path = url.substr(9);
    if (path.empty() || path.front() != '/')
      return make_error("--store " + url + ": a SQLite store is sqlite:///ABSOLUTE/PATH.db (three slashes)");
    where.sqlite_path = path;
    return where;
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    where.kind = StoreLocation::Kind::postgres;
    return where;
  }
  return make_error("--store " + StoreLocation{StoreLocation::Kind::postgres, url, {}}.display() +
                    ": expected sqlite:///ABS/PATH.db, postgresql://... or off");
}

int evidence_schema_version() { return evidence::kSchemaVersion; }

EvidenceStore::EvidenceStore(std::unique_ptr<evidence::Backend> backend, StoreLocation where, int version)
    : backend_(std::move(backend)), where_(std::move(where)), version_(version) {}
EvidenceStore::~EvidenceStore() = default;

Result<std::unique_ptr<EvidenceStore>> EvidenceStore::open(const StoreLocation& where) {
  std::unique_ptr<evidence::Backend> backend;
  if (where.kind == StoreLocation::Kind::off) return make_error("the evidence store is off (HALLMARK_STORE=off)");
  if (where.kind == StoreLocation::Kind::sqlite) {
    std::error_code ec;
    fs::create_directories(where.sqlite_path.parent_path(), ec);
    if (ec)
      return make_error(where.sqlite_path.parent_path().string() +
                        ": cannot create the store's directory: " + ec.message());
    auto b = evidence::open_sqlite(where.sqlite_path.string());
    if (!b) return b.error();
    backend = std::move(*b);
  } else {
    auto b = evidence::open_postgres(where.url);
    if (!b) return b.error();
    backend = std::move(*b);
  }
  auto before = evidence::migrate(*backend, where.display());
  if (!before) return before.error();
  return std::unique_ptr<EvidenceStore>(new EvidenceStore(std::move(backend), where, evidence::kSchemaVersion));
}

size_t IngestReport::added() const {
  return size_t(std::count_if(files.begin(), files.end(), [](const IngestedFile& f) { return f.added; }));
}

nlohmann::json QueryTable::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json o = nlohmann::json::object();
    for (size_t i = 0; i < columns.size() && i < r.size(); ++i) o[columns[i]] = r[i];
    out.push_back(std::move(o));
  }
  return out;
}

std::string QueryTable::to_text() const {
  std::vector<size_t> width(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) width[i] = columns[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      l += cells[i].empty() ? "-" : cells[i];
      if (i + 1 < cells.size())
        l += std::string(width[i] - std::min(width[i], cells[i].empty() ? 1 : cells[i].size()) + 2, ' ');
    }
    out += l + "\n";
  };
  std::vector<std::string> header;
  for (const auto& c : columns) {
    std::string u = c;
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char ch) { return char(std::toupper(ch)); });
    header.push_back(u);
  }
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

}  // namespace hallmark
