// Catalogers read one kind of manifest or lockfile and report components and edges. Each is a
// plain struct in src/sbom/catalogers/<ecosystem>/<format>.cpp, declared in
// catalogers/catalogers.hpp and listed in one table (catalogers/registry.cpp). Adding a format is
// one new file plus one line in each.
#pragma once

#include "hallmark/sbom/component.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sbom {

struct CatalogInput {
  std::string path;           // relative path shown to users and in evidence (manifest path)
  std::string_view content;   // the whole file
  std::filesystem::path dir;  // directory on disk holding the file; empty inside an archive
  bool include_dev = false;
  // The Go module cache (go_module_cache_dir) whose go.mod files give the module graph; empty:
  // none is read, and no edges are invented.
  std::filesystem::path go_module_cache;
  // Reads a file relative to `dir` (package.json beside a lockfile, -r includes); nullopt if
  // absent or inside an archive.
  std::function<std::optional<std::string>(const std::string& relative)> read_sibling;
};

// What one manifest yields. Refs are the components' bom_ref values (set by the cataloger,
// normally via make_purl); `direct` are the refs the manifest's project depends on directly,
// `edges` the rest of the graph. A cataloger never invents an edge its source does not state.
struct CatalogResult {
  std::vector<Component> components;
  std::vector<std::string> direct;
  std::map<std::string, std::vector<std::string>> edges;
  std::vector<Component> projects;   // workspace members/importers (own components with edges)
  std::vector<Diagnostic> warnings;  // malformed input: file and line/field named
};

struct Cataloger {
  const char* name;                                                      // "npm-package-lock", ...
  bool (*matches)(std::string_view filename, std::string_view relpath);  // by file name
  void (*catalog)(const CatalogInput& in, CatalogResult& out);
};

const std::vector<Cataloger>& catalogers();

}  // namespace hallmark::sbom
