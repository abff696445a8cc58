// pdm.lock: [[package]] with name, version, groups (["default"] for production), dependencies
// as PEP 508 strings. Packages outside the "default" group are scoped excluded.
#include "catalogers/python/lock_common.hpp"

namespace hallmark::sbom::internal {
namespace {

void catalog_pdm(const CatalogInput& in, CatalogResult& out) {
  auto doc = parse_toml(in, out);
  if (!doc) return;
  auto locked = read_locked_packages(*doc, in, out, [](const toml::table& pkg, Component& c) {
    if (auto* groups = pkg["groups"].as_array()) {
      bool prod = false;
      for (const toml::node& g : *groups)
        if (g.value<std::string>() == "default") prod = true;
      if (!prod) c.scope = Scope::excluded;
    }
  });
  if (!locked) return;
  for (const auto& [from, pkg] : locked->tables)
    if (auto* deps = (*pkg)["dependencies"].as_array())
      for (const toml::node& d : *deps)
        if (auto s = d.value<std::string>()) link_by_name(out, locked->by_name, from, pep508_name(*s));
  attach_python_root(in, out, locked->by_name, read_pyproject(in));
}

bool matches_pdm(std::string_view filename, std::string_view) { return filename == "pdm.lock"; }

}  // namespace

extern const Cataloger kPdmLockCataloger{"python-pdm-lock", matches_pdm, catalog_pdm};

}  // namespace hallmark::sbom::internal
