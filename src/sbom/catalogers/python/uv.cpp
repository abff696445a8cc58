// uv.lock: [[package]] with name, version, source ({registry}, {git}, {editable}, {virtual},
// {directory}, {path}, {url}), dependencies [{name, version?, marker?, extra?}],
// optional-dependencies and dev-dependencies tables. Editable/virtual sources are workspace
// members: the one at "." is the project itself (metadata.component), the others are projects
// with their own edges. (cdxgen 12.8.4 crashes on this format.)
#include "catalogers/python/lock_common.hpp"

#include "hallmark/sbom/purl.hpp"

namespace hallmark::sbom::internal {
namespace {

struct Pending {
  std::string ref;
  const toml::table* pkg;
  bool is_root;
};

// The component of one [[package]]; `member`/`is_root` say whether its source makes it a
// workspace member, and the one at ".".
Component uv_component(const toml::table& pkg, const std::string& name, const std::string& version,
                       const CatalogInput& in, bool& member, bool& is_root) {
  Component c = pypi_component(name, version, in);
  const toml::table* source = pkg["source"].as_table();
  if (source) {
    if (auto e = (*source)["editable"].value<std::string>()) member = true, is_root = *e == ".";
    if (auto v = (*source)["virtual"].value<std::string>()) member = true, is_root = *v == ".";
    if (auto g = (*source)["git"].value<std::string>()) {
      c.qualifiers["vcs_url"] = *g;
      c.bom_ref = make_purl(c);
    }
    if (auto u = (*source)["url"].value<std::string>()) {
      c.qualifiers["download_url"] = *u;
      c.bom_ref = make_purl(c);
    }
  }
  if (auto sdist = pkg["sdist"]["hash"].value<std::string>(); sdist && !pkg["wheels"]) {
    // A package with only an sdist has one artifact, so its hash is the package's.
    if (starts_with(*sdist, "sha256:")) c.hashes.push_back(Hash{"SHA-256", sdist->substr(7)});
  }
  return c;
}

// One uv.lock being catalogued: packages by name, for the edges that follow.
struct UvLock {
  UvLock(const CatalogInput& input, CatalogResult& result) : in(input), out(result) {}

  const CatalogInput& in;
  CatalogResult& out;
  NameIndex by_name;
  std::map<std::string, std::string> by_name_version;  // "name@version" -> ref
  std::vector<Pending> pending;
  std::string root_ref;
  std::vector<std::string> prod;

  void add_package(const toml::table* pkg) {
    auto name = (*pkg)["name"].value<std::string>();
    if (!name) {
      add_warning(out, in, "line " + std::to_string(pkg->source().begin.line) + ": [[package]] without name; skipped");
      return;
    }
    std::string version = (*pkg)["version"].value_or(std::string());
    bool member = false, is_root = false;
    Component c = uv_component(*pkg, *name, version, in, member, is_root);
    by_name[pep503(*name)].push_back(c.bom_ref);
    by_name_version[pep503(*name) + "@" + version] = c.bom_ref;
    pending.push_back({c.bom_ref, pkg, is_root});
    if (is_root) {
      root_ref = c.bom_ref;
      out.projects.push_back(std::move(c));  // the builder folds it into metadata.component
    } else if (member) {
      c.type = "application";
      out.projects.push_back(std::move(c));
    } else {
      out.components.push_back(std::move(c));
    }
  }

  std::vector<std::string> resolve(const toml::node& dep) const {
    const toml::table* t = dep.as_table();
    if (!t) return {};
    auto name = (*t)["name"].value<std::string>();
    if (!name) return {};
    if (auto v = (*t)["version"].value<std::string>()) {
      auto it = by_name_version.find(pep503(*name) + "@" + *v);
      return it == by_name_version.end() ? std::vector<std::string>{} : std::vector<std::string>{it->second};
    }
    auto it = by_name.find(pep503(*name));
    return it == by_name.end() ? std::vector<std::string>{} : it->second;
  }

  // The root's dependencies are direct (and, unless dev, production); the others are edges.
  void edges(const Pending& p, const toml::node* arr, bool dev) {
    if (!arr || !arr->is_array()) return;
    for (const toml::node& dep : *arr->as_array())
      for (const std::string& to : resolve(dep)) {
        if (p.is_root) {
          if (std::find(out.direct.begin(), out.direct.end(), to) == out.direct.end()) out.direct.push_back(to);
          if (!dev) prod.push_back(to);
        } else {
          add_edge(out, p.ref, to);
        }
      }
  }

  void link(const Pending& p) {
    edges(p, (*p.pkg)["dependencies"].node(), false);
    if (auto* opt = (*p.pkg)["optional-dependencies"].as_table())
      for (auto& [extra, arr] : *opt) edges(p, &arr, false);
    if (auto* dev = (*p.pkg)["dev-dependencies"].as_table())
      for (auto& [group, arr] : *dev) edges(p, &arr, true);
  }
};

void catalog_uv(const CatalogInput& in, CatalogResult& out) {
  auto doc = parse_toml(in, out);
  if (!doc) return;
  auto* packages = (*doc)["package"].as_array();
  if (!packages) return;
  UvLock lock(in, out);
  for (const toml::node& node : *packages)
    if (const toml::table* pkg = node.as_table()) lock.add_package(pkg);
  for (const Pending& p : lock.pending) lock.link(p);
  std::vector<std::string>& prod = lock.prod;
  const std::string& root_ref = lock.root_ref;
  // Members' own dependencies are production dependencies of the workspace.
  for (const Component& m : out.projects)
    if (m.bom_ref != root_ref)
      if (auto it = out.edges.find(m.bom_ref); it != out.edges.end())
        prod.insert(prod.end(), it->second.begin(), it->second.end());
  if (!root_ref.empty()) scope_by_reachability(out, prod);
}

bool matches_uv(std::string_view filename, std::string_view) { return filename == "uv.lock"; }

}  // namespace

extern const Cataloger kUvLockCataloger{"python-uv-lock", matches_uv, catalog_uv};

}  // namespace hallmark::sbom::internal
