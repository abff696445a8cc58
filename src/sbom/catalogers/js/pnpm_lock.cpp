// pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x. Keys differ by version:
//   v5  packages["/@scope/name/1.2.3_peer@1"], importer deps {name: "1.2.3_peer@1"}
//   v6  packages["/@scope/name@1.2.3(peer@1)"], importer deps {name: {specifier, version}}
//   v9  packages["@scope/name@1.2.3"] (metadata) + snapshots["...@1.2.3(peer@1)"] (edges)
// Peer-dependency variants of one name@version are one component (same purl). Every importer
// is a project: "." is the repository root, the others are workspace members with their own
// edges; "link:" versions point at another importer.
#include "catalogers/catalog_util.hpp"

#include "hallmark/sbom/purl.hpp"

#include "catalogers/yaml_tree.hpp"

#include <algorithm>
#include <filesystem>

namespace hallmark::sbom::internal {
namespace {

std::string strip_peers(std::string v) {
  size_t paren = v.find('(');
  if (paren != std::string::npos) v.erase(paren);
  return v;
}

struct NameVersion {
  std::string name, version;
};

// A packages/snapshots key -> name and version, per lockfile major version.
NameVersion parse_key(std::string key, int major) {
  if (!key.empty() && key[0] == '/') key.erase(0, 1);
  if (major >= 6) {
    key = strip_peers(key);
    size_t at = key.find('@', key.size() && key[0] == '@' ? 1 : 0);
    if (at == std::string::npos) return {key, ""};
    return {key.substr(0, at), key.substr(at + 1)};
  }
  size_t slash = key.rfind('/');
  if (slash == std::string::npos) return {key, ""};
  std::string version = key.substr(slash + 1);
  if (size_t us = version.find('_'); us != std::string::npos) version.erase(us);
  return {key.substr(0, slash), version};
}

std::string normalise_path(const std::string& p) {
  std::string n = std::filesystem::path(p).lexically_normal().generic_string();
  if (n.size() > 1 && n.back() == '/') n.pop_back();
  return n.empty() ? "." : n;
}

// One lockfile being catalogued: the components found so far and the key -> bom_ref map that
// resolves edges, shared by the passes below.
struct PnpmCatalog {
  PnpmCatalog(const CatalogInput& input, CatalogResult& result, int lock_major)
      : in(input), out(result), major(lock_major) {}

  const CatalogInput& in;
  CatalogResult& out;
  int major;
  std::map<std::string, size_t> index;  // bom_ref -> position in out.components
  bool has_dev_flags = false;
  std::map<std::string, std::string> ref_of_key;  // key without leading '/', peers kept

  std::string component_for(const NameVersion& nv, const YamlNode* meta) {
    Component c = npm_component(nv.name, nv.version, in);
    if (nv.version.find(':') != std::string::npos || nv.version.find('/') != std::string::npos) {
      c.qualifiers["download_url"] = nv.version;  // tarball or git dependency
      c.version.clear();
      if (meta) c.version = meta->str("version");
      c.bom_ref = make_purl(c);
    }
    auto [it, fresh] = index.emplace(c.bom_ref, out.components.size());
    if (fresh) {
      if (const YamlNode* res = meta ? meta->get("resolution") : nullptr) {
        std::string integrity = res->str("integrity");
        auto [hashes, problem] = sri_to_hashes(integrity);
        c.hashes = std::move(hashes);
        if (!problem.empty()) add_warning(out, in, integrity_warning(c.bom_ref, integrity, problem));
      }
      if (meta && meta->get("dev")) {
        has_dev_flags = true;
        c.scope = meta->flag("dev") ? Scope::excluded : meta->flag("optional") ? Scope::optional : Scope::required;
      }
      out.components.push_back(std::move(c));
    }
    return it->first;
  }

