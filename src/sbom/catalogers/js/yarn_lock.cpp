// yarn.lock, both dialects behind one file name: classic (v1, yarn's own indented format, parsed
// by hand because it is not YAML) and berry (v2+, real YAML with a __metadata block). The
// project's direct dependencies come from package.json beside the lockfile, never from the
// lockfile itself: yarn.lock lists every package, and making the root depend on all of them
// (cdxgen's reading) invents edges. Packages reachable only from devDependencies are scoped
// excluded.
#include "catalogers/catalog_util.hpp"

#include "hallmark/sbom/purl.hpp"

#include "catalogers/yaml_tree.hpp"

#include <algorithm>

namespace hallmark::sbom::internal {
namespace {

// "name@range" -> {name, range}; the name may be scoped ("@babel/core@^7").
std::pair<std::string, std::string> split_descriptor(std::string_view d) {
  size_t at = d.find('@', d.size() && d[0] == '@' ? 1 : 0);
  if (at == std::string_view::npos) return {std::string(d), ""};
  return {std::string(d.substr(0, at)), std::string(d.substr(at + 1))};
}

std::string unquote(std::string_view s) {
  std::string t = trim_space(s);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') return t.substr(1, t.size() - 2);
  return t;
}

// Root edges and dev scoping shared by both dialects. `lookup(name, range)` finds the bom_ref a
// package.json range resolved to.
template <class Lookup>
void attach_root(const CatalogInput& in, CatalogResult& out, Lookup lookup) {
  std::optional<PackageJson> pj;
  if (in.read_sibling)
    if (auto text = in.read_sibling("package.json")) pj = parse_package_json(*text);
  if (!pj) {
    add_warning(out, in, "no package.json beside the lockfile: the project's direct dependencies are unknown");
    return;
  }
  std::vector<std::string> prod;
  auto add = [&](const std::map<std::string, std::string>& deps, bool is_prod) {
    for (auto& [name, range] : deps) {
      std::string ref = lookup(name, range);
      if (ref.empty()) continue;
      if (std::find(out.direct.begin(), out.direct.end(), ref) == out.direct.end()) out.direct.push_back(ref);
      if (is_prod) prod.push_back(ref);
    }
  };
  add(pj->dependencies, true);
  add(pj->optional_dependencies, true);
  add(pj->peer_dependencies, true);
  add(pj->dev_dependencies, false);
  scope_by_reachability(out, prod);
}

// ---------------- classic ----------------
struct ClassicEntry {
  std::vector<std::string> descriptors;
  std::string version, resolved, integrity;
  std::vector<std::pair<std::string, std::string>> deps;  // name, range
  size_t line = 0;
};

enum class ClassicState { none, in_entry, in_deps };

// `"a@^1", a@^2:` -> an entry named by those descriptors.
ClassicEntry classic_header(std::string_view line, size_t lineno) {
  ClassicEntry e;
  e.line = lineno;
  std::string_view head = line.substr(0, line.size() - 1);
  size_t start = 0;
  while (start < head.size()) {
    size_t comma = head.find(',', start);
    if (comma == std::string_view::npos) comma = head.size();
    std::string d = unquote(head.substr(start, comma - start));
    if (!d.empty()) e.descriptors.push_back(d);
    start = comma + 1;
  }
  return e;
}

// An indented line of an entry: a field at indent 2, or a dependency inside a dependencies block.
void classic_body_line(std::string_view line, size_t indent, ClassicEntry& e, ClassicState& state) {
  std::string body = trim_space(line);
  if (indent == 2) {
    state = ClassicState::in_entry;
    if (body == "dependencies:" || body == "optionalDependencies:") {
      state = ClassicState::in_deps;
      return;
    }
    size_t sp = body.find(' ');
    if (sp == std::string::npos) return;  // another block header (peerDependenciesMeta:)
    std::string key = body.substr(0, sp), value = unquote(body.substr(sp + 1));
    if (key == "version") e.version = value;
    else if (key == "resolved") e.resolved = value;
    else if (key == "integrity") e.integrity = value;
  } else if (state == ClassicState::in_deps && indent >= 4) {
    // `name "range"`, the name quoted when scoped.
    std::string name, range;
    if (body[0] == '"') {
      size_t close = body.find('"', 1);
      if (close == std::string::npos) return;
      name = body.substr(1, close - 1);
      range = unquote(body.substr(close + 1));
    } else {
      size_t sp = body.find(' ');
      if (sp == std::string::npos) return;
      name = body.substr(0, sp);
      range = unquote(body.substr(sp + 1));
    }
    e.deps.emplace_back(name, range);
  }
}

std::vector<ClassicEntry> parse_classic(const CatalogInput& in, CatalogResult& out) {
  std::vector<ClassicEntry> entries;
  std::string_view text = in.content;
  size_t pos = 0, lineno = 0;
  ClassicState state = ClassicState::none;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim_space(line).empty() || line[0] == '#') continue;
    size_t indent = line.find_first_not_of(' ');
    if (indent == 0) {
      if (line.back() != ':') {
        add_warning(out, in, "line " + std::to_string(lineno) + ": expected \"descriptor:\"; entry skipped");
        state = ClassicState::none;
        continue;
      }
      entries.push_back(classic_header(line, lineno));
      state = ClassicState::in_entry;
      continue;
    }
    if (state == ClassicState::none) continue;
    classic_body_line(line, indent, entries.back(), state);
  }
  return entries;
}

