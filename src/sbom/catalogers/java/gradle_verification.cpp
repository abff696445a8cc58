// gradle/verification-metadata.xml (Gradle dependency verification): every module the build
// may resolve, with checksums per artifact file. The component's hashes are those of its main
// binary (name-version.jar/.aar/.klib without classifier); other artifacts (.pom, .module,
// sources) keep theirs out of the component, since a CycloneDX hash describes the component's
// own file. The file states no edges and no scopes (it covers plugins and tooling too).
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <pugixml.hpp>

namespace hallmark::sbom::internal {
namespace {

void catalog_gradle_verification(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  pugi::xml_document doc;
  if (!parse_xml(in, rb, doc)) return;
  pugi::xml_node comps = doc.child("verification-metadata").child("components");
  for (auto comp : comps.children("component")) {
    Component c;
    c.purl_type = "maven";
    c.group = comp.attribute("group").as_string();
    c.name = comp.attribute("name").as_string();
    c.version = comp.attribute("version").as_string();
    if (c.name.empty() || c.version.empty()) {
      rb.warn("offset " + std::to_string(comp.offset_debug()) + ": <component> without name/version");
      continue;
    }
    std::string stem = c.name + "-" + c.version + ".";
    for (auto art : comp.children("artifact")) {
      std::string file = art.attribute("name").as_string();
      if (file.rfind(stem, 0) != 0) continue;
      std::string ext = file.substr(stem.size());
      if (ext != "jar" && ext != "aar" && ext != "klib") continue;
      static const std::pair<const char*, const char*> kAlgs[] = {
          {"sha512", "SHA-512"}, {"sha256", "SHA-256"}, {"sha1", "SHA-1"}, {"md5", "MD5"}};
      for (auto [el, alg] : kAlgs) {
        std::string v = art.child(el).attribute("value").as_string();
        if (!v.empty()) c.hashes.push_back({alg, to_lower(v)});
      }
      if (ext != "jar") c.qualifiers["type"] = ext;
      break;
    }
    c.properties["hallmark:source"] = "gradle-verification-metadata";
    rb.add(std::move(c));
  }
}

bool matches_gradle_verification(std::string_view filename, std::string_view) {
  return filename == "verification-metadata.xml";
}

}  // namespace

const Cataloger kGradleVerificationCataloger{"gradle-verification-metadata", matches_gradle_verification,
                                             catalog_gradle_verification};

}  // namespace hallmark::sbom::internal
