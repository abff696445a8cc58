// Pipfile.lock: JSON with "default" and "develop" maps of name -> {version: "==1.2", hashes}.
// It states no graph; the root's direct dependencies are the names the Pipfile beside it
// declares ([packages], [dev-packages]). A package in both sections is required.
#include "catalogers/python/lock_common.hpp"

#include "hallmark/sbom/purl.hpp"

#include <nlohmann/json.hpp>

namespace hallmark::sbom::internal {
namespace {

using nlohmann::json;

void catalog_pipfile_lock(const CatalogInput& in, CatalogResult& out) {
  json lock = json::parse(in.content, nullptr, false);
  if (lock.is_discarded() || !lock.is_object()) {
    add_warning(out, in, "not a JSON object (malformed Pipfile.lock); skipped");
    return;
  }
  NameIndex by_name;
  std::map<std::string, size_t> at;
  for (const char* section : {"default", "develop"}) {
    auto sec = lock.find(section);
    if (sec == lock.end() || !sec->is_object()) continue;
    bool dev = std::string_view(section) == "develop";
    for (auto& [name, e] : sec->items()) {
      std::string version;
      if (e.is_object() && e.contains("version") && e["version"].is_string()) {
        version = e["version"].get<std::string>();
        if (starts_with(version, "===")) version = version.substr(3);
        else if (starts_with(version, "==")) version = version.substr(2);
        else version.clear();  // a range is not a version
      }
      Component c = pypi_component(name, version, in);
      if (e.is_object() && e.contains("git")) {
        c.qualifiers["vcs_url"] = e["git"].is_string() ? e["git"].get<std::string>() : "";
        if (e.contains("ref") && e["ref"].is_string()) c.version = e["ref"].get<std::string>();
        c.bom_ref = make_purl(c);
      }
      if (dev) c.scope = Scope::excluded;
      auto [it, fresh] = at.emplace(c.bom_ref, out.components.size());
      if (!fresh) {
        if (!dev) out.components[it->second].scope = Scope::required;
        continue;
      }
      by_name[pep503(name)].push_back(c.bom_ref);
      out.components.push_back(std::move(c));
    }
  }
  // Pipfile: TOML with [packages] and [dev-packages].
  DeclaredPython declared;
  if (in.read_sibling)
    if (auto text = in.read_sibling("Pipfile")) {
      try {
        toml::table t = toml::parse(*text);
        declared.found = true;
        if (auto* p = t["packages"].as_table())
          for (auto& [k, v] : *p) declared.prod.insert(pep503(k.str()));
        if (auto* p = t["dev-packages"].as_table())
          for (auto& [k, v] : *p) declared.dev.insert(pep503(k.str()));
      } catch (const toml::parse_error& e) {
        out.warnings.push_back(
            Diagnostic{"Pipfile", "line " + std::to_string(e.source().begin.line) + ": not valid TOML"});
      }
    }
  attach_python_root(in, out, by_name, declared);
}

bool matches_pipfile_lock(std::string_view filename, std::string_view) { return filename == "Pipfile.lock"; }

}  // namespace

extern const Cataloger kPipfileLockCataloger{"python-pipfile-lock", matches_pipfile_lock, catalog_pipfile_lock};

}  // namespace hallmark::sbom::internal
