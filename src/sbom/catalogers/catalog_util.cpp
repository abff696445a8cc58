#include "catalogers/catalog_util.hpp"

#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <deque>

namespace hallmark::sbom::internal {

Component make_component(std::string purl_type, std::string name, std::string version, const CatalogInput& in) {
  Component c;
  c.purl_type = std::move(purl_type);
  c.name = std::move(name);
  c.version = std::move(version);
  c.occurrences.push_back(in.path);
  c.bom_ref = make_purl(c);
  return c;
}

Component npm_component(std::string_view full_name, std::string version, const CatalogInput& in) {
  Component c;
  c.purl_type = "npm";
  if (!full_name.empty() && full_name[0] == '@' && full_name.find('/') != std::string_view::npos) {
    size_t slash = full_name.find('/');
    c.group = std::string(full_name.substr(0, slash));
    c.name = std::string(full_name.substr(slash + 1));
  } else {
    c.name = std::string(full_name);
  }
  c.version = std::move(version);
  c.occurrences.push_back(in.path);
  c.bom_ref = make_purl(c);
  return c;
}

// The purl pypi definition's rule, not all of PEP 503: lower-case and '_' -> '-', but a dot stays
// ("zope.interface"), so the purl is the one the spec's test suite builds.
Component pypi_component(std::string_view name, std::string version, const CatalogInput& in) {
  std::string n(name);
  for (char& ch : n) ch = ch == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return make_component("pypi", n, std::move(version), in);
}

std::string pep503(std::string_view name) {
  std::string out;
  bool dash = false;
  for (char ch : name) {
    if (ch == '-' || ch == '_' || ch == '.') {
      dash = true;
      continue;
    }
    if (dash && !out.empty()) out += '-';
    dash = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

SriHashes sri_to_hashes(std::string_view integrity) {
  struct Alg {
    const char* prefix;
    const char* name;
    size_t bytes;
  };
  static const Alg kAlgs[] = {
      {"sha512-", "SHA-512", 64}, {"sha384-", "SHA-384", 48}, {"sha256-", "SHA-256", 32}, {"sha1-", "SHA-1", 20}};
  std::vector<Hash> out;
  std::string why;
  size_t pos = 0;
  while (pos < integrity.size()) {
    size_t end = integrity.find_first_of(" \t", pos);
    if (end == std::string_view::npos) end = integrity.size();
    std::string_view token = integrity.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty()) continue;
    for (const Alg& a : kAlgs) {
      if (!starts_with(token, a.prefix)) continue;
      std::string_view b64 = token.substr(std::string_view(a.prefix).size());
      if (size_t q = b64.find('?'); q != std::string_view::npos) b64 = b64.substr(0, q);  // SRI options
      auto raw = base64_decode(b64);
      if (!raw) {
        why = std::string(a.name) + " value is not base64";
      } else if (raw->size() != a.bytes) {
        why =
            std::string(a.name) + " value is " + std::to_string(raw->size()) + " bytes, not " + std::to_string(a.bytes);
      } else {
        Hash h{a.name, to_hex(*raw)};
        bool dup = std::any_of(out.begin(), out.end(), [&](const Hash& x) { return x.alg == h.alg; });
        if (!dup) out.push_back(std::move(h));
      }
    }
  }
  if (out.empty() && why.empty() && !integrity.empty()) why = "no sha512/sha384/sha256/sha1 value";
  return {out, out.empty() ? why : std::string()};
}

std::string integrity_warning(const std::string& what, std::string_view integrity, const std::string& problem) {
  if (problem.empty()) return {};
  std::string shown(integrity.substr(0, 80));
  if (integrity.size() > 80) shown += "...";
  return what + ": integrity '" + shown + "' is not a valid Subresource Integrity hash (" + problem +
         "); no hash recorded";
}

std::optional<PackageJson> parse_package_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  PackageJson p;
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto map = [&](const char* key, std::map<std::string, std::string>& dst) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return;
    for (auto& [k, v] : it->items()) dst[k] = v.is_string() ? v.get<std::string>() : std::string();
  };
  p.name = str("name");
  p.version = str("version");
  p.license = str("license");
  map("dependencies", p.dependencies);
  map("devDependencies", p.dev_dependencies);
  map("optionalDependencies", p.optional_dependencies);
  map("peerDependencies", p.peer_dependencies);
  return p;
}

size_t line_of(std::string_view content, size_t offset) {
  offset = std::min(offset, content.size());
  return 1 + static_cast<size_t>(std::count(content.begin(), content.begin() + offset, '\n'));
}

size_t find_line(std::string_view content, std::string_view needle) {
  size_t at = content.find(needle);
  return at == std::string_view::npos ? 0 : line_of(content, at);
}

void scope_by_reachability(CatalogResult& out, const std::vector<std::string>& prod_roots) {
  std::set<std::string> seen;
  std::deque<std::string> queue(prod_roots.begin(), prod_roots.end());
  while (!queue.empty()) {
    std::string ref = std::move(queue.front());
    queue.pop_front();
    if (!seen.insert(ref).second) continue;
    auto it = out.edges.find(ref);
    if (it == out.edges.end()) continue;
    for (const std::string& next : it->second)
      if (!seen.count(next)) queue.push_back(next);
  }
  for (Component& c : out.components)
    if (!seen.count(c.bom_ref)) c.scope = Scope::excluded;
}

