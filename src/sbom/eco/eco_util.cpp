#include "eco_util.hpp"

#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/hex.hpp"

#include <algorithm>

namespace hallmark::sbom::eco {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string base64_to_hex(std::string_view b64) {
  auto bytes = base64_decode(b64);
  if (!bytes || bytes->empty()) return {};
  return to_hex(*bytes);
}

bool yaml_too_deep(std::string_view text, int limit) {
  int depth = 0;
  size_t indent = 0;
  bool at_line_start = true;
  for (char ch : text) {
    if (ch == '\n') {
      at_line_start = true;
      indent = 0;
      continue;
    }
    if (at_line_start && ch == ' ') {
      if (++indent > static_cast<size_t>(limit) * 4) return true;
      continue;
    }
    at_line_start = false;
    if (ch == '[' || ch == '{') {
      if (++depth > limit) return true;
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

static int scope_rank(Scope s) {
  switch (s) {
  case Scope::required: return 2;
  case Scope::optional: return 1;
  case Scope::excluded: return 0;
  }
  return 0;
}

static void merge_into(Component& have, const Component& c) {
  if (scope_rank(c.scope) > scope_rank(have.scope)) have.scope = c.scope;
  for (const auto& h : c.hashes) {
    bool dup = std::any_of(have.hashes.begin(), have.hashes.end(),
                           [&](const Hash& x) { return x.alg == h.alg; });
    if (!dup) have.hashes.push_back(h);
  }
  for (const auto& l : c.licenses)
    if (std::find(have.licenses.begin(), have.licenses.end(), l) == have.licenses.end())
      have.licenses.push_back(l);
  for (const auto& [k, v] : c.properties) have.properties.emplace(k, v);
}

std::string ResultBuilder::add(Component c) {
  if (c.occurrences.empty()) c.occurrences.push_back(in_.path);
  if (c.bom_ref.empty()) c.bom_ref = make_purl(c);
  auto it = index_.find(c.bom_ref);
  if (it != index_.end()) {
    merge_into(out_.components[it->second], c);
    return c.bom_ref;
  }
  index_.emplace(c.bom_ref, out_.components.size());
  out_.components.push_back(std::move(c));
  return out_.components.back().bom_ref;
}

std::string ResultBuilder::add_project(Component c) {
  if (c.occurrences.empty()) c.occurrences.push_back(in_.path);
  if (c.bom_ref.empty()) c.bom_ref = make_purl(c);
  if (project_index_.count(c.bom_ref)) return c.bom_ref;
  project_index_.emplace(c.bom_ref, out_.projects.size());
  out_.projects.push_back(std::move(c));
  return out_.projects.back().bom_ref;
}

Component* ResultBuilder::find(const std::string& ref) {
  auto it = index_.find(ref);
  return it == index_.end() ? nullptr : &out_.components[it->second];
}

void ResultBuilder::direct(const std::string& ref) {
  if (direct_seen_.insert(ref).second) out_.direct.push_back(ref);
}

void ResultBuilder::edge(const std::string& from, const std::string& to) {
  if (from == to) return;  // a self-edge states nothing
  if (edge_seen_.emplace(from, to).second) out_.edges[from].push_back(to);
}

void ResultBuilder::warn(std::string message) {
  out_.warnings.push_back(Warning{in_.path, std::move(message)});
}

std::optional<nlohmann::json> parse_json_object(const CatalogInput& in, ResultBuilder& rb) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in.content);
  } catch (const nlohmann::json::exception& e) {
    rb.warn(std::string("not JSON: ") + e.what());
    return std::nullopt;
  }
  if (!doc.is_object()) {
    rb.warn("top level is not an object");
    return std::nullopt;
  }
  return doc;
}

} // namespace hallmark::sbom::eco
