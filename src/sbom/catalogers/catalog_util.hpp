// Helpers shared by the catalogers of src/sbom/catalogers/ (not a public header): component
// construction with the purl as bom-ref, SRI integrity strings to hashes, package.json reading,
// line numbers for warnings, dev/prod scope from graph reachability for lockfiles that do not
// mark dev packages, line splitting for the hand-written line formats (go.mod, Gemfile.lock,
// dpkg status), and ResultBuilder, which dedupes components and edges by bom-ref so every
// cataloger reports each package once and never states the same edge twice.
#pragma once

#include "hallmark/sbom/cataloger.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pugi {
class xml_document;
}
namespace YAML {
class Node;
}

namespace hallmark::sbom::internal {

// A library component with bom_ref = its purl and the manifest path as its occurrence.
Component make_component(std::string purl_type, std::string name, std::string version, const CatalogInput& in);
// "@scope/name" -> group "@scope", name "name" for npm packages.
Component npm_component(std::string_view full_name, std::string version, const CatalogInput& in);
Component pypi_component(std::string_view name, std::string version, const CatalogInput& in);

// PEP 503 normalised name: lowercase, runs of '-', '_', '.' become one '-'.
std::string pep503(std::string_view name);

// "sha512-<base64> sha1-<base64>" (Subresource Integrity) -> hashes in hex. Unknown algorithms
// are skipped, as SRI says; a value that does not decode to a digest of its algorithm's length,
// or an integrity with no usable token, is skipped and described in `problem` (for a warning:
// a lockfile that says "integrity" must not silently lose it).
struct SriHashes {
  std::vector<Hash> hashes;
  std::string problem;  // empty when at least one hash was read
};
SriHashes sri_to_hashes(std::string_view integrity);
// The warning for a bad integrity of `what` ("ms@2.1.3"), empty when `problem` is.
std::string integrity_warning(const std::string& what, std::string_view integrity, const std::string& problem);

struct PackageJson {
  std::string name, version, license;
  std::map<std::string, std::string> dependencies, dev_dependencies, optional_dependencies, peer_dependencies;
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

std::string trim_space(std::string_view s);  // every isspace character, both ends
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);

}  // namespace hallmark::sbom::internal

namespace pugi {
class xml_document;
}
namespace YAML {
class Node;
}

namespace hallmark::sbom::internal {
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
}  // namespace hallmark::sbom::internal

namespace pugi {
class xml_document;
}
namespace YAML {
class Node;
}

namespace hallmark::sbom::internal {

std::vector<std::string_view> split_lines(std::string_view text);   // "\n" or "\r\n"
std::string_view trim(std::string_view s);                          // spaces, tabs and CR, both ends
std::vector<std::string_view> split(std::string_view s, char sep);  // keeps empty fields
std::string to_lower(std::string_view s);
// Standard base64 (NuGet contentHash, Go h1) to lowercase hex; empty if it is not base64.
std::string base64_to_hex(std::string_view b64);
// yaml-cpp recurses per nesting level; a hostile file nested thousands deep would exhaust the
// stack. True when flow brackets nest deeper than `limit` or a line is indented past 4 * limit.
bool yaml_too_deep(std::string_view text, int limit = 256);
// Last path component of a relative path ("a/b/go.mod" -> "go.mod").
std::string_view base_name(std::string_view path);

// Collects one manifest's components and graph. add() sets occurrences and bom_ref (make_purl
// unless the caller set one) and returns the ref; a second add() of the same ref merges
// occurrences/hashes and keeps the "most required" scope, so a package that is both dev and
// runtime stays required.
class ResultBuilder {
public:
  ResultBuilder(const CatalogInput& in, CatalogResult& out) : in_(in), out_(out) {}

  std::string add(Component c);
  std::string add_project(Component c);
  void direct(const std::string& ref);
  void edge(const std::string& from, const std::string& to);
  void warn(std::string message);  // recorded with the manifest path
  bool has(const std::string& ref) const { return index_.count(ref) != 0; }
  Component* find(const std::string& ref);

private:
  const CatalogInput& in_;
  CatalogResult& out_;
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, size_t> project_index_;
  std::set<std::string> direct_seen_;
  std::set<std::pair<std::string, std::string>> edge_seen_;
};

// The whole manifest as a JSON object; nullopt (with a warning naming the file) when it is not
// JSON or its top level is not an object.
std::optional<nlohmann::json> parse_json_object(const CatalogInput& in, ResultBuilder& rb);

// The manifest as XML into `doc`; false (with a warning naming the offset) when it does not parse.
bool parse_xml(const CatalogInput& in, ResultBuilder& rb, pugi::xml_document& doc);

// The manifest as YAML into `doc`, after the depth guard (yaml-cpp recurses without limit); false
// (with a warning naming the line) when it is nested too deeply or does not parse.
bool parse_yaml(const CatalogInput& in, ResultBuilder& rb, YAML::Node& doc);

// The string field `key` of a JSON object, read without throwing (nlohmann's value(), get<> and
// conversions to std::string throw on a value of another type, which would end the whole file).
// Absent or null (or `o` not an object): "". Any other type: nullopt, and `rb` records
// "<where>.<key>: not a string; <then>" ("skipped" when the entry goes, "ignored" when only the
// field does), so the caller skips what it must and goes on with the next entry.
std::optional<std::string> string_field(const nlohmann::json& o, const char* key, const std::string& where,
                                        ResultBuilder& rb, std::string_view then = "skipped");

}  // namespace hallmark::sbom::internal
