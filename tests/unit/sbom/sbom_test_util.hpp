// Helpers for the sbom unit tests: corpus paths and name@version sets.
#pragma once

#include "hallmark/sbom/bom_builder.hpp"
#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/atomic_file.hpp"

#include "hmtest.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>

namespace sbomtest {

using hmtest::shared_dir;
inline std::filesystem::path corpus(const std::string& c) { return shared_dir() / "corpus" / c; }

inline std::string name_of(const hallmark::sbom::Component& c) {
  std::string g = c.group;
  if (c.purl_type == "npm" && !g.empty() && g[0] != '@') g = "@" + g;
  return g.empty() ? c.name : g + "/" + c.name;
}
inline std::set<std::string> name_versions(const std::vector<hallmark::sbom::Component>& cs,
                                           bool libraries_only = true) {
  std::set<std::string> out;
  for (const auto& c : cs)
    if (!libraries_only || c.type == "library") out.insert(name_of(c) + "@" + c.version);
  return out;
}

// A scratch directory removed at scope exit.
using hmtest::TempDir;

// Catalogues one file of `dir` (siblings readable) and returns the merged result.
inline hallmark::sbom::CatalogResult catalog(const std::filesystem::path& dir, const std::string& file,
                                             bool include_dev = true) {
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

}  // namespace sbomtest
