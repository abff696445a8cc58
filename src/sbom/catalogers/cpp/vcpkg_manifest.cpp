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

void catalog_vcpkg_unguarded(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto parsed = parse_json_object(in, rb);
  if (!parsed) return;
  const json& doc = *parsed;
  std::map<std::string, std::string> pinned;
  if (auto ov = doc.find("overrides"); ov != doc.end() && ov->is_array()) {
    for (const auto& o : *ov) {
      if (!o.is_object() || !o.contains("name")) continue;
      for (const char* k : {"version", "version-semver", "version-date", "version-string"})
        if (o.contains(k) && o[k].is_string()) pinned[o["name"]] = o[k];
    }
  }
  auto deps = doc.find("dependencies");
  if (deps == doc.end()) return;
  if (!deps->is_array()) {
    rb.warn("\"dependencies\" is not an array");
    return;
  }
  size_t i = 0;
  for (const auto& d : *deps) {
    ++i;
    Component c;
    c.purl_type = "generic";  // no vcpkg purl type exists in the purl spec
    bool host = false;
    if (d.is_string()) {
      c.name = d.get<std::string>();
    } else if (d.is_object() && d.contains("name") && d["name"].is_string()) {
      c.name = d["name"];
      host = d.value("host", false);
      if (auto f = d.find("features"); f != d.end() && f->is_array()) {
        std::string feats;
        for (const auto& x : *f) {
          std::string fs = x.is_string() ? x.get<std::string>() : (x.is_object() ? x.value("name", "") : std::string{});
          if (fs.empty()) continue;
          feats += (feats.empty() ? "" : ",") + fs;
        }
        if (!feats.empty()) c.properties["hallmark:vcpkg.features"] = feats;
      }
      if (auto v = d.find("version>="); v != d.end() && v->is_string())
        c.properties["hallmark:vcpkg.version-minimum"] = v->get<std::string>();
    } else {
      rb.warn("dependencies[" + std::to_string(i - 1) + "]: neither a name nor an object with \"name\"");
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

// A field of an unexpected JSON type (a number where a string belongs...) makes nlohmann
// throw: a warning naming the file, with what was catalogued before it kept.
void catalog_vcpkg(const CatalogInput& in, CatalogResult& out) {
  try {
    catalog_vcpkg_unguarded(in, out);
  } catch (const nlohmann::json::exception& e) {
    out.warnings.push_back({in.path, std::string("unexpected JSON shape: ") + e.what()});
  }
}

bool matches_vcpkg(std::string_view filename, std::string_view) { return filename == "vcpkg.json"; }

}  // namespace

const Cataloger kVcpkgManifestCataloger{"vcpkg-manifest", matches_vcpkg, catalog_vcpkg};

}  // namespace hallmark::sbom::internal
