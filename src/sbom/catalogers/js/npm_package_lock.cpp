// npm package-lock.json / npm-shrinkwrap.json, lockfile versions 1, 2 and 3.
// v1 nests "dependencies" as the node_modules tree; v2/v3 list "packages" by install path
// ("node_modules/a/node_modules/b"). Either way a dependency is resolved the way Node's
// require() does it: the nearest node_modules folder up the tree that holds the name. v2 files
// carry both sections; "packages" is the complete one and wins.
#include "catalogers/catalog_util.hpp"

#include "hallmark/sbom/purl.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace hallmark::sbom::internal {
namespace {

using nlohmann::json;

Scope scope_of(const json& e) {
  if (e.value("dev", false)) return Scope::excluded;
  if (e.value("optional", false) || e.value("devOptional", false)) return Scope::optional;
  return Scope::required;
}

// A version that is a URL or git spec ("github:a/b#sha", "git+https://...#sha") keeps the commit
// as version and the source as vcs_url; "file:" is a local folder, not a package.
void apply_version(Component& c, const std::string& version, const std::string& resolved) {
  c.version = version;
  if (version.find(':') != std::string::npos || version.find('/') != std::string::npos) {
    size_t hash = version.rfind('#');
    c.version = hash == std::string::npos ? "" : version.substr(hash + 1);
    c.qualifiers["vcs_url"] = hash == std::string::npos ? version : version.substr(0, hash);
  } else if (!resolved.empty() && resolved.rfind("git", 0) == 0) {
    c.qualifiers["vcs_url"] = resolved;
  } else if (resolved.rfind("https://", 0) == 0 || resolved.rfind("http://", 0) == 0) {
    c.download_location = resolved;
  }
  c.bom_ref = make_purl(c);
}

void add_hashes(Component& c, const json& e, const CatalogInput& in, CatalogResult& out) {
  auto it = e.find("integrity");
  if (it == e.end() || !it->is_string()) return;
  const std::string& integrity = it->get_ref<const std::string&>();
  auto [hashes, problem] = sri_to_hashes(integrity);
  c.hashes = std::move(hashes);
  if (!problem.empty())
    add_warning(out, in,
                "line " + std::to_string(find_line(in.content, integrity)) + ": " +
                    integrity_warning(c.name + "@" + c.version, integrity, problem));
}

// ---- lockfileVersion 2 and 3: "packages" keyed by install path ----
using RefMap = std::map<std::string, std::string>;

// One component per installed package and one project per workspace folder. Fills ref_at
// (install path -> bom_ref, links included) and project_at (workspace folder -> project bom_ref).
void add_packages(const json& packages, const CatalogInput& in, CatalogResult& out, RefMap& ref_at,
                  RefMap& project_at) {
  out.components.reserve(out.components.size() + packages.size());
  for (auto& [path, e] : packages.items()) {
    if (!e.is_object() || path.empty()) continue;
    size_t nm = path.rfind("node_modules/");
    if (nm == std::string::npos) {
      // A workspace member folder ("packages/foo"): the project, not a registry package.
      Component p = npm_component(e.value("name", path), e.value("version", ""), in);
      p.type = "application";
      p.properties["hallmark:workspace-path"] = path;
      project_at[path] = p.bom_ref;
      out.projects.push_back(std::move(p));
      continue;
    }
    if (e.value("link", false)) continue;  // a symlink to a workspace folder, resolved below
    std::string name = e.value("name", path.substr(nm + 13));
    if (!e.contains("version")) {
      add_warning(out, in,
                  "line " + std::to_string(find_line(in.content, "\"" + path + "\"")) + ": packages[\"" + path +
                      "\"] has no version; skipped");
      continue;
    }
    Component c = npm_component(name, "", in);
    apply_version(c, e.value("version", ""), e.value("resolved", ""));
    add_hashes(c, e, in, out);
    c.scope = scope_of(e);
    if (e.contains("license") && e["license"].is_string()) c.licenses.push_back(e["license"]);
    ref_at[path] = c.bom_ref;
    out.components.push_back(std::move(c));
  }
  // Links: node_modules/<name> -> workspace folder.
  for (auto& [path, e] : packages.items())
    if (e.is_object() && e.value("link", false) && e.contains("resolved")) {
      auto it = project_at.find(e["resolved"].get<std::string>());
      if (it != project_at.end()) ref_at[path] = it->second;
    }
}

// What `dep` required from the package installed at `from` finds: the nearest node_modules up
// the tree that holds it.
const std::string* resolve_install(const RefMap& ref_at, std::string from, const std::string& dep) {
  for (;;) {
    std::string candidate = (from.empty() ? "" : from + "/") + "node_modules/" + dep;
    if (auto it = ref_at.find(candidate); it != ref_at.end()) return &it->second;
    if (from.empty()) return nullptr;
    size_t nm = from.rfind("/node_modules/");
    if (nm != std::string::npos) {
      from = from.substr(0, nm);
    } else if (from.rfind("node_modules/", 0) == 0) {
      from.clear();
    } else {
      from.clear();  // a workspace folder: its own node_modules, then the root's
    }
  }
}

// The edges of the package at `path`, or the direct dependencies when it is the root ("").
void link_package(const std::string& path, const json& e, const std::string& from_ref, const RefMap& ref_at,
                  const RefMap& project_at, const CatalogInput& in, CatalogResult& out) {
  bool is_root = path.empty();
  for (const char* section : {"dependencies", "optionalDependencies", "peerDependencies", "devDependencies"}) {
    bool dev = std::string_view(section) == "devDependencies";
    if (dev && !is_root && project_at.find(path) == project_at.end())
      continue;  // installed deps' dev deps are not installed
    auto sec = e.find(section);
    if (sec == e.end() || !sec->is_object()) continue;
    // Optional and peer dependencies may legitimately be absent (other platforms, unmet
    // peers); a missing regular dependency means an inconsistent lockfile.
    bool must_exist = std::string_view(section) == "dependencies";
    for (auto& [dep, range] : sec->items()) {
      (void)range;
      const std::string* to = resolve_install(ref_at, path, dep);
      if (!to) {
        if (must_exist)
          add_warning(out, in,
                      "line " + std::to_string(find_line(in.content, "\"" + path + "\"")) + ": packages[\"" + path +
                          "\"].dependencies." + dep + " is not in the lockfile; edge dropped");
        continue;
      }
      if (is_root) {
        if (std::find(out.direct.begin(), out.direct.end(), *to) == out.direct.end()) out.direct.push_back(*to);
      } else {
        add_edge(out, from_ref, *to);
      }
    }
  }
}

void catalog_packages(const json& packages, const CatalogInput& in, CatalogResult& out) {
  RefMap ref_at;      // install path -> bom_ref
  RefMap project_at;  // workspace folder -> project bom_ref
  add_packages(packages, in, out, ref_at, project_at);
  for (auto& [path, e] : packages.items()) {
    if (!e.is_object() || e.value("link", false)) continue;
    std::string from_ref;
    if (!path.empty()) {
      auto it = ref_at.find(path);
      auto pit = project_at.find(path);
      if (it != ref_at.end()) from_ref = it->second;
      else if (pit != project_at.end()) from_ref = pit->second;
      else continue;
    }
    link_package(path, e, from_ref, ref_at, project_at, in, out);
  }
}

// ---- lockfileVersion 1: nested "dependencies" tree ----
struct V1Node {
  const json* entry;
  const V1Node* parent;
  std::map<std::string, std::string> children;  // name -> bom_ref of the nested install
};

void walk_v1(const json& deps, V1Node& node, const CatalogInput& in, CatalogResult& out,
             std::vector<std::unique_ptr<V1Node>>& nodes, std::vector<std::pair<V1Node*, std::string>>& owners,
             int depth) {
  if (depth > 256) {
    add_warning(out, in, "dependencies nested deeper than 256 levels; rest skipped");
    return;
  }
  for (auto& [name, e] : deps.items()) {
    if (!e.is_object() || !e.contains("version") || !e["version"].is_string()) {
      add_warning(out, in,
                  "line " + std::to_string(find_line(in.content, "\"" + name + "\": {")) + ": dependencies." + name +
                      " has no version; skipped");
      continue;
    }
    std::string version = e["version"].get<std::string>();
    if (version.rfind("file:", 0) == 0) continue;  // a local folder, not a package
    Component c = npm_component(name, "", in);
    apply_version(c, version, e.value("resolved", ""));
    add_hashes(c, e, in, out);
    c.scope = scope_of(e);
    node.children[name] = c.bom_ref;
    std::string ref = c.bom_ref;
    out.components.push_back(std::move(c));
    auto child = std::make_unique<V1Node>(V1Node{&e, &node, {}});
    V1Node* raw = child.get();
    nodes.push_back(std::move(child));
    owners.emplace_back(raw, ref);
    if (auto sub = e.find("dependencies"); sub != e.end() && sub->is_object())
      walk_v1(*sub, *raw, in, out, nodes, owners, depth + 1);
  }
}

void catalog_v1(const json& lock, const CatalogInput& in, CatalogResult& out) {
  V1Node root{&lock, nullptr, {}};
  std::vector<std::unique_ptr<V1Node>> nodes;
  std::vector<std::pair<V1Node*, std::string>> owners;
  if (auto deps = lock.find("dependencies"); deps != lock.end() && deps->is_object())
    walk_v1(*deps, root, in, out, nodes, owners, 0);

  auto resolve = [](const V1Node* n, const std::string& dep) -> const std::string* {
    for (; n; n = n->parent)
      if (auto it = n->children.find(dep); it != n->children.end()) return &it->second;
    return nullptr;
  };
  for (auto& [node, ref] : owners) {
    auto req = node->entry->find("requires");
    if (req == node->entry->end() || !req->is_object()) continue;
    for (auto& [dep, range] : req->items()) {
      (void)range;
      if (const std::string* to = resolve(node, dep)) add_edge(out, ref, *to);
      // A v1 "requires" entry without an install is an optional dependency of another platform.
    }
  }
  // v1 has no root entry: the project's direct dependencies come from package.json beside it,
  // else every top-level package that no other package requires.
  std::optional<PackageJson> pj;
  if (in.read_sibling)
    if (auto text = in.read_sibling("package.json")) pj = parse_package_json(*text);
  if (pj) {
    for (const auto* m : {&pj->dependencies, &pj->dev_dependencies, &pj->optional_dependencies})
      for (auto& [dep, range] : *m)
        if (auto it = root.children.find(dep); it != root.children.end()) out.direct.push_back(it->second);
  } else {
    std::set<std::string> required;
    for (auto& [from, tos] : out.edges) required.insert(tos.begin(), tos.end());
    for (auto& [dep, ref] : root.children)
      if (!required.count(ref)) out.direct.push_back(ref);
  }
}

void catalog_npm_lock(const CatalogInput& in, CatalogResult& out) {
  json lock = json::parse(in.content, nullptr, false);
  if (lock.is_discarded() || !lock.is_object()) {
    // nlohmann's exception-free parse gives no position: re-parse to get the byte offset.
    std::string where;
    try {
      json strict = json::parse(in.content);
      (void)strict;
    } catch (const json::parse_error& e) {
      where = "line " + std::to_string(line_of(in.content, e.byte)) + ": ";
    }
    add_warning(out, in, where + "not a JSON object (malformed lockfile); skipped");
    return;
  }
  int version = lock.value("lockfileVersion", 1);
  if (auto pk = lock.find("packages"); version >= 2 && pk != lock.end() && pk->is_object())
    catalog_packages(*pk, in, out);
  else catalog_v1(lock, in, out);
}

bool matches_npm_lock(std::string_view filename, std::string_view relpath) {
  // node_modules/.package-lock.json is npm's hidden copy: the directory walk skips node_modules.
  (void)relpath;
  return filename == "package-lock.json" || filename == "npm-shrinkwrap.json";
}

}  // namespace

extern const Cataloger kNpmPackageLockCataloger{"npm-package-lock", matches_npm_lock, catalog_npm_lock};

}  // namespace hallmark::sbom::internal
