// The pieces poetry.lock, uv.lock and pdm.lock readers share: they are all TOML arrays of
// [[package]] tables with name, version and dependency names, resolved here by normalised name.
#pragma once

#include "catalogers/catalog_util.hpp"

#include <toml++/toml.h>

namespace hallmark::sbom::internal {

// Parses TOML, turning a syntax error into a warning with its line. nullopt on error.
std::optional<toml::table> parse_toml(const CatalogInput& in, CatalogResult& out);

// The component of one [[package]] table; nullopt (with a warning naming its line) when it
// has no name or version.
std::optional<Component> locked_package(const toml::table& pkg, const CatalogInput& in, CatalogResult& out);

// Index of components by PEP 503 name (several versions may share a name in uv/poetry locks
// with markers).
using NameIndex = std::map<std::string, std::vector<std::string>>;

// Root edges from the declared dependencies of pyproject.toml (or Pipfile); without one the
// root's edges are unknown and none is invented.
void attach_python_root(const CatalogInput& in, CatalogResult& out, const NameIndex& by_name,
                        const DeclaredPython& declared);

}  // namespace hallmark::sbom::internal
