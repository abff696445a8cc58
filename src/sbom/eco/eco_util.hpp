// Small helpers shared by the ecosystem catalogers in this folder: line splitting for the
// hand-written line formats (go.mod, Gemfile.lock, dpkg status), and ResultBuilder, which
// dedupes components and edges by bom-ref so every cataloger reports each package once and never
// states the same edge twice. Not a public header: only src/sbom/eco/ and its tests use it.
#pragma once

#include "hallmark/sbom/cataloger.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hallmark::sbom::eco {

std::vector<std::string_view> split_lines(std::string_view text);  // "\n" or "\r\n"
std::string_view trim(std::string_view s);
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

} // namespace hallmark::sbom::eco