// One component per entry with a version, local folders left out. Fills ref_of ("name@range" ->
// bom_ref) and returns each entry's bom_ref ("" when it made none).
std::vector<std::string> add_classic_components(const std::vector<ClassicEntry>& entries, const CatalogInput& in,
                                                CatalogResult& out, std::map<std::string, std::string>& ref_of) {
  std::vector<std::string> entry_ref(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const ClassicEntry& e = entries[i];
    if (e.descriptors.empty()) continue;
    if (e.version.empty()) {
      add_warning(out, in, "line " + std::to_string(e.line) + ": " + e.descriptors[0] + " has no version; skipped");
      continue;
    }
    // An alias ("string-width-cjs@npm:string-width@^4") installs the aliased package.
    auto [name, range] = split_descriptor(e.descriptors[0]);
    if (range.rfind("npm:", 0) == 0) name = split_descriptor(range.substr(4)).first;
    if (range.rfind("file:", 0) == 0 || range.rfind("link:", 0) == 0) continue;  // local folders
    Component c = npm_component(name, e.version, in);
    auto [hashes, problem] = sri_to_hashes(e.integrity);
    c.hashes = std::move(hashes);
    if (!problem.empty())
      add_warning(out, in,
                  "line " + std::to_string(e.line) + ": " +
                      integrity_warning(name + "@" + e.version, e.integrity, problem));
    if (c.hashes.empty()) {
      // Old lockfiles carry only the tarball's SHA-1 as the URL fragment.
      size_t hash = e.resolved.rfind('#');
      if (hash != std::string::npos && e.resolved.size() - hash - 1 == 40)
        c.hashes.push_back(Hash{"SHA-1", e.resolved.substr(hash + 1)});
    }
    if (e.resolved.rfind("git", 0) == 0 || e.resolved.find("codeload") != std::string::npos) {
      c.qualifiers["vcs_url"] = e.resolved;
      c.bom_ref = make_purl(c);
    } else if (e.resolved.rfind("https://", 0) == 0 || e.resolved.rfind("http://", 0) == 0) {
      c.download_location = e.resolved;
    }
    entry_ref[i] = c.bom_ref;
    for (const std::string& d : e.descriptors) ref_of[d] = c.bom_ref;
    out.components.push_back(std::move(c));
  }
  return entry_ref;
}

void catalog_classic(const CatalogInput& in, CatalogResult& out) {
  std::vector<ClassicEntry> entries = parse_classic(in, out);
  std::map<std::string, std::string> ref_of;  // "name@range" -> bom_ref
  std::vector<std::string> entry_ref = add_classic_components(entries, in, out, ref_of);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entry_ref[i].empty()) continue;
    for (auto& [name, range] : entries[i].deps) {
      auto it = ref_of.find(name + "@" + range);
      if (it != ref_of.end()) add_edge(out, entry_ref[i], it->second);
      else
        add_warning(out, in,
                    "line " + std::to_string(entries[i].line) + ": dependency " + name + "@" + range +
                        " has no entry; edge dropped");
    }
  }
  attach_root(in, out, [&](const std::string& name, const std::string& range) {
    auto it = ref_of.find(name + "@" + range);
    return it == ref_of.end() ? std::string() : it->second;
  });
}

// ---------------- berry ----------------
struct BerryEntry {
  std::string ref;
  const YamlNode* deps = nullptr;
  bool workspace = false;
  std::string path;
};

