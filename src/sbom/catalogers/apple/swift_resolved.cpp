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

// Fields are read without throwing: a pin whose location, version or revision is not a string
// is skipped with a warning naming the field, and the other pins are still catalogued.
void catalog_swift_resolved(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto parsed = parse_json_object(in, rb);
  if (!parsed) return;
  const json& doc = *parsed;
  const json* pins = nullptr;
  if (auto p = doc.find("pins"); p != doc.end() && p->is_array()) pins = &*p;
  else if (auto o = doc.find("object"); o != doc.end() && o->is_object())
    if (auto p1 = o->find("pins"); p1 != o->end() && p1->is_array()) pins = &*p1;
  if (!pins) {
    rb.warn("no pins array (neither v1 object.pins nor v2/v3 pins)");
    return;
  }
  for (size_t i = 0; i < pins->size(); ++i) {
    const json& pin = (*pins)[i];
    std::string where = "pins[" + std::to_string(i) + "]";
    if (!pin.is_object()) {
      rb.warn(where + ": not an object; skipped");
      continue;
    }
    // v2/v3 say "location", v1 "repositoryURL".
    auto url = string_field(pin, pin.contains("location") ? "location" : "repositoryURL", where, rb);
    if (!url) continue;
    const json* state = nullptr;
    if (auto s = pin.find("state"); s != pin.end() && !s->is_null()) {
      if (!s->is_object()) {
        rb.warn(where + ".state: not an object; skipped");
        continue;
      }
      state = &*s;
    }
    std::optional<std::string> version, revision;
    if (state) {
      version = string_field(*state, "version", where + ".state", rb);
      if (!version) continue;
      revision = string_field(*state, "revision", where + ".state", rb);
      if (!revision) continue;
    }
    if (url->empty()) {
      rb.warn(where + ": no location/repositoryURL");
      continue;
    }
    // https://github.com/apple/swift-nio.git -> github.com/apple, swift-nio
    std::string path = *url;
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
    std::string v = version.value_or(""), rev = revision.value_or("");
    c.version = !v.empty() ? v : rev;
    if (!rev.empty()) c.properties["hallmark:swift.revision"] = rev;
    if (state) {
      if (auto b = state->find("branch"); b != state->end() && b->is_string())
        c.properties["hallmark:swift.branch"] = b->get<std::string>();
    }
    rb.add(std::move(c));  // the file states neither edges nor which pins are direct
  }
}

bool matches_swift_resolved(std::string_view filename, std::string_view) { return filename == "Package.resolved"; }

}  // namespace

const Cataloger kSwiftResolvedCataloger{"swift-package-resolved", matches_swift_resolved, catalog_swift_resolved};

}  // namespace hallmark::sbom::internal
