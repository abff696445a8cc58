// Helpers shared by the JavaScript and Python catalogers: component construction with the purl
// as bom-ref, SRI integrity strings to hashes, package.json reading, line numbers for warnings,
// and dev/prod scope from graph reachability for lockfiles that do not mark dev packages.
#pragma once

#include "hallmark/sbom/cataloger.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sbom::detail {

// A library component with bom_ref = its purl and the manifest path as its occurrence.
Component make_component(std::string purl_type, std::string name, std::string version,
                         const CatalogInput& in);
// "@scope/name" -> group "@scope", name "name" for npm packages.
Component npm_component(std::string_view full_name, std::string version, const CatalogInput& in);
Component pypi_component(std::string_view name, std::string version, const CatalogInput& in);

// PEP 503 normalised name: lowercase, runs of '-', '_', '.' become one '-'.
std::string pep503(std::string_view name);

// "sha512-<base64> sha1-<base64>" (Subresource Integrity) -> hashes in hex. Unknown algorithms
// are skipped, as SRI says; a value that does not decode to a digest of its algorithm's length,
// or an integrity with no usable token, is skipped and described in `problem` (for a warning:
// a lockfile that says "integrity" must not silently lose it).
std::vector<Hash> sri_to_hashes(std::string_view integrity, std::string* problem = nullptr);
// The warning for a bad integrity of `what` ("ms@2.1.3"), empty when `problem` is.
std::string integrity_warning(const std::string& what, std::string_view integrity, const std::string& problem);

struct PackageJson {
  std::string name, version, license;
  std::map<std::string, std::string> dependencies, dev_dependencies, optional_dependencies,
      peer_dependencies;
};
// nullopt when the text is not a JSON object; never throws.
std::optional<PackageJson> parse_package_json(std::string_view text);

// 1-based line of a byte offset (for warnings).
size_t line_of(std::string_view content, size_t offset);
// 1-based line of the first occurrence of `needle`, 0 when absent.
size_t find_line(std::string_view content, std::string_view needle);

// Components not reachable from `prod_roots` through `out.edges` get Scope::excluded; those
// reachable keep their scope. For lockfiles (yarn, pnpm v9, uv) that do not say which packages
// only dev dependencies pull in.
void scope_by_reachability(CatalogResult& out, const std::vector<std::string>& prod_roots);

void add_warning(CatalogResult& out, const CatalogInput& in, std::string message);
void add_edge(CatalogResult& out, const std::string& from, const std::string& to);

std::string trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);

} // namespace hallmark::sbom::detail

namespace hallmark::sbom::detail {
// The distribution name at the start of a PEP 508 requirement ("requests[socks]>=2; ..." ->
// "requests"); empty when there is none.
std::string pep508_name(std::string_view requirement);
// Names of a pyproject.toml's declared dependencies (PEP 621 [project] dependencies and
// optional-dependencies, [dependency-groups], Poetry's tool.poetry dependencies and groups),
// PEP 503-normalised, split into production and development. Empty sets when unreadable.
struct DeclaredPython {
  bool found = false;
  std::string name, version;
  std::set<std::string> prod, dev;
};
DeclaredPython read_pyproject(const CatalogInput& in, const std::string& relative = "pyproject.toml");
} // namespace hallmark::sbom::detail
