// vcpkg.json manifest: dependencies are port names (strings or objects with "name"), with at
// most a minimum version ("version>="), which is a constraint, not a version: the component
// stays unversioned unless "overrides" pins that port to an exact version. "host": true ports
// are build tools: dev-only, scope excluded, with --include-dev.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace hallmark::sbom::internal {
namespace {

using nlohmann::json;

// Fields are read without throwing: a dependency whose name, host or a feature is of another
// type is skipped with a warning naming the field, and the other dependencies are still
// catalogued. A mistyped override pins nothing (warned too).
void catalog_vcpkg(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto parsed = parse_json_object(in, rb);
  if (!parsed) return;
  const json& doc = *parsed;
  std::map<std::string, std::string> pinned;
  if (auto ov = doc.find("overrides"); ov != doc.end() && ov->is_array()) {
    for (size_t i = 0; i < ov->size(); ++i) {
      const json& o = (*ov)[i];
      if (!o.is_object() || !o.contains("name")) continue;
      std::string where = "overrides[" + std::to_string(i) + "]";
      auto name = string_field(o, "name", where, rb);
      if (!name) continue;
      for (const char* k : {"version", "version-semver", "version-date", "version-string"})
        if (auto v = o.find(k); v != o.end() && v->is_string()) pinned[*name] = v->get<std::string>();
    }
  }
  auto deps = doc.find("dependencies");
  if (deps == doc.end()) return;
  if (!deps->is_array()) {
    rb.warn("\"dependencies\" is not an array");
    return;
  }
  for (size_t i = 0; i < deps->size(); ++i) {
    const json& d = (*deps)[i];
    std::string where = "dependencies[" + std::to_string(i) + "]";
    Component c;
    c.purl_type = "generic";  // no vcpkg purl type exists in the purl spec
    bool host = false;
    if (d.is_string()) {
      c.name = d.get<std::string>();
    } else if (d.is_object() && d.contains("name") && !d["name"].is_null()) {
      auto name = string_field(d, "name", where, rb);
      if (!name) continue;
      c.name = *name;
      if (auto h = d.find("host"); h != d.end() && !h->is_null()) {
        if (!h->is_boolean()) {
          rb.warn(where + ".host: not a boolean; skipped");
          continue;
        }
        host = h->get<bool>();
      }
      if (auto f = d.find("features"); f != d.end() && f->is_array()) {
        std::string feats;
        bool bad = false;
        for (size_t j = 0; j < f->size() && !bad; ++j) {
          const json& x = (*f)[j];
          std::string fs;
          if (x.is_string()) fs = x.get<std::string>();
          else if (x.is_object()) {
            auto n = string_field(x, "name", where + ".features[" + std::to_string(j) + "]", rb);
            if (!n) bad = true;
            else fs = *n;
          }
          if (fs.empty()) continue;
          feats += (feats.empty() ? "" : ",") + fs;
        }
        if (bad) continue;
        if (!feats.empty()) c.properties["hallmark:vcpkg.features"] = feats;
      }
      if (auto v = d.find("version>="); v != d.end() && v->is_string())
        c.properties["hallmark:vcpkg.version-minimum"] = v->get<std::string>();
    } else {
      rb.warn(where + ": neither a name nor an object with \"name\"");
      continue;
    }
    if (auto p = pinned.find(c.name); p != pinned.end()) c.version = p->second;
    c.properties["hallmark:source"] = "vcpkg";
    if (host) {
      if (!in.include_dev) continue;
      c.scope = Scope::excluded;
    }
    rb.direct(rb.add(std::move(c)));
  }
}

bool matches_vcpkg(std::string_view filename, std::string_view) { return filename == "vcpkg.json"; }

}  // namespace

const Cataloger kVcpkgManifestCataloger{"vcpkg-manifest", matches_vcpkg, catalog_vcpkg};

}  // namespace hallmark::sbom::internal
