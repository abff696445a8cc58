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
  auto locked = read_locked_packages(*doc, in, out, [](const toml::table& pkg, Component& c) {
    bool main = false;
    if (auto* groups = pkg["groups"].as_array()) {
      for (const toml::node& g : *groups)
        if (g.value<std::string>() == "main") main = true;
    } else {
      main = pkg["category"].value_or(std::string("main")) == "main";
    }
    if (!main) c.scope = Scope::excluded;
    else if (pkg["optional"].value_or(false)) c.scope = Scope::optional;
  });
  if (!locked) return;
  for (const auto& [from, pkg] : locked->tables)
    if (auto* deps = (*pkg)["dependencies"].as_table())
      for (const auto& [dep, spec] : *deps) link_by_name(out, locked->by_name, from, dep.str());
  attach_python_root(in, out, locked->by_name, read_pyproject(in));
}

bool matches_poetry(std::string_view filename, std::string_view) { return filename == "poetry.lock"; }

}  // namespace

extern const Cataloger kPoetryLockCataloger{"python-poetry-lock", matches_poetry, catalog_poetry};

}  // namespace hallmark::sbom::internal
