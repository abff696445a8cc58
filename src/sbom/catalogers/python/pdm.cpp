// pdm.lock: [[package]] with name, version, groups (["default"] for production), dependencies
// as PEP 508 strings. Packages outside the "default" group are scoped excluded.
#include "catalogers/python/lock_common.hpp"

namespace hallmark::sbom::internal {
namespace {

void catalog_pdm(const CatalogInput& in, CatalogResult& out) {
  auto doc = parse_toml(in, out);
  if (!doc) return;
  auto* packages = (*doc)["package"].as_array();
  if (!packages) return;
  NameIndex by_name;
  std::vector<std::pair<std::string, const toml::array*>> deps_of;
  for (const toml::node& node : *packages) {
    const toml::table* pkg = node.as_table();
    if (!pkg) continue;
    auto locked = locked_package(*pkg, in, out);
    if (!locked) continue;
    Component c = std::move(*locked);
    if (auto* groups = (*pkg)["groups"].as_array()) {
      bool prod = false;
      for (const toml::node& g : *groups)
        if (g.value<std::string>() == "default") prod = true;
      if (!prod) c.scope = Scope::excluded;
    }
    by_name[c.name].push_back(c.bom_ref);  // already PEP 503-normalised
    deps_of.emplace_back(c.bom_ref, (*pkg)["dependencies"].as_array());
    out.components.push_back(std::move(c));
  }
  for (auto& [from, deps] : deps_of) {
    if (!deps) continue;
    for (const toml::node& d : *deps)
      if (auto s = d.value<std::string>()) {
        auto it = by_name.find(pep503(pep508_name(*s)));
        if (it == by_name.end()) continue;
        for (const std::string& to : it->second) add_edge(out, from, to);
      }
  }
  attach_python_root(in, out, by_name, read_pyproject(in));
}

bool matches_pdm(std::string_view filename, std::string_view) { return filename == "pdm.lock"; }

}  // namespace

extern const Cataloger kPdmLockCataloger{"python-pdm-lock", matches_pdm, catalog_pdm};

}  // namespace hallmark::sbom::internal
