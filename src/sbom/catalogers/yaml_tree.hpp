// A light YAML document tree for the lockfile catalogers (pnpm-lock.yaml, yarn berry), built
// from yaml-cpp's event parser. yaml-cpp's own YAML::Load builds reference-counted nodes and
// looks keys up by linear scans; on a 400 KB lockfile that costs more than twice the parse
// itself, which alone breaks the 100 ms budget of `hallmark sbom`. Parsing stays yaml-cpp's.
#pragma once

#include "hallmark/sbom/cataloger.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sbom::internal {

struct YamlNode;

struct YamlEntry {
  std::string key;  // scalar keys; a complex (map/sequence) key is read as ""
  size_t line = 0;  // 1-based line of the key
  YamlNode* value = nullptr;
};

struct YamlNode {
  enum class Kind { null, scalar, sequence, map } kind = Kind::null;
  std::string scalar;
  std::vector<YamlEntry> entries;  // map, in document order
  std::vector<YamlNode*> items;    // sequence
  size_t line = 0;

  bool is_map() const { return kind == Kind::map; }
  // The value of `key` in a map, or nullptr (also when this is not a map).
  const YamlNode* get(std::string_view key) const;
  // Scalar value of `key`, or `fallback` when absent or not a scalar.
  std::string str(std::string_view key, std::string fallback = {}) const;
  bool flag(std::string_view key) const { return str(key) == "true"; }
};

// Owns every node of one document (nodes are allocated in a deque-like arena).
class YamlDocument {
public:
  YamlDocument();
  ~YamlDocument();
  YamlDocument(const YamlDocument&) = delete;
  YamlDocument& operator=(const YamlDocument&) = delete;
  YamlDocument(YamlDocument&&) noexcept;
  YamlDocument& operator=(YamlDocument&&) noexcept;

  const YamlNode* root() const { return root_; }
  // Empty on success, else "line N: <yaml-cpp's message>".
  const std::string& error() const { return error_; }

  YamlNode* make();

private:
  friend YamlDocument parse_yaml(std::string_view text);

  struct Arena;
  Arena* arena_;
  YamlNode* root_ = nullptr;
  std::string error_;
};

YamlDocument parse_yaml(std::string_view text);

// The lockfile's top-level mapping, parsed into `storage`; nullptr (with a warning naming the
// file) when it is not YAML or not a mapping.
const YamlNode* parse_yaml_mapping(const CatalogInput& in, CatalogResult& out, YamlDocument& storage);

}  // namespace hallmark::sbom::internal