// One top-level entry -> a component, or a project when it is a workspace member (root_ref set
// for "."). nullopt for local folders and for entries lacking resolution or version.
std::optional<BerryEntry> berry_entry(const YamlEntry& top, const CatalogInput& in, CatalogResult& out,
                                      std::string& root_ref) {
  const std::string& key = top.key;
  const YamlNode& v = *top.value;
  std::string resolution = v.str("resolution");
  std::string version = v.str("version");
  auto [name, reference] = split_descriptor(resolution);
  if (name.empty() || version.empty()) {
    add_warning(out, in, "line " + std::to_string(top.line) + ": " + key + " lacks resolution or version; skipped");
    return std::nullopt;
  }
  BerryEntry e;
  e.deps = v.get("dependencies");
  if (reference.rfind("workspace:", 0) == 0) {
    // A workspace member: a project of this repository, not a downloaded package.
    e.workspace = true;
    e.path = reference.substr(10);
    Component p = npm_component(name, version == "0.0.0-use.local" ? "" : version, in);
    p.type = "application";
    p.properties["hallmark:workspace-path"] = e.path;
    e.ref = p.bom_ref;
    if (e.path == ".") {
      root_ref = p.bom_ref;
    } else {
      out.projects.push_back(std::move(p));
    }
  } else if (reference.rfind("link:", 0) == 0 || reference.rfind("portal:", 0) == 0 ||
             reference.rfind("file:", 0) == 0) {
    return std::nullopt;  // local folders
  } else {
    Component c = npm_component(name, version, in);
    // checksum is "<cacheKey>/<sha512 of yarn's cache zip>", not of the registry tarball, so it
    // is kept as a property rather than passed off as the package's hash.
    if (auto cs = v.str("checksum"); !cs.empty()) c.properties["hallmark:yarn-checksum"] = cs;
    if (reference.rfind("npm:", 0) != 0 && reference.rfind("patch:", 0) != 0) {
      c.qualifiers["vcs_url"] = reference;
      c.bom_ref = make_purl(c);
    }
    e.ref = c.bom_ref;
    out.components.push_back(std::move(c));
  }
  return e;
}

// Every descriptor of a key ("a@npm:^1, a@npm:^1.2") names the entry's ref.
void map_descriptors(const std::string& key, const std::string& ref, std::map<std::string, std::string>& ref_of) {
  size_t start = 0;
  while (start < key.size()) {
    size_t comma = key.find(',', start);
    if (comma == std::string::npos) comma = key.size();
    std::string d = trim_space(std::string_view(key).substr(start, comma - start));
    if (!d.empty()) ref_of[d] = ref;
    start = comma + 1;
  }
}

void catalog_berry(const CatalogInput& in, CatalogResult& out) {
  YamlDocument parsed;
  const YamlNode* doc = parse_yaml_mapping(in, out, parsed);
  if (!doc) return;
  std::map<std::string, std::string> ref_of;  // descriptor "name@npm:^1" -> bom_ref
  std::vector<BerryEntry> entries;
  std::string root_ref;
  for (const YamlEntry& top : doc->entries) {
    if (top.key == "__metadata" || !top.value || !top.value->is_map()) continue;
    std::optional<BerryEntry> e = berry_entry(top, in, out, root_ref);
    if (!e) continue;
    map_descriptors(top.key, e->ref, ref_of);
    entries.push_back(std::move(*e));
  }
  auto lookup = [&](const std::string& name, const std::string& range) {
    auto it = ref_of.find(name + "@" + range);
    if (it == ref_of.end() && range.find(':') == std::string::npos) it = ref_of.find(name + "@npm:" + range);
    return it == ref_of.end() ? std::string() : it->second;
  };
  for (const BerryEntry& e : entries) {
    if (!e.deps || !e.deps->is_map()) continue;
    for (const YamlEntry& d : e.deps->entries) {
      std::string name = d.key, range = d.value ? d.value->scalar : std::string();
      std::string to = lookup(name, range);
      if (to.empty()) {
        add_warning(out, in,
                    "line " + std::to_string(d.line) + ": dependency " + name + "@" + range +
                        " has no entry; edge dropped");
        continue;
      }
      if (e.ref == root_ref) continue;  // the root's edges come from package.json below
      add_edge(out, e.ref, to);
    }
  }
  attach_root(in, out, lookup);
  // Workspaces are projects: keep their components in required scope when reachable from them.
}

void catalog_yarn_lock(const CatalogInput& in, CatalogResult& out) {
  // Berry files start with a comment then "__metadata:"; classic ones say "yarn lockfile v1".
  bool berry = in.content.find("\n__metadata:") != std::string_view::npos || starts_with(in.content, "__metadata:");
  if (berry) catalog_berry(in, out);
  else catalog_classic(in, out);
}

bool matches_yarn_lock(std::string_view filename, std::string_view) { return filename == "yarn.lock"; }

}  // namespace

extern const Cataloger kYarnLockCataloger{"yarn-lock", matches_yarn_lock, catalog_yarn_lock};

}  // namespace hallmark::sbom::internal
