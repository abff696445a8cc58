// rpm's package database in its SQLite form (rpm >= 4.16: Fedora 33+, RHEL/CentOS Stream 9,
// openSUSE): var/lib/rpm/rpmdb.sqlite, or usr/lib/sysimage/rpm/rpmdb.sqlite. Table Packages holds
// one header blob per installed package (rpm's lib/header.c "headerImport" layout, big-endian):
//   int32 il (index entries), int32 dl (data bytes), il x {int32 tag, type, offset, count}, data.
// The database is opened from memory (sqlite3_deserialize): an image layer's file is never
// written anywhere. A header that does not hold together is a warning, never a guess.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>

namespace hallmark::sbom::internal {
namespace {

// Tags and types from rpm's rpmtag.h.
enum : uint32_t {
  kName = 1000,
  kVersion = 1001,
  kRelease = 1002,
  kEpoch = 1003,
  kLicense = 1014,
  kVendor = 1011,
  kArch = 1022,
  kSourceRpm = 1044,
  kProvideName = 1047,
  kRequireName = 1049,
};
enum : uint32_t { kInt32 = 4, kString = 6, kStringArray = 8, kI18nString = 9 };

uint32_t be32(const unsigned char* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

struct Header {
  std::map<uint32_t, std::vector<std::string>> strings;  // string tags, all values
  std::map<uint32_t, uint32_t> ints;                     // first value of int32 tags
};

// Parses one header blob; the error says what does not hold together.
Result<Header> parse_header(const unsigned char* blob, size_t size) {
  if (size < 8) return make_error("header shorter than its 8-byte preamble");
  const uint32_t il = be32(blob), dl = be32(blob + 4);
  if (il == 0 || il > 0xffff) return make_error("header with " + std::to_string(il) + " index entries");
  if (8 + uint64_t(il) * 16 + dl != size)
    return make_error("header sizes (" + std::to_string(il) + " entries, " + std::to_string(dl) +
                      " data bytes) do not add up to its " + std::to_string(size) + " bytes");
  const unsigned char* data = blob + 8 + size_t(il) * 16;
  Header h;
  for (uint32_t i = 0; i < il; ++i) {
    const unsigned char* e = blob + 8 + size_t(i) * 16;
    const uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), count = be32(e + 12);
    if (tag != kName && tag != kVersion && tag != kRelease && tag != kEpoch && tag != kLicense && tag != kVendor &&
        tag != kArch && tag != kSourceRpm && tag != kProvideName && tag != kRequireName)
      continue;
    if (off >= dl || count == 0) return make_error("tag " + std::to_string(tag) + " points outside the data");
    if (type == kInt32) {
      if (uint64_t(off) + 4 > dl) return make_error("tag " + std::to_string(tag) + " runs past the data");
      h.ints[tag] = be32(data + off);
    } else if (type == kString || type == kStringArray || type == kI18nString) {
      std::vector<std::string>& out = h.strings[tag];
      size_t pos = off;
      for (uint32_t n = 0; n < count; ++n) {
        const void* nul = std::memchr(data + pos, 0, dl - pos);
        if (nul == nullptr) return make_error("tag " + std::to_string(tag) + ": unterminated string");
        const size_t len = static_cast<const unsigned char*>(nul) - (data + pos);
        out.emplace_back(reinterpret_cast<const char*>(data + pos), len);
        pos += len + 1;
        if (type == kString || type == kI18nString) break;  // one value (the first locale)
        if (pos >= dl && n + 1 < count) return make_error("tag " + std::to_string(tag) + " runs past the data");
      }
    }
  }
  return h;
}

std::string first(const Header& h, uint32_t tag) {
  auto it = h.strings.find(tag);
  return it == h.strings.end() || it->second.empty() ? std::string() : it->second.front();
}

// os-release ID and VERSION_ID, for the purl's namespace and distro qualifier.
std::pair<std::string, std::string> os_release(const CatalogInput& in) {
  std::string id, version;
  if (!in.read_sibling) return {id, version};
  const bool sysimage = in.path.find("usr/lib/sysimage/rpm/") != std::string::npos;
  for (const char* rel : {"../../../etc/os-release", "../../../usr/lib/os-release"}) {
    std::string p = sysimage ? std::string("../") + rel : rel;
    auto text = in.read_sibling(p);
    if (!text) continue;
    for (std::string_view line : split_lines(*text)) {
      auto value = [&](std::string_view key) -> std::optional<std::string> {
        if (line.rfind(key, 0) != 0) return std::nullopt;
        std::string v(trim(line.substr(key.size())));
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
        return v;
      };
      if (auto v = value("ID=")) id = *v;
      if (auto v = value("VERSION_ID=")) version = *v;
    }
    break;
  }
  return {id, version};
}

struct Db {
  sqlite3* db = nullptr;
  ~Db() {
    if (db != nullptr) sqlite3_close(db);
  }
};

// The database, from a copy of the file in memory; false (with a warning) when it is not one.
bool open_db(const CatalogInput& in, ResultBuilder& rb, Db& db) {
  if (in.content.size() < 100 || std::memcmp(in.content.data(), "SQLite format 3", 16) != 0) {
    rb.warn("not an SQLite database (rpm's rpmdb.sqlite); no rpm packages read");
    return false;
  }
  // sqlite3_deserialize takes ownership of a sqlite3_malloc'd copy. A database left in WAL mode
  // (file format bytes 18-19 = 2) cannot be read from memory: its copy is marked rollback-journal,
  // which changes nothing for a reader of a checkpointed file (rpm checkpoints on close).
  const sqlite3_int64 n = static_cast<sqlite3_int64>(in.content.size());
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(static_cast<sqlite3_uint64>(n)));
  if (copy == nullptr) {
    rb.warn("out of memory reading the rpm database");
    return false;
  }
  std::memcpy(copy, in.content.data(), in.content.size());
  if (copy[18] == 2) copy[18] = 1;
  if (copy[19] == 2) copy[19] = 1;
  if (sqlite3_open_v2(":memory:", &db.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK ||
      sqlite3_deserialize(db.db, "main", copy, n, n, SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) !=
          SQLITE_OK) {
    if (db.db == nullptr) sqlite3_free(copy);
    rb.warn("cannot open the rpm database: " + std::string(db.db ? sqlite3_errmsg(db.db) : "sqlite3_open failed"));
    return false;
  }
  return true;
}

// One installed package (its header has a name and a version).
Component rpm_component(const Header& h, const std::string& os_id, const std::string& os_version) {
  Component c;
  c.purl_type = "rpm";
  c.name = first(h, kName);
  std::string version = first(h, kVersion), release = first(h, kRelease);
  c.version = release.empty() ? version : version + "-" + release;
  std::string vendor = first(h, kVendor);
  // purl's rpm namespace is the vendor/distribution: os-release's ID, else the Vendor tag.
  c.group = !os_id.empty() ? os_id : !vendor.empty() ? to_lower(vendor.substr(0, vendor.find(' '))) : "unknown";
  if (std::string arch = first(h, kArch); !arch.empty()) c.qualifiers["arch"] = arch;
  if (auto e = h.ints.find(kEpoch); e != h.ints.end() && e->second != 0)
    c.qualifiers["epoch"] = std::to_string(e->second);
  if (!os_id.empty() && !os_version.empty()) c.qualifiers["distro"] = os_id + "-" + os_version;
  if (std::string lic = first(h, kLicense); !lic.empty()) c.licenses.push_back(lic);
  if (std::string src = first(h, kSourceRpm); !src.empty()) c.properties["hallmark:rpm.sourcerpm"] = src;
  c.supplier = vendor;
  return c;
}

void catalog_rpmdb(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  Db db;
  if (!open_db(in, rb, db)) return;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.db, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &raw, nullptr) != SQLITE_OK) {
    rb.warn("not an rpm database (" + std::string(sqlite3_errmsg(db.db)) + "); no rpm packages read");
    return;
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  auto [os_id, os_version] = os_release(in);

  std::map<std::string, std::string> provider;  // capability (package names included) -> ref
  std::vector<std::pair<std::string, std::vector<std::string>>> requires_of;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const sqlite3_int64 hnum = sqlite3_column_int64(stmt.get(), 0);
    const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(stmt.get(), 1));
    const int size = sqlite3_column_bytes(stmt.get(), 1);
    auto h = parse_header(blob, blob == nullptr ? 0 : static_cast<size_t>(size));
    if (!h) {
      rb.warn("package " + std::to_string(hnum) + ": " + h.message() + "; skipped");
      continue;
    }
    const std::string name = first(*h, kName);
    if (name.empty() || first(*h, kVersion).empty()) {
      rb.warn("package " + std::to_string(hnum) + ": no name or version; skipped");
      continue;
    }
    if (name == "gpg-pubkey") continue;  // imported signing keys, not software
    std::string ref = rb.add(rpm_component(*h, os_id, os_version));
    provider.emplace(name, ref);
    if (auto p = h->strings.find(kProvideName); p != h->strings.end())
      for (const auto& cap : p->second) provider.emplace(cap, ref);
    auto r = h->strings.find(kRequireName);
    requires_of.emplace_back(ref, r == h->strings.end() ? std::vector<std::string>{} : r->second);
  }
  if (rc != SQLITE_DONE) rb.warn("reading the rpm database stopped: " + std::string(sqlite3_errmsg(db.db)));
  for (const auto& [ref, reqs] : requires_of)
    for (const auto& cap : reqs) {
      if (cap.rfind("rpmlib(", 0) == 0) continue;  // features of rpm itself
      if (auto t = provider.find(cap); t != provider.end() && t->second != ref) rb.edge(ref, t->second);
    }
}

bool matches_rpmdb(std::string_view filename, std::string_view relpath) {
  if (filename != "rpmdb.sqlite") return false;
  for (std::string_view dir : {"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"})
    if (relpath == dir ||
        (relpath.size() > dir.size() && relpath.substr(relpath.size() - dir.size() - 1) == "/" + std::string(dir)))
      return true;
  return false;
}

}  // namespace

const Cataloger kRpmdbSqliteCataloger{"rpmdb-sqlite", matches_rpmdb, catalog_rpmdb};

}  // namespace hallmark::sbom::internal
