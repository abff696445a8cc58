// Helpers for the sbom unit tests: corpus paths and name@version sets.
#pragma once

#include "hallmark/sbom/bom_builder.hpp"
#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>

namespace sbomtest {

inline std::filesystem::path shared_dir() {
  const char* s = std::getenv("HALLMARK_SHARED");
  return s ? std::filesystem::path(s) : std::filesystem::path("../shared");
}
inline std::filesystem::path corpus(const std::string& c) { return shared_dir() / "corpus" / c; }

inline std::string name_of(const hallmark::sbom::Component& c) {
  std::string g = c.group;
  if (c.purl_type == "npm" && !g.empty() && g[0] != '@') g = "@" + g;
  return g.empty() ? c.name : g + "/" + c.name;
}
inline std::set<std::string> name_versions(const std::vector<hallmark::sbom::Component>& cs, bool libraries_only = true) {
  std::set<std::string> out;
  for (const auto& c : cs)
    if (!libraries_only || c.type == "library") out.insert(name_of(c) + "@" + c.version);
  return out;
}

// A scratch directory removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hallmark-sbom-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void write(const std::string& rel, const std::string& content) const {
    std::filesystem::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << content;
  }
};

// Catalogues one file of `dir` (siblings readable) and returns the merged result.
inline hallmark::sbom::CatalogResult catalog(const std::filesystem::path& dir, const std::string& file, bool include_dev = true) {
  auto text = hallmark::read_file(dir / file);
  REQUIRE(text.ok());
  return hallmark::sbom::catalog_file(file, *text, dir, include_dev);
}

inline bool has_edge(const hallmark::sbom::CatalogResult& r, const std::string& from, const std::string& to) {
  auto it = r.edges.find(from);
  if (it == r.edges.end()) return false;
  for (const auto& t : it->second)
    if (t == to) return true;
  return false;
}
inline bool has(const std::vector<std::string>& v, const std::string& x) {
  for (const auto& s : v)
    if (s == x) return true;
  return false;
}

} // namespace sbomtest
