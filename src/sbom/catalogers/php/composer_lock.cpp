// composer.lock. `packages` are runtime, `packages-dev` dev-only (scope excluded, reported only
// with --include-dev). The graph comes from each package's `require` (platform requirements such
// as php, ext-*, lib-* name no package and are skipped; a name another package `replace`s points
// at that package). The direct set comes from composer.json beside the lock.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace hallmark::sbom::internal {
namespace {

using nlohmann::json;

// One packages[] entry; nullopt (with a warning naming `where`) when it is not an object or its
// name or version is missing or not a string.
std::optional<Component> composer_component(const json& p, const std::string& where, bool dev, ResultBuilder& rb) {
  if (!p.is_object()) {
    rb.warn(where + ": not an object; skipped");
    return std::nullopt;
  }
  auto present = [&p](const char* k) { return p.contains(k) && !p[k].is_null(); };
  if (!present("name") || !present("version")) {
    rb.warn(where + ": missing name or version");
    return std::nullopt;
  }
  auto full = string_field(p, "name", where, rb);
  if (!full) return std::nullopt;
  auto version = string_field(p, "version", where, rb);
  if (!version) return std::nullopt;
  Component c;
  c.purl_type = "composer";
  size_t slash = full->find('/');
  if (slash != std::string::npos) {
    c.group = full->substr(0, slash);
    c.name = full->substr(slash + 1);
  } else {
    c.name = *full;
  }
  c.version = *version;
  if (dev) c.scope = Scope::excluded;
  if (auto d = p.find("dist"); d != p.end() && d->is_object()) {
    auto s = d->find("shasum");
    if (s != d->end() && s->is_string() && s->get<std::string>().size() == 40)
      c.hashes.push_back({"SHA-1", to_lower(s->get<std::string>())});
  }
  if (auto l = p.find("license"); l != p.end() && l->is_array())
    for (const auto& x : *l)
      if (x.is_string()) c.licenses.push_back(x.get<std::string>());
  if (auto s = p.find("source"); s != p.end() && s->is_object()) {
    auto type = string_field(*s, "type", where + ".source", rb, "ignored");
    if (type == "git")
      c.properties["hallmark:composer.source.reference"] =
          string_field(*s, "reference", where + ".source", rb, "ignored").value_or("");
  }
  return c;
}

// composer.json beside the lock names the direct dependencies.
void direct_from_manifest(const CatalogInput& in, const std::map<std::string, std::string>& ref_of, ResultBuilder& rb,
                          CatalogResult& out) {
  if (!in.read_sibling) return;
  auto manifest = in.read_sibling("composer.json");
  if (!manifest) return;
  json m;
  try {
    m = json::parse(*manifest);
  } catch (const json::exception& e) {
    out.warnings.push_back({in.path, std::string("composer.json beside it is not JSON: ") + e.what()});
    return;
  }
  for (const char* key : {"require", "require-dev"}) {
    if (std::string_view(key) == "require-dev" && !in.include_dev) continue;
    auto r = m.find(key);  // end() when the manifest is not an object
    if (r == m.end() || !r->is_object()) continue;
    for (const auto& [name, _] : r->items())
      if (auto t = ref_of.find(name); t != ref_of.end()) rb.direct(t->second);
  }
}

// Fields are read without throwing: a package whose name or version is missing or not a string
// is skipped with a warning naming the field (a source of another shape only loses its
// reference), and the other packages are still catalogued.
void catalog_composer_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto parsed = parse_json_object(in, rb);
  if (!parsed) return;
  const json& doc = *parsed;
  std::map<std::string, std::string> ref_of;  // package (or replaced) name -> bom-ref
  std::vector<std::pair<std::string, const json*>> pkgs;
  for (const char* key : {"packages", "packages-dev"}) {
    bool dev = std::string_view(key) == "packages-dev";
    if (dev && !in.include_dev) continue;
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_array()) continue;
    for (size_t i = 0; i < it->size(); ++i) {
      const json& p = (*it)[i];
      std::string where = std::string(key) + "[" + std::to_string(i) + "]";
      auto c = composer_component(p, where, dev, rb);
      if (!c) continue;
      const std::string full = c->group.empty() ? c->name : c->group + "/" + c->name;  // as the lock names it
      std::string ref = rb.add(std::move(*c));
      ref_of[full] = ref;
      if (auto r = p.find("replace"); r != p.end() && r->is_object())
        for (const auto& [name, _] : r->items()) ref_of.emplace(name, ref);
      pkgs.emplace_back(ref, &p);
    }
  }
  auto is_platform = [](const std::string& name) { return name.find('/') == std::string::npos; };
  for (const auto& [ref, p] : pkgs) {
    auto r = p->find("require");
    if (r == p->end() || !r->is_object()) continue;
    for (const auto& [name, _] : r->items()) {
      if (is_platform(name)) continue;
      if (auto t = ref_of.find(to_lower(name)); t != ref_of.end()) rb.edge(ref, t->second);
      else if (auto t2 = ref_of.find(name); t2 != ref_of.end()) rb.edge(ref, t2->second);
    }
  }
  direct_from_manifest(in, ref_of, rb, out);
}

bool matches_composer_lock(std::string_view filename, std::string_view) { return filename == "composer.lock"; }

}  // namespace

const Cataloger kComposerLockCataloger{"composer-lock", matches_composer_lock, catalog_composer_lock};

}  // namespace hallmark::sbom::internal
