#include "catalogers/python/lock_common.hpp"

#include <algorithm>

namespace hallmark::sbom::internal {

std::optional<toml::table> parse_toml(const CatalogInput& in, CatalogResult& out) {
  try {
    return toml::parse(in.content, in.path);
  } catch (const toml::parse_error& e) {
    add_warning(out, in,
                "line " + std::to_string(e.source().begin.line) + ": not valid TOML (" + std::string(e.description()) +
                    "); skipped");
    return std::nullopt;
  }
}

void attach_python_root(const CatalogInput& in, CatalogResult& out, const NameIndex& by_name,
                        const DeclaredPython& declared) {
  (void)in;
  if (!declared.found) return;  // no pyproject: the root's edges are unknown, none invented
  for (const auto* names : {&declared.prod, &declared.dev})
    for (const std::string& n : *names) {
      auto it = by_name.find(n);
      if (it == by_name.end()) continue;
      for (const std::string& ref : it->second)
        if (std::find(out.direct.begin(), out.direct.end(), ref) == out.direct.end()) out.direct.push_back(ref);
    }
}

std::optional<Component> locked_package(const toml::table& pkg, const CatalogInput& in, CatalogResult& out) {
  auto name = pkg["name"].value<std::string>();
  auto version = pkg["version"].value<std::string>();
  if (!name || !version) {
    add_warning(out, in,
                "line " + std::to_string(pkg.source().begin.line) + ": [[package]] without name or version; skipped");
    return std::nullopt;
  }
  return pypi_component(*name, *version, in);
}

std::optional<LockedPackages> read_locked_packages(const toml::table& doc, const CatalogInput& in, CatalogResult& out,
                                                   const std::function<void(const toml::table&, Component&)>& scope) {
  auto* packages = doc["package"].as_array();
  if (!packages) return std::nullopt;
  LockedPackages locked;
  for (const toml::node& node : *packages) {
    const toml::table* pkg = node.as_table();
    if (!pkg) continue;
    auto c = locked_package(*pkg, in, out);
    if (!c) continue;
    scope(*pkg, *c);
    locked.by_name[c->name].push_back(c->bom_ref);  // already PEP 503-normalised
    locked.tables.emplace_back(c->bom_ref, pkg);
    out.components.push_back(std::move(*c));
  }
  return locked;
}

void link_by_name(CatalogResult& out, const NameIndex& by_name, const std::string& from, std::string_view name) {
  auto it = by_name.find(pep503(name));
  if (it == by_name.end()) return;
  for (const std::string& to : it->second) add_edge(out, from, to);
}

}  // namespace hallmark::sbom::internal