  // Packages (metadata): one component each. Returns them by key for the v9 snapshot pass, since
  // yaml-cpp looks map keys up by a linear scan.
  std::map<std::string, const YamlNode*> add_packages(const YamlNode* packages) {
    std::map<std::string, const YamlNode*> package_meta;
    if (packages && packages->is_map())
      for (const YamlEntry& e : packages->entries) {
        std::string key = e.key;
        package_meta[key] = e.value;
        NameVersion nv = parse_key(key, major);
        if (nv.name.empty() || nv.version.empty()) {
          add_warning(out, in,
                      "line " + std::to_string(e.line) + ": packages key '" + key + "' has no name@version; skipped");
          continue;
        }
        if (key[0] == '/') key.erase(0, 1);
        ref_of_key[key] = component_for(nv, e.value);
      }
    return package_meta;
  }

  // v9 snapshots: one per peer variant, holding the edges.
  void add_snapshots(const YamlNode* snapshots, const std::map<std::string, const YamlNode*>& package_meta) {
    if (snapshots && snapshots->is_map())
      for (const YamlEntry& e : snapshots->entries) {
        NameVersion nv = parse_key(e.key, major);
        if (nv.name.empty() || nv.version.empty()) continue;
        auto meta_it = package_meta.find(nv.name + "@" + nv.version);
        ref_of_key[e.key] = component_for(nv, meta_it == package_meta.end() ? nullptr : meta_it->second);
      }
  }

  // A dependency value -> the key it names: "1.2.3(peer@1)" (v6/v9), "1.2.3_peer@1" (v5),
  // "other-name@1.2.3" (v9 alias), "/other-name/1.2.3" or "/other-name@1.2.3" (v5/v6 alias).
  std::string resolve_value(const std::string& name, const std::string& value) const {
    if (value.rfind("link:", 0) == 0) return "";
    std::string key;
    if (!value.empty() && value[0] == '/') key = value.substr(1);
    else if (major >= 9 && value.find('@', value[0] == '@' ? 1 : 0) != std::string::npos &&
             value.find('@', value[0] == '@' ? 1 : 0) < value.find('('))
      key = value;
    else key = major >= 6 ? name + "@" + value : name + "/" + value;
    auto it = ref_of_key.find(key);
    if (it != ref_of_key.end()) return it->second;
    // Fall back to the peer-less variant.
    NameVersion nv = parse_key(key, major);
    std::string plain = major >= 6 ? nv.name + "@" + nv.version : nv.name + "/" + nv.version;
    it = ref_of_key.find(plain);
    return it != ref_of_key.end() ? it->second : std::string();
  }

