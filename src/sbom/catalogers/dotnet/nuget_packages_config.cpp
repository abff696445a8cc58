// packages.config (NuGet's pre-PackageReference format): a flat list of the project's packages,
// all of them direct, no graph. developmentDependency="true" marks dev-only packages.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <pugixml.hpp>

namespace hallmark::sbom::internal {
namespace {

void catalog_packages_config(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  pugi::xml_document doc;
  if (!parse_xml(in, rb, doc)) return;
  for (auto p : doc.child("packages").children("package")) {
    Component c;
    c.purl_type = "nuget";
    c.name = p.attribute("id").as_string();
    c.version = p.attribute("version").as_string();
    if (c.name.empty() || c.version.empty()) {
      rb.warn("offset " + std::to_string(p.offset_debug()) + ": <package> without id or version");
      continue;
    }
    if (std::string(p.attribute("developmentDependency").as_string()) == "true") {
      if (!in.include_dev) continue;
      c.scope = Scope::excluded;
    }
    if (auto tfm = p.attribute("targetFramework")) c.properties["hallmark:nuget.framework"] = tfm.as_string();
    rb.direct(rb.add(std::move(c)));
  }
}

bool matches_packages_config(std::string_view filename, std::string_view) { return filename == "packages.config"; }

}  // namespace

const Cataloger kNugetPackagesConfigCataloger{"nuget-packages-config", matches_packages_config,
                                              catalog_packages_config};

}  // namespace hallmark::sbom::internal
