// The pieces poetry.lock, uv.lock and pdm.lock readers share: they are all TOML arrays of
// [[package]] tables with name, version and dependency names, resolved here by normalised name.
#pragma once

#include "catalogers/catalog_util.hpp"

#include <toml++/toml.h>

#include <functional>

namespace hallmark::sbom::internal {

// Parses TOML, turning a syntax error into a warning with its line. nullopt on error.
std::optional<toml::table> parse_toml(const CatalogInput& in, CatalogResult& out);

// The component of one [[package]] table; nullopt (with a warning naming its line) when it
// has no name or version.
std::optional<Component> locked_package(const toml::table& pkg, const CatalogInput& in, CatalogResult& out);

// Index of components by PEP 503 name (several versions may share a name in uv/poetry locks
// with markers).
using NameIndex = std::map<std::string, std::vector<std::string>>;

// The [[package]] tables of a poetry.lock or pdm.lock, each catalogued (locked_package), scoped by
// `scope` (which reads the lock's own group fields), added to `out` and indexed by name.
struct LockedPackages {
  NameIndex by_name;
  std::vector<std::pair<std::string, const toml::table*>> tables;  // bom_ref -> its [[package]]
};
// nullopt when the lock has no [[package]] array.
std::optional<LockedPackages> read_locked_packages(const toml::table& doc, const CatalogInput& in, CatalogResult& out,
                                                   const std::function<void(const toml::table&, Component&)>& scope);
// An edge from `from` to every locked package named `name` (any spelling: PEP 503 applied); a
// name not locked (an extra, a marker-excluded dependency) adds none.
void link_by_name(CatalogResult& out, const NameIndex& by_name, const std::string& from, std::string_view name);

// Root edges from the declared dependencies of pyproject.toml (or Pipfile); without one the
// root's edges are unknown and none is invented.
void attach_python_root(const CatalogInput& in, CatalogResult& out, const NameIndex& by_name,
                        const DeclaredPython& declared);

}  // namespace hallmark::sbom::internal
