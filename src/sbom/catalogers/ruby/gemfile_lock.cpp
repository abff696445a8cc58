// Gemfile.lock (Bundler). Indentation carries the structure: 2 spaces for section attributes
// (remote:, revision:, specs:), 4 for a spec "name (version[-platform])", 6 for that spec's
// dependencies. DEPENDENCIES lists what the Gemfile asks for (the direct set; a trailing '!'
// marks a non-default source). CHECKSUMS (Bundler >= 2.5) gives sha256 per spec.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <map>

namespace hallmark::sbom::internal {
namespace {

struct GemSpec {
  std::string name, version, platform, ref;
  std::vector<std::string> deps;
};

// "name (ver-platform)" -> name, ver, platform. Bundler splits the version at the first '-'
// (a gem version never contains '-': pre-releases are ".pre").
bool parse_spec(std::string_view s, std::string& name, std::string& version, std::string& platform) {
  size_t open = s.find(" (");
  if (open == std::string_view::npos || s.back() != ')') return false;
  name = std::string(s.substr(0, open));
  std::string_view v = s.substr(open + 2, s.size() - open - 3);
  size_t dash = v.find('-');
  version = std::string(v.substr(0, dash));
  platform = dash == std::string_view::npos ? std::string{} : std::string(v.substr(dash + 1));
  return !name.empty() && !version.empty();
}

size_t indent_of(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

// A spec of a GEM, GIT, PATH or PLUGIN SOURCE section, with where that section says it comes from.
Component gem_component(const GemSpec& g, const std::string& section, const std::string& remote,
                        const std::string& revision) {
  Component c;
  c.purl_type = "gem";
  c.name = g.name;
  c.version = g.version;
  if (!g.platform.empty() && g.platform != "ruby") c.qualifiers["platform"] = g.platform;
  if (section == "GIT") {
    c.qualifiers["vcs_url"] = "git+" + remote + (revision.empty() ? "" : "@" + revision);
    c.properties["hallmark:source"] = "git";
  } else if (section == "PATH") {
    c.properties["hallmark:source"] = "path";
    c.properties["hallmark:gem.path"] = remote;
  } else if (!remote.empty() && remote != "https://rubygems.org/") {
    c.qualifiers["repository_url"] = remote;
  }
  return c;
}

// Once every spec is known: CHECKSUMS onto the components, then the edges and the direct set.
void link_specs(const std::vector<GemSpec>& specs, const std::vector<std::string>& direct_names,
                const std::map<std::string, std::string>& checksums, ResultBuilder& rb) {
  std::multimap<std::string, size_t> by_name;
  for (size_t i = 0; i < specs.size(); ++i) {
    by_name.emplace(specs[i].name, i);
    const auto& g = specs[i];
    std::string key = g.name + " (" + g.version + (g.platform.empty() ? "" : "-" + g.platform) + ")";
    if (auto it = checksums.find(key); it != checksums.end() && it->second.size() == 64)
      if (Component* c = rb.find(g.ref)) c->hashes.push_back({"SHA-256", to_lower(it->second)});
  }
  // A dependency names a gem, not a platform variant: every locked variant of it is a target
  // (the lock does not say which platform will be installed).
  auto targets = [&](const std::string& name) {
    std::vector<std::string> refs;
    auto [lo, hi] = by_name.equal_range(name);
    for (auto it = lo; it != hi; ++it) refs.push_back(specs[it->second].ref);
    return refs;
  };
  for (const auto& g : specs)
    for (const auto& d : g.deps)
      for (const auto& t : targets(d)) rb.edge(g.ref, t);  // absent names (bundler itself) skipped
  for (const auto& d : direct_names)
    for (const auto& t : targets(d)) rb.direct(t);
}

void catalog_gemfile_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  std::vector<GemSpec> specs;
  std::vector<std::string> direct_names;
  std::map<std::string, std::string> checksums;  // "name (version)" -> hex
  std::string section, remote, revision;
  bool in_specs = false;
  size_t n = 0;
  for (std::string_view line : split_lines(in.content)) {
    ++n;
    if (trim(line).empty()) continue;
    size_t ind = indent_of(line);
    std::string_view body = line.substr(ind);
    if (ind == 0) {
      section = std::string(trim(body));
      remote.clear();
      revision.clear();
      in_specs = false;
      continue;
    }
    bool source_section = section == "GEM" || section == "GIT" || section == "PATH" || section == "PLUGIN SOURCE";
    if (source_section) {
      if (ind == 2) {
        if (body.rfind("remote: ", 0) == 0) remote = std::string(body.substr(8));
        else if (body.rfind("revision: ", 0) == 0) revision = std::string(body.substr(10));
        in_specs = body == "specs:";
      } else if (ind == 4 && in_specs) {
        GemSpec g;
        if (!parse_spec(body, g.name, g.version, g.platform)) {
          rb.warn("line " + std::to_string(n) + ": unreadable spec \"" + std::string(body) + "\"");
          continue;
        }
        g.ref = rb.add(gem_component(g, section, remote, revision));
        specs.push_back(std::move(g));
      } else if (ind == 6 && in_specs && !specs.empty()) {
        std::string_view dep = body.substr(0, body.find(" ("));
        specs.back().deps.emplace_back(dep);
      }
    } else if (section == "DEPENDENCIES" && ind == 2) {
      std::string_view dep = body.substr(0, body.find(" ("));
      if (!dep.empty() && dep.back() == '!') dep.remove_suffix(1);
      direct_names.emplace_back(dep);
    } else if (section == "CHECKSUMS" && ind == 2) {
      size_t close = body.find(") ");
      if (close == std::string_view::npos) continue;  // a spec without a checksum
      std::string_view sums = body.substr(close + 2);
      for (auto sum : split(sums, ','))
        if (sum.rfind("sha256=", 0) == 0) checksums[std::string(body.substr(0, close + 1))] = sum.substr(7);
    }
  }
  link_specs(specs, direct_names, checksums, rb);
}

bool matches_gemfile_lock(std::string_view filename, std::string_view) {
  return filename == "Gemfile.lock" || filename == "gems.locked";
}

}  // namespace

const Cataloger kGemfileLockCataloger{"gemfile-lock", matches_gemfile_lock, catalog_gemfile_lock};

}  // namespace hallmark::sbom::internal
