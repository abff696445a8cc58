// Package.resolved (SwiftPM). v1: object.pins[] with package, repositoryURL, state{branch,
// revision, version}; v2/v3: pins[] with identity, kind, location, state. The purl is
// pkg:swift/<host>/<owner>/<repo>@<version> (namespace = the URL's host and path). A pin on a
// branch has no version: its revision (a commit the file states) is used, never a guess.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <nlohmann/json.hpp>

namespace hallmark::sbom::internal {
namespace {

using nlohmann::json;

void catalog_swift_resolved_unguarded(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  json doc;
  try {
    doc = json::parse(in.content);
  } catch (const json::exception& e) {
    rb.warn(std::string("not JSON: ") + e.what());
    return;
  }
  const json* pins = nullptr;
  if (doc.is_object() && doc.contains("pins") && doc["pins"].is_array()) pins = &doc["pins"];
  else if (doc.is_object() && doc.contains("object") && doc["object"].is_object() && doc["object"].contains("pins") &&
           doc["object"]["pins"].is_array())
    pins = &doc["object"]["pins"];
  if (!pins) {
    rb.warn("no pins array (neither v1 object.pins nor v2/v3 pins)");
    return;
  }
  size_t i = 0;
  for (const auto& pin : *pins) {
    ++i;
    if (!pin.is_object()) continue;
    std::string url = pin.value("location", pin.value("repositoryURL", ""));
    json state = pin.value("state", json::object());
    std::string version = state.is_object() ? state.value("version", "") : "";
    std::string revision = state.is_object() ? state.value("revision", "") : "";
    if (url.empty()) {
      rb.warn("pins[" + std::to_string(i - 1) + "]: no location/repositoryURL");
      continue;
    }
    // https://github.com/apple/swift-nio.git -> github.com/apple, swift-nio
    std::string path = url;
    if (size_t scheme = path.find("://"); scheme != std::string::npos) path = path.substr(scheme + 3);
    else if (size_t at = path.find('@'); at != std::string::npos) {  // git@host:owner/repo
      path = path.substr(at + 1);
      if (size_t colon = path.find(':'); colon != std::string::npos) path[colon] = '/';
    }
    if (path.size() > 4 && path.substr(path.size() - 4) == ".git") path.resize(path.size() - 4);
    while (!path.empty() && path.back() == '/') path.pop_back();
    Component c;
    c.purl_type = "swift";
    size_t slash = path.find_last_of('/');
    c.group = slash == std::string::npos ? std::string{} : path.substr(0, slash);
    c.name = slash == std::string::npos ? path : path.substr(slash + 1);
    c.version = !version.empty() ? version : revision;
    if (!revision.empty()) c.properties["hallmark:swift.revision"] = revision;
    if (state.is_object() && state.contains("branch") && state["branch"].is_string())
      c.properties["hallmark:swift.branch"] = state["branch"];
    rb.add(std::move(c));  // the file states neither edges nor which pins are direct
  }
}

// A field of an unexpected JSON type (a number where a string belongs...) makes nlohmann
// throw: a warning naming the file, with what was catalogued before it kept.
void catalog_swift_resolved(const CatalogInput& in, CatalogResult& out) {
  try {
    catalog_swift_resolved_unguarded(in, out);
  } catch (const nlohmann::json::exception& e) {
    out.warnings.push_back({in.path, std::string("unexpected JSON shape: ") + e.what()});
  }
}

bool matches_swift_resolved(std::string_view filename, std::string_view) { return filename == "Package.resolved"; }

}  // namespace

const Cataloger kSwiftResolvedCataloger{"swift-package-resolved", matches_swift_resolved, catalog_swift_resolved};

}  // namespace hallmark::sbom::internal
