// poetry.lock: [[package]] tables with name, version, groups (or the older category), optional,
// [package.dependencies] by name. Dev-only packages (no "main" group) are scoped excluded.
// Per-file hashes are the digests of several wheels and sdists, so none is chosen as the
// package's hash.
#include "catalogers/python/lock_common.hpp"

namespace hallmark::sbom::internal {
namespace {

void catalog_poetry(const CatalogInput& in, CatalogResult& out) {
  auto doc = parse_toml(in, out);
  if (!doc) return;
  auto* packages = (*doc)["package"].as_array();
  if (!packages) return;
  NameIndex by_name;
  std::vector<std::pair<std::string, const toml::table*>> deps_of;
  for (const toml::node& node : *packages) {
    const toml::table* pkg = node.as_table();
    if (!pkg) continue;
    auto locked = locked_package(*pkg, in, out);
    if (!locked) continue;
    Component c = std::move(*locked);
    bool main = false;
    if (auto* groups = (*pkg)["groups"].as_array()) {
      for (const toml::node& g : *groups)
        if (g.value<std::string>() == "main") main = true;
    } else {
      main = (*pkg)["category"].value_or(std::string("main")) == "main";
    }
    if (!main) c.scope = Scope::excluded;
    else if ((*pkg)["optional"].value_or(false)) c.scope = Scope::optional;
    by_name[c.name].push_back(c.bom_ref);  // already PEP 503-normalised
    deps_of.emplace_back(c.bom_ref, (*pkg)["dependencies"].as_table());
    out.components.push_back(std::move(c));
  }
  for (auto& [from, deps] : deps_of) {
    if (!deps) continue;
    for (auto& [dep, spec] : *deps) {
      (void)spec;
      auto it = by_name.find(pep503(dep.str()));
      if (it == by_name.end()) continue;  // an extra or a marker-excluded dependency not locked
      for (const std::string& to : it->second) add_edge(out, from, to);
    }
  }
  attach_python_root(in, out, by_name, read_pyproject(in));
}

bool matches_poetry(std::string_view filename, std::string_view) { return filename == "poetry.lock"; }

}  // namespace

extern const Cataloger kPoetryLockCataloger{"python-poetry-lock", matches_poetry, catalog_poetry};

}  // namespace hallmark::sbom::internal
