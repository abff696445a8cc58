// pubspec.lock (Dart/Flutter pub), YAML: packages.<name> with dependency ("direct main",
// "direct dev", "direct overridden", "transitive"), source (hosted, git, path, sdk), version and
// description (hosted: name, url, sha256 of the archive; git: url, resolved-ref; path: path;
// sdk: the SDK name). pub records no graph: direct ones hang off the root, no other edges.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <yaml-cpp/yaml.h>

namespace hallmark::sbom::internal {
namespace {

// yaml-cpp's as<std::string>() throws on a map or a sequence: every field is checked first.
// The scalar at `key` of a map; "" when absent or not a scalar.
std::string scalar(const YAML::Node& n, const char* key) {
  if (!n || !n.IsMap()) return {};
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string{};
}

// Fields are read without throwing: a package whose name, version, source or dependency is not a
// scalar is skipped with a warning naming the field, and the other packages are still
// catalogued.
void catalog_pubspec_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  YAML::Node doc;
  if (!parse_yaml(in, rb, doc)) return;
  YAML::Node pkgs = doc.IsMap() ? doc["packages"] : YAML::Node();
  if (!pkgs || !pkgs.IsMap()) {
    rb.warn("no packages: map");
    return;
  }
  for (const auto& kv : pkgs) {
    if (!kv.first.IsScalar()) {
      rb.warn("packages: line " + std::to_string(kv.first.Mark().line + 1) + ": a name that is not a scalar; skipped");
      continue;
    }
    std::string name = kv.first.Scalar();
    std::string where = "packages." + name;
    const YAML::Node& p = kv.second;
    if (!p.IsMap()) {
      rb.warn(where + ": not a map; skipped");
      continue;
    }
    bool bad = false;
    for (const char* k : {"version", "source", "dependency"})
      if (YAML::Node v = p[k]; v && !v.IsScalar() && !v.IsNull()) {
        rb.warn(where + "." + k + ": not a scalar; skipped");
        bad = true;
        break;
      }
    if (bad) continue;
    std::string version = scalar(p, "version"), source = scalar(p, "source");
    std::string dep = scalar(p, "dependency");
    if (version.empty()) {
      rb.warn(where + ": no version");
      continue;
    }
    Component c;
    c.purl_type = "pub";
    c.name = name;
    c.version = version;
    YAML::Node desc = p["description"];
    if (source == "hosted") {
      std::string sha = scalar(desc, "sha256"), url = scalar(desc, "url");
      if (sha.size() == 64) c.hashes.push_back({"SHA-256", to_lower(sha)});
      if (!url.empty() && url != "https://pub.dev" && url != "https://pub.dartlang.org")
        c.qualifiers["repository_url"] = url;
    } else if (source == "git") {
      std::string url = scalar(desc, "url"), rev = scalar(desc, "resolved-ref");
      c.qualifiers["vcs_url"] = "git+" + url + (rev.empty() ? "" : "@" + rev);
      c.properties["hallmark:source"] = "git";
    } else if (source == "path") {
      c.properties["hallmark:source"] = "path";
      c.properties["hallmark:pub.path"] = scalar(desc, "path");
    } else if (source == "sdk") {
      c.properties["hallmark:source"] = "sdk";
      c.properties["hallmark:pub.sdk"] = desc && desc.IsScalar() ? desc.Scalar() : "";
    }
    c.properties["hallmark:pub.dependency"] = dep;
    bool dev = dep == "direct dev";
    if (dev) {
      if (!in.include_dev) continue;
      c.scope = Scope::excluded;
    }
    std::string ref = rb.add(std::move(c));
    if (dep.rfind("direct", 0) == 0) rb.direct(ref);
  }
}

bool matches_pubspec_lock(std::string_view filename, std::string_view) { return filename == "pubspec.lock"; }

}  // namespace

const Cataloger kPubspecLockCataloger{"pubspec-lock", matches_pubspec_lock, catalog_pubspec_lock};

}  // namespace hallmark::sbom::internal
