// pom.xml, without a Maven: the dependencies the file declares, with `${...}` resolved from the
// file's own <properties>, project.* and parent values, and missing versions taken from the
// file's own <dependencyManagement>. A version that only a parent POM or an imported BOM could
// supply stays empty (and the purl has no '@'): hallmark never invents one. Scopes: compile and
// runtime are required, provided/system and <optional>true</optional> are optional, test scope
// and plugin dependencies (build-time tools) are dev-only: excluded, listed with --include-dev.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <pugixml.hpp>

#include <map>

namespace hallmark::sbom::internal {
namespace {

std::string child_text(const pugi::xml_node& n, const char* name) {
  return std::string(trim(n.child(name).text().as_string()));
}

// Resolves ${name} references; nested references up to a fixed depth (a cycle stops there).
// Returns false when some reference has no value in this file.
bool interpolate(std::string& s, const std::map<std::string, std::string>& props) {
  for (int depth = 0; depth < 10; ++depth) {
    size_t open = s.find("${");
    if (open == std::string::npos) return true;
    size_t close = s.find('}', open);
    if (close == std::string::npos) return false;
    auto it = props.find(s.substr(open + 2, close - open - 2));
    if (it == props.end()) return false;
    s.replace(open, close - open + 1, it->second);
  }
  return s.find("${") == std::string::npos;
}

// The values `${...}` can name: the file's <properties>, then project.*, pom.* and parent.*,
// with groupId and version inherited from <parent> as Maven does.
std::map<std::string, std::string> pom_properties(const pugi::xml_node& project) {
  pugi::xml_node parent = project.child("parent");
  std::map<std::string, std::string> props;
  for (auto p : project.child("properties").children())
    if (p.type() == pugi::node_element) props[p.name()] = std::string(trim(p.text().as_string()));
  std::string pgroup = child_text(parent, "groupId"), pversion = child_text(parent, "version");
  std::string group = child_text(project, "groupId");
  std::string version = child_text(project, "version");
  if (group.empty()) group = pgroup;  // inherited from the parent, as Maven does
  if (version.empty()) version = pversion;
  std::string artifact = child_text(project, "artifactId");
  for (const char* prefix : {"project.", "pom."}) {
    props[std::string(prefix) + "groupId"] = group;
    props[std::string(prefix) + "artifactId"] = artifact;
    props[std::string(prefix) + "version"] = version;
    if (parent) {
      props[std::string(prefix) + "parent.groupId"] = pgroup;
      props[std::string(prefix) + "parent.version"] = pversion;
      props[std::string(prefix) + "parent.artifactId"] = child_text(parent, "artifactId");
    }
  }
  if (parent) props["parent.version"] = pversion;
  props["version"] = version;
  return props;
}

// <dependencyManagement>: "group:artifact" -> version.
std::map<std::string, std::string> managed_versions(const pugi::xml_node& project,
                                                    const std::map<std::string, std::string>& props) {
  std::map<std::string, std::string> managed;
  for (auto d : project.child("dependencyManagement").child("dependencies").children("dependency")) {
    std::string v = child_text(d, "version");
    std::string key = child_text(d, "groupId") + ":" + child_text(d, "artifactId");
    interpolate(key, props);
    if (interpolate(v, props) && !v.empty()) managed[key] = v;
  }
  return managed;
}

// One pom being catalogued: what its <dependency> elements are resolved against.
struct MavenPom {
  const CatalogInput& in;
  ResultBuilder& rb;
  std::map<std::string, std::string> props;
  std::map<std::string, std::string> managed;

  void add_dep(const pugi::xml_node& d, bool plugin_dep) {
    std::string g = child_text(d, "groupId"), a = child_text(d, "artifactId");
    std::string v = child_text(d, "version"), scope = child_text(d, "scope");
    interpolate(g, props);
    interpolate(a, props);
    if (a.empty()) {
      rb.warn("offset " + std::to_string(d.offset_debug()) + ": <dependency> without artifactId");
      return;
    }
    Component c;
    c.purl_type = "maven";
    c.group = g;
    c.name = a;
    if (!v.empty()) {
      std::string expr = v;
      if (interpolate(v, props)) {
        c.version = v;
      } else {
        c.properties["hallmark:maven.version-expression"] = expr;  // defined outside this file
      }
    } else if (auto it = managed.find(g + ":" + a); it != managed.end()) {
      c.version = it->second;
    }
    if (c.version.empty()) c.properties["hallmark:maven.version"] = "unresolved";
    std::string type = child_text(d, "type"), classifier = child_text(d, "classifier");
    if (!type.empty() && type != "jar") c.qualifiers["type"] = type;
    if (!classifier.empty()) c.qualifiers["classifier"] = classifier;
    bool dev = plugin_dep || scope == "test";
    if (dev) {
      if (!in.include_dev) return;
      c.scope = Scope::excluded;
    } else if (scope == "provided" || scope == "system" || child_text(d, "optional") == "true") {
      c.scope = Scope::optional;
    }
    if (!scope.empty()) c.properties["hallmark:maven.scope"] = scope;
    if (plugin_dep) c.properties["hallmark:maven.plugin-dependency"] = "true";
    rb.direct(rb.add(std::move(c)));
  }

  // The project itself or one of its <profile>s.
  void walk_model(const pugi::xml_node& model) {
    for (auto d : model.child("dependencies").children("dependency")) add_dep(d, false);
    for (const char* container : {"plugins", "pluginManagement"}) {
      pugi::xml_node plugins = model.child("build").child(container);
      if (std::string_view(container) == "pluginManagement") plugins = plugins.child("plugins");
      for (auto plugin : plugins.children("plugin"))
        for (auto d : plugin.child("dependencies").children("dependency")) add_dep(d, true);
    }
  }
};

void catalog_maven_pom(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  pugi::xml_document doc;
  if (!parse_xml(in, rb, doc)) return;
  pugi::xml_node project = doc.child("project");
  if (!project) {
    rb.warn("no <project> element");
    return;
  }
  std::map<std::string, std::string> props = pom_properties(project);
  std::map<std::string, std::string> managed = managed_versions(project, props);
  MavenPom pom{in, rb, std::move(props), std::move(managed)};
  pom.walk_model(project);
  for (auto profile : project.child("profiles").children("profile")) pom.walk_model(profile);
}

bool matches_maven_pom(std::string_view filename, std::string_view) { return filename == "pom.xml"; }

}  // namespace

const Cataloger kMavenPomCataloger{"maven-pom", matches_maven_pom, catalog_maven_pom};

}  // namespace hallmark::sbom::internal