  // Package -> package edges, from `packages` (v5/v6) or `snapshots` (v9).
  void link_packages(const YamlNode* graph) {
    if (graph && graph->is_map())
      for (const YamlEntry& e : graph->entries) {
        std::string key = e.key;
        if (!key.empty() && key[0] == '/') key.erase(0, 1);
        auto from = ref_of_key.find(key);
        if (from == ref_of_key.end() || !e.value) continue;
        for (const char* section : {"dependencies", "optionalDependencies"}) {
          const YamlNode* deps = e.value->get(section);
          if (!deps || !deps->is_map()) continue;
          for (const YamlEntry& d : deps->entries) {
            std::string name = d.key, value = d.value ? d.value->scalar : std::string();
            std::string to = resolve_value(name, value);
            if (to.empty()) {
              if (std::string_view(section) == "dependencies" && value.rfind("link:", 0) != 0)
                add_warning(out, in,
                            "line " + std::to_string(d.line) + ": " + key + " depends on " + name + "@" + value +
                                ", which is not in the lockfile; edge dropped");
              continue;
            }
            add_edge(out, from->second, to);
          }
        }
      }
  }
};

struct Importer {
  std::string path;
  const YamlNode* node;
};

// Importers (v5.3+/v6/v9), or the single-project layout of older v5 files.
std::vector<Importer> importers_of(const YamlNode* doc) {
  std::vector<Importer> importers;
  if (const YamlNode* imp = doc->get("importers"); imp && imp->is_map()) {
    for (const YamlEntry& e : imp->entries)
      if (e.value) importers.push_back({normalise_path(e.key.empty() ? "." : e.key), e.value});
  } else {
    importers.push_back({".", doc});
  }
  return importers;
}

// Every importer but "." is a workspace member, a project of its own. Returns importer path ->
// bom_ref ("" for ".").
std::map<std::string, std::string> add_projects(const std::vector<Importer>& importers, const CatalogInput& in,
                                                CatalogResult& out) {
  std::map<std::string, std::string> project_ref;
  for (const Importer& imp : importers) {
    if (imp.path == ".") {
      project_ref["."] = "";
      continue;
    }
    std::string name = imp.path, version;
    if (in.read_sibling)
      if (auto text = in.read_sibling(imp.path + "/package.json"))
        if (auto pj = parse_package_json(*text)) {
          if (!pj->name.empty()) name = pj->name;
          version = pj->version;
        }
    Component p = npm_component(name, version, in);
    p.type = "application";
    p.properties["hallmark:workspace-path"] = imp.path;
    project_ref[imp.path] = p.bom_ref;
    out.projects.push_back(std::move(p));
  }
  return project_ref;
}

// Importer -> package edges ("." gives the direct dependencies). Returns what the importers'
// production dependencies point at.
std::vector<std::string> link_importers(const PnpmCatalog& cat, const std::vector<Importer>& importers,
                                        std::map<std::string, std::string>& project_ref) {
  const CatalogInput& in = cat.in;
  CatalogResult& out = cat.out;
  std::vector<std::string> prod;
  for (const Importer& imp : importers) {
    const std::string& from = project_ref[imp.path];
    for (const char* section : {"dependencies", "optionalDependencies", "devDependencies"}) {
      const YamlNode* deps = imp.node->get(section);
      if (!deps || !deps->is_map()) continue;
      bool dev = std::string_view(section) == "devDependencies";
      for (const YamlEntry& d : deps->entries) {
        std::string name = d.key;
        std::string value = !d.value ? std::string() : d.value->is_map() ? d.value->str("version") : d.value->scalar;
        std::string to;
        if (value.rfind("link:", 0) == 0) {
          std::string target = normalise_path(imp.path + "/" + value.substr(5));
          auto it = project_ref.find(target);
          if (it == project_ref.end() || it->second.empty()) continue;  // a folder outside the workspace
          to = it->second;
        } else {
          to = cat.resolve_value(name, value);
        }
        if (to.empty()) {
          add_warning(out, in,
                      "line " + std::to_string(d.line) + ": importer " + imp.path + " dependency " + name + "@" +
                          value + " is not in the lockfile; edge dropped");
          continue;
        }
        if (from.empty()) {
          if (std::find(out.direct.begin(), out.direct.end(), to) == out.direct.end()) out.direct.push_back(to);
        } else {
          add_edge(out, from, to);
        }
        if (!dev) prod.push_back(to);
      }
    }
  }
  return prod;
}

void catalog_pnpm(const CatalogInput& in, CatalogResult& out) {
  YamlDocument parsed;
  const YamlNode* doc = parse_yaml_mapping(in, out, parsed);
  if (!doc) return;
  std::string lv = doc->str("lockfileVersion");
  int major = lv.empty() ? 0 : std::atoi(lv.c_str());
  if (major < 5) {
    add_warning(out, in, "lockfileVersion '" + lv + "' is not 5, 6 or 9; skipped");
    return;
  }

  PnpmCatalog cat{in, out, major};
  const YamlNode* packages = doc->get("packages");
  std::map<std::string, const YamlNode*> package_meta = cat.add_packages(packages);
  const YamlNode* graph = major >= 9 ? doc->get("snapshots") : packages;
  if (major >= 9) cat.add_snapshots(graph, package_meta);
  cat.link_packages(graph);

  std::vector<Importer> importers = importers_of(doc);
  std::map<std::string, std::string> project_ref = add_projects(importers, in, out);
  std::vector<std::string> prod = link_importers(cat, importers, project_ref);
  if (!cat.has_dev_flags) {
    // v9 dropped the dev flags: what no importer's production dependencies reach is dev-only.
    scope_by_reachability(out, prod);
  }
}

bool matches_pnpm(std::string_view filename, std::string_view) { return filename == "pnpm-lock.yaml"; }

}  // namespace

extern const Cataloger kPnpmLockCataloger{"pnpm-lock", matches_pnpm, catalog_pnpm};

}  // namespace hallmark::sbom::internal