void add_warning(CatalogResult& out, const CatalogInput& in, std::string message) {
  out.warnings.push_back(Diagnostic{in.path, std::move(message)});
}

void add_edge(CatalogResult& out, const std::string& from, const std::string& to) {
  if (from == to) return;
  auto& v = out.edges[from];
  if (std::find(v.begin(), v.end(), to) == v.end()) v.push_back(to);
}

std::string trim_space(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace hallmark::sbom::internal

#include <toml++/toml.h>

namespace hallmark::sbom::internal {

std::string pep508_name(std::string_view requirement) {
  std::string s = trim_space(requirement);
  size_t n = 0;
  while (n < s.size() && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '-' || s[n] == '_' || s[n] == '.'))
    ++n;
  return s.substr(0, n);
}

DeclaredPython read_pyproject(const CatalogInput& in, const std::string& relative) {
  DeclaredPython d;
  if (!in.read_sibling) return d;
  auto text = in.read_sibling(relative);
  if (!text) return d;
  toml::table t;
  try {
    t = toml::parse(*text);
  } catch (const toml::parse_error&) {
    return d;
  }
  d.found = true;
  auto add_reqs = [](const toml::node* arr, std::set<std::string>& dst) {
    if (!arr || !arr->is_array()) return;
    for (const toml::node& el : *arr->as_array())
      if (auto s = el.value<std::string>()) {
        std::string n = pep508_name(*s);
        if (!n.empty()) dst.insert(pep503(n));
      }
  };
  if (auto name = t["project"]["name"].value<std::string>()) d.name = *name;
  if (auto v = t["project"]["version"].value<std::string>()) d.version = *v;
  add_reqs(t["project"]["dependencies"].node(), d.prod);
  if (auto opt = t["project"]["optional-dependencies"].as_table())
    for (auto& [k, v] : *opt) add_reqs(&v, d.prod);
  if (auto groups = t["dependency-groups"].as_table())
    for (auto& [k, v] : *groups) add_reqs(&v, d.dev);
  if (auto dev = t["tool"]["uv"]["dev-dependencies"].node()) add_reqs(dev, d.dev);
  auto poetry = t["tool"]["poetry"];
  if (d.name.empty())
    if (auto name = poetry["name"].value<std::string>()) d.name = *name;
  if (d.version.empty())
    if (auto v = poetry["version"].value<std::string>()) d.version = *v;
  auto add_keys = [](const toml::table* tbl, std::set<std::string>& dst) {
    if (!tbl) return;
    for (auto& [k, v] : *tbl)
      if (k.str() != "python") dst.insert(pep503(k.str()));
  };
  add_keys(poetry["dependencies"].as_table(), d.prod);
  add_keys(poetry["dev-dependencies"].as_table(), d.dev);
  if (auto groups = poetry["group"].as_table())
    for (auto& [g, v] : *groups) {
      if (!v.is_table()) continue;
      add_keys((*v.as_table())["dependencies"].as_table(), g.str() == "main" ? d.prod : d.dev);
    }
  return d;
}

}  // namespace hallmark::sbom::internal

namespace hallmark::sbom::internal {

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
    bool dup = std::any_of(have.hashes.begin(), have.hashes.end(), [&](const Hash& x) { return x.alg == h.alg; });
    if (!dup) have.hashes.push_back(h);
  }
  for (const auto& l : c.licenses)
    if (std::find(have.licenses.begin(), have.licenses.end(), l) == have.licenses.end()) have.licenses.push_back(l);
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

void ResultBuilder::warn(std::string message) { out_.warnings.push_back(Diagnostic{in_.path, std::move(message)}); }

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

bool parse_xml(const CatalogInput& in, ResultBuilder& rb, pugi::xml_document& doc) {
  auto parsed = doc.load_buffer(in.content.data(), in.content.size());
  if (!parsed) rb.warn("offset " + std::to_string(parsed.offset) + ": " + parsed.description());
  return bool(parsed);
}

bool parse_yaml(const CatalogInput& in, ResultBuilder& rb, YAML::Node& doc) {
  if (yaml_too_deep(in.content)) {
    rb.warn("nested too deeply to be a lockfile; not read");
    return false;
  }
  try {
    doc = YAML::Load(std::string(in.content));
  } catch (const YAML::Exception& e) {
    rb.warn("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    return false;
  }
  return true;
}

std::optional<std::string> string_field(const nlohmann::json& o, const char* key, const std::string& where,
                                        ResultBuilder& rb, std::string_view then) {
  auto it = o.find(key);  // end() for a non-object too
  if (it == o.end() || it->is_null()) return std::string{};
  if (const auto* s = it->get_ptr<const std::string*>()) return *s;
  rb.warn(where + "." + key + ": not a string; " + std::string(then));
  return std::nullopt;
}

}  // namespace hallmark::sbom::internal
