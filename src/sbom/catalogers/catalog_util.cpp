#include "catalog_util.hpp"

#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <deque>

namespace hallmark::sbom::detail {

Component make_component(std::string purl_type, std::string name, std::string version,
                         const CatalogInput& in) {
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

std::vector<Hash> sri_to_hashes(std::string_view integrity, std::string* problem) {
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
        why = std::string(a.name) + " value is " + std::to_string(raw->size()) + " bytes, not " + std::to_string(a.bytes);
      } else {
        Hash h{a.name, to_hex(*raw)};
        bool dup = std::any_of(out.begin(), out.end(), [&](const Hash& x) { return x.alg == h.alg; });
        if (!dup) out.push_back(std::move(h));
      }
    }
  }
  if (out.empty() && why.empty() && !integrity.empty()) why = "no sha512/sha384/sha256/sha1 value";
  if (problem != nullptr) *problem = out.empty() ? why : std::string();
  return out;
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
  out.warnings.push_back(Warning{in.path, std::move(message)});
}

void add_edge(CatalogResult& out, const std::string& from, const std::string& to) {
  if (from == to) return;
  auto& v = out.edges[from];
  if (std::find(v.begin(), v.end(), to) == v.end()) v.push_back(to);
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace hallmark::sbom::detail

#include <toml++/toml.h>

namespace hallmark::sbom::detail {

std::string pep508_name(std::string_view requirement) {
  std::string s = trim(requirement);
  size_t n = 0;
  while (n < s.size() && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == '-' || s[n] == '_' || s[n] == '.')) ++n;
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

} // namespace hallmark::sbom::detail
