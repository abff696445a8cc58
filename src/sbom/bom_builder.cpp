#include "hallmark/sbom/bom_builder.hpp"

#include "hallmark/sbom/archive.hpp"
#include "hallmark/sbom/purl.hpp"
#include "hallmark/sbom/project_identity.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/glob.hpp"

#include <algorithm>
#include <set>
#include <system_error>

namespace hallmark::sbom {
namespace fs = std::filesystem;

namespace {

// Folders that hold installed or vendored copies of dependencies the lockfiles already describe
// (walking them would double-count and cost seconds), and VCS metadata.
const char* const kVendoredDirs[] = {"node_modules", "vendor", "bower_components", "jspm_packages"};
const char* const kAlwaysSkipped[] = {".git", ".hg", ".svn"};

std::string join_rel(const std::string& base, const std::string& name) {
  return base.empty() ? name : base + "/" + name;
}

std::optional<std::string> read_small(const fs::path& p, uint64_t max_bytes) {
  std::error_code ec;
  auto st = fs::symlink_status(p, ec);
  if (ec || !fs::is_regular_file(st)) return std::nullopt;  // never follow links, FIFOs, devices
  auto r = read_file(p, max_bytes);
  if (!r.ok()) return std::nullopt;
  return std::move(r.value());
}

void run_catalogers(const std::string& display, std::string_view content, const fs::path& dir, bool include_dev,
                    const fs::path& go_module_cache, std::vector<CatalogResult>& results) {
  std::string_view filename = display;
  if (size_t slash = filename.rfind('/'); slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  for (const Cataloger& c : catalogers()) {
    if (!c.matches(filename, display)) continue;
    CatalogInput in;
    in.path = display;
    in.content = content;
    in.dir = dir;
    in.include_dev = include_dev;
    in.go_module_cache = go_module_cache;
    if (!dir.empty())
      in.read_sibling = [dir](const std::string& rel) -> std::optional<std::string> {
        fs::path p = (dir / rel).lexically_normal();
        return read_small(p, uint64_t(64) << 20);
      };
    CatalogResult r;
    try {
      c.catalog(in, r);
    } catch (const std::exception& e) {
      // A cataloger bug or a library throwing on hostile input must not take the run down.
      r.warnings.push_back(Diagnostic{display, std::string(c.name) + " failed: " + e.what()});
    }
    results.push_back(std::move(r));
  }
}

struct Walker {
  const BomOptions& options;
  std::vector<CatalogResult>& results;
  Diagnostics& warnings;
  std::vector<Component>& artifacts;

  bool excluded(const std::string& rel) const {
    for (const std::string& g : options.excludes)
      if (glob_match(g, rel)) return true;
    return false;
  }

  void file(const fs::path& p, const std::string& display) {
    std::string filename = p.filename().string();
    bool any = false;
    for (const Cataloger& c : catalogers())
      if (c.matches(filename, display)) any = true;
    if (!any) {
      if (is_archive_name(filename)) archive(p, display);
      return;
    }
    std::error_code ec;
    uint64_t size = fs::file_size(p, ec);
    if (!ec && size > options.max_file_bytes) {
      warnings.report(
          Diagnostic{display, "larger than " + std::to_string(options.max_file_bytes >> 20) + " MiB; not catalogued"});
      return;
    }
    auto content = read_file(p, options.max_file_bytes);
    if (!content.ok()) {
      warnings.report(Diagnostic{display, "cannot read: " + content.message()});
      return;
    }
    run_catalogers(display, *content, p.parent_path(), options.include_dev, options.go_module_cache, results);
  }

  void archive(const fs::path& p, const std::string& display, bool in_tree = true) {
    ArchiveOptions ao;
    ao.include_dev = options.include_dev;
    auto r = catalog_archive(p, display, ao);
    if (!r.ok()) {
      warnings.report(Diagnostic{display, r.message()});
      return;
    }
    for (CatalogResult& cr : r->results) results.push_back(std::move(cr));
    for (Diagnostic& w : r->warnings) warnings.report(std::move(w));
    // Inside a tree, a jar or wheel is itself a dependency; an archive given alone is the root.
    if (in_tree)
      if (auto dep = archive_as_dependency(r->artifact, display)) results.push_back(std::move(*dep));
    artifacts.push_back(std::move(r->artifact));
  }

  void dir(const fs::path& d, const std::string& rel, const std::string& display_base, int depth) {
    if (depth > 128) {
      warnings.report(Diagnostic{join_rel(display_base, rel), "directory nesting deeper than 128; not walked"});
      return;
    }
    std::error_code ec;
    fs::directory_iterator it(d, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      warnings.report(Diagnostic{join_rel(display_base, rel), "cannot list directory: " + ec.message()});
      return;
    }
    // Sorted so warnings and occurrences come out in a stable order.
    std::vector<fs::directory_entry> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(*it);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    for (const fs::directory_entry& e : entries) {
      std::string name = e.path().filename().string();
      std::string r = join_rel(rel, name);
      if (excluded(r)) continue;
      std::error_code sec;
      fs::file_status st = e.symlink_status(sec);
      if (sec) continue;
      if (fs::is_directory(st)) {
        bool skip =
            std::any_of(std::begin(kAlwaysSkipped), std::end(kAlwaysSkipped), [&](const char* s) { return name == s; });
        if (!options.include_vendored)
          skip = skip || std::any_of(std::begin(kVendoredDirs), std::end(kVendoredDirs),
                                     [&](const char* s) { return name == s; });
        if (!skip) dir(e.path(), r, display_base, depth + 1);
      } else if (fs::is_regular_file(st)) {
        file(e.path(), join_rel(display_base, r));
      }
      // Symlinks, FIFOs, sockets and devices are never opened: a link may point outside the tree
      // or loop, and a FIFO would block the walk.
    }
  }
};

int scope_rank(Scope s) { return s == Scope::required ? 2 : s == Scope::optional ? 1 : 0; }

void merge_into(Component& into, Component&& from) {
  for (std::string& o : from.occurrences)
    if (std::find(into.occurrences.begin(), into.occurrences.end(), o) == into.occurrences.end())
      into.occurrences.push_back(std::move(o));
  for (Hash& h : from.hashes) {
    auto same = std::find_if(into.hashes.begin(), into.hashes.end(), [&](const Hash& x) { return x.alg == h.alg; });
    if (same == into.hashes.end()) into.hashes.push_back(std::move(h));
  }
  for (std::string& l : from.licenses)
    if (std::find(into.licenses.begin(), into.licenses.end(), l) == into.licenses.end())
      into.licenses.push_back(std::move(l));
  if (scope_rank(from.scope) > scope_rank(into.scope)) into.scope = from.scope;
  for (auto& [k, v] : from.properties) into.properties.emplace(k, v);
  if (into.type == "library" && from.type != "library") into.type = from.type;
  if (into.download_location.empty()) into.download_location = std::move(from.download_location);
  if (into.supplier.empty()) into.supplier = std::move(from.supplier);
}

// The components of every result merged by purl, and how each result's own refs map onto them.
struct MergedComponents {
  std::map<std::string, Component> by_purl;
  std::vector<std::map<std::string, std::string>> ref_maps;  // per result: its ref -> the merged one
  std::set<std::string> dropped_dev;                         // refs left out on purpose (dev-only, no --include-dev)
};

// A cataloger's bom_ref is normally its purl; map whatever it used to the merged component's ref
// so its edges follow. Moves the components out of `results` and reports their warnings.
MergedComponents merge_components(std::vector<CatalogResult>& results, const Component& root, Diagnostics& diag) {
  const std::string root_purl = root.purl_type.empty() ? "" : make_purl(root);
  MergedComponents m;
  m.ref_maps.resize(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    CatalogResult& r = results[i];
    for (Diagnostic& w : r.warnings) diag.report(std::move(w));
    auto absorb = [&](Component& c, bool project) {
      std::string purl = make_purl(c);
      std::string old_ref = c.bom_ref.empty() ? purl : c.bom_ref;
      if (!root_purl.empty() && purl == root_purl) {
        m.ref_maps[i][old_ref] = root.bom_ref;  // the project itself: metadata.component
        return;
      }
      if (project && c.type == "library") c.type = "application";
      m.ref_maps[i][old_ref] = purl;
      c.bom_ref = purl;
      auto it = m.by_purl.find(purl);
      if (it == m.by_purl.end()) m.by_purl.emplace(purl, std::move(c));
      else merge_into(it->second, std::move(c));
    };
    for (Component& c : r.components) absorb(c, false);
    for (Component& c : r.projects) absorb(c, true);
  }
  return m;
}

// Decided after merging: a package that is dev in one manifest and required in another is required.
void drop_dev_only(MergedComponents& m) {
  for (auto it = m.by_purl.begin(); it != m.by_purl.end();) {
    if (it->second.scope == Scope::excluded) {
      m.dropped_dev.insert(it->first);
      it = m.by_purl.erase(it);
    } else {
      ++it;
    }
  }
}

// Every result's edges, remapped to merged refs; an edge to nothing catalogued is dropped and
// counted in one warning.
std::map<std::string, std::set<std::string>> dependency_graph(const std::string& root_ref,
                                                              const std::vector<CatalogResult>& results,
                                                              const MergedComponents& m, Diagnostics& diag) {
  std::map<std::string, std::set<std::string>> graph;
  graph[root_ref];
  for (auto& [purl, c] : m.by_purl) graph[purl];
  size_t dangling = 0;
  std::string first_dangling;
  for (size_t i = 0; i < results.size(); ++i) {
    // A ref the result did not define itself may still name a component another manifest
    // found (refs are purls), e.g. a workspace member's lockfile pointing at a shared package.
    auto map_ref = [&](const std::string& ref) -> std::string {
      auto it = m.ref_maps[i].find(ref);
      if (it != m.ref_maps[i].end()) return it->second;
      return m.by_purl.count(ref) || m.dropped_dev.count(ref) ? ref : std::string();
    };
    auto link = [&](const std::string& from, const std::string& to_raw) {
      std::string to = map_ref(to_raw);
      if (to.empty() || (!graph.count(to))) {
        if (!m.dropped_dev.count(to.empty() ? to_raw : to)) {
          ++dangling;
          if (first_dangling.empty()) first_dangling = from + " -> " + to_raw;
        }
        return;
      }
      if (from != to) graph[from].insert(to);
    };
    for (const std::string& d : results[i].direct) link(root_ref, d);
    for (auto& [from_raw, tos] : results[i].edges) {
      std::string from = map_ref(from_raw);
      if (from.empty() || !graph.count(from)) continue;  // edges of a dropped dev package
      for (const std::string& to : tos) link(from, to);
    }
  }
  if (dangling)
    diag.report(Diagnostic{"", std::to_string(dangling) +
                                   " dependency edge(s) point at no catalogued component "
                                   "and were dropped (first: " +
                                   first_dangling + ")"});
  return graph;
}

}  // namespace

CatalogResult catalog_file(const std::string& display_path, std::string_view content, const fs::path& dir,
                           bool include_dev, const fs::path& go_module_cache) {
  std::vector<CatalogResult> results;
  run_catalogers(display_path, content, dir, include_dev, go_module_cache, results);
  CatalogResult all;
  for (CatalogResult& r : results) {
    for (auto& c : r.components) all.components.push_back(std::move(c));
    for (auto& c : r.projects) all.projects.push_back(std::move(c));
    for (auto& d : r.direct) all.direct.push_back(std::move(d));
    for (auto& [k, v] : r.edges) all.edges[k].insert(all.edges[k].end(), v.begin(), v.end());
    for (auto& w : r.warnings) all.warnings.push_back(std::move(w));
  }
  return all;
}

Bom merge_results(Component root, std::vector<CatalogResult> results, bool include_dev, Diagnostics& diag) {
  Bom bom;
  if (root.bom_ref.empty()) root.bom_ref = root.purl_type.empty() ? "root:" + root.name : make_purl(root);
  MergedComponents merged = merge_components(results, root, diag);
  // Dev-only packages are left out unless asked for.
  if (!include_dev) drop_dev_only(merged);
  // bom-refs: the purl. Two components can only share one if the purl is the same, and those
  // were merged, so refs are unique; the root gets a distinct one if it collides.
  if (merged.by_purl.count(root.bom_ref)) root.bom_ref += "#root";
  std::map<std::string, std::set<std::string>> graph = dependency_graph(root.bom_ref, results, merged, diag);

  bom.root = std::move(root);
  bom.components.reserve(merged.by_purl.size());
  for (auto& [purl, c] : merged.by_purl) {
    std::sort(c.occurrences.begin(), c.occurrences.end());
    bom.components.push_back(std::move(c));
  }
  for (auto& [from, tos] : graph) bom.dependencies[from] = std::vector<std::string>(tos.begin(), tos.end());
  return bom;
}

Result<Bom> build_bom(const BomOptions& options, Diagnostics& diag) {
  std::vector<CatalogResult> results;
  Diagnostics warnings;  // the walk's own, after the catalogers' (merge_results) as always
  std::vector<Component> artifacts;
  Walker walker{options, results, warnings, artifacts};
  std::vector<fs::path> paths = options.paths.empty() ? std::vector<fs::path>{"."} : options.paths;
  for (const fs::path& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);  // a PATH given by the user may be a symlink: follow it
    if (ec || !fs::exists(st))
      return make_error(p.string() + ": no such file or directory (give a directory, a manifest or an archive)");
    if (fs::is_directory(st)) {
      // Evidence paths are relative to the PATH (the same SBOM from any checkout location); with
      // several PATHs each keeps its PATH as a prefix so they stay distinguishable.
      walker.dir(p, "", paths.size() == 1 || p == "." ? "" : p.generic_string(), 0);
    } else if (fs::is_regular_file(st)) {
      std::string display = p.generic_string();
      bool any = false;
      for (const Cataloger& c : catalogers())
        if (c.matches(p.filename().string(), display)) any = true;
      if (!any && is_archive_name(p.filename().string())) walker.archive(p, display, /*in_tree=*/false);
      else if (!any) warnings.warn(display, "no cataloger reads this kind of file");
      else walker.file(p, display);
    } else {
      return make_error(p.string() + ": not a directory, regular file or archive");
    }
  }
  Component root;
  if (paths.size() == 1 && artifacts.size() == 1 && fs::is_regular_file(paths[0])) {
    root = artifacts[0];
  } else {
    fs::path base = fs::is_directory(paths[0]) ? paths[0] : paths[0].parent_path();
    root = detect_project(base.empty() ? fs::path(".") : base);
  }
  Bom bom = merge_results(std::move(root), std::move(results), options.include_dev, diag);
  diag.absorb(warnings);
  return bom;
}

}  // namespace hallmark::sbom
