// NuGet packages.lock.json: per target framework, every package with its type (Direct,
// Transitive, CentralTransitive, Project), resolved version, contentHash (base64 SHA-512 of the
// .nupkg) and its dependencies. "Project" entries are other projects of the same solution
// referenced by this one: they are projects (own node, own edges), never NuGet packages, so they
// get no nuget purl and no invented version (cdxgen writes them as `@latest`).
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace hallmark::sbom::internal {
namespace {

using nlohmann::json;

// Fields are read without throwing: a package whose type or resolved version is not a string
// is skipped with a warning naming the field (a contentHash of another type only loses the
// hash), and the other packages are still catalogued.
void catalog_nuget_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto parsed = parse_json_object(in, rb);
  if (!parsed) return;
  const json& doc = *parsed;
  auto deps = doc.find("dependencies");
  if (deps == doc.end() || !deps->is_object()) {
    rb.warn("no \"dependencies\" object");
    return;
  }
  for (const auto& [framework, entries] : deps->items()) {
    if (!entries.is_object()) {
      rb.warn("dependencies." + framework + ": not an object; skipped");
      continue;
    }
    std::map<std::string, std::string> ref_of;  // lower-case id -> ref (NuGet ids are case-insensitive)
    std::vector<std::pair<std::string, const json*>> nodes;
    for (const auto& [id, e] : entries.items()) {
      std::string where = "dependencies." + framework + "." + id;
      if (!e.is_object()) {
        rb.warn(where + ": not an object; skipped");
        continue;
      }
      auto type = string_field(e, "type", where, rb);
      if (!type) continue;
      std::string ref;
      if (*type == "Project") {
        Component p;
        p.type = "application";
        p.name = id;
        p.bom_ref = "project:" + to_lower(id);
        p.properties["hallmark:nuget.project-reference"] = "true";
        ref = rb.add_project(std::move(p));
      } else {
        auto resolved = string_field(e, "resolved", where, rb);
        if (!resolved) continue;
        if (resolved->empty()) {
          rb.warn(where + ": no \"resolved\" version");
          continue;
        }
        Component c;
        c.purl_type = "nuget";
        c.name = id;
        c.version = *resolved;
        auto content_hash = string_field(e, "contentHash", where, rb, "ignored");
        std::string hex = base64_to_hex(content_hash.value_or(""));
        if (hex.size() == 128) c.hashes.push_back({"SHA-512", hex});
        c.properties["hallmark:nuget.framework"] = framework;
        ref = rb.add(std::move(c));
      }
      ref_of[to_lower(id)] = ref;
      nodes.emplace_back(ref, &e);
      if (*type == "Direct" || *type == "Project") rb.direct(ref);
    }
    for (const auto& [ref, e] : nodes) {
      auto d = e->find("dependencies");
      if (d == e->end() || !d->is_object()) continue;
      for (const auto& [dep, _] : d->items())
        if (auto t = ref_of.find(to_lower(dep)); t != ref_of.end()) rb.edge(ref, t->second);
    }
  }
}

bool matches_nuget_lock(std::string_view filename, std::string_view) { return filename == "packages.lock.json"; }

// *.deps.json (the .NET host's dependency manifest next to a built app): libraries of type
// "package" are NuGet packages (sha512 "sha512-<base64>"), "project" ones are the app's projects.
// Fields are read without throwing, as in packages.lock.json above.
void catalog_dotnet_deps(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto parsed = parse_json_object(in, rb);
  if (!parsed) return;
  const json& doc = *parsed;
  auto libs = doc.find("libraries");
  if (libs == doc.end() || !libs->is_object()) {
    rb.warn("no \"libraries\" object");
    return;
  }
  std::string root_target;
  if (auto rt = doc.find("runtimeTarget"); rt != doc.end() && rt->is_object())
    root_target = string_field(*rt, "name", "runtimeTarget", rb, "ignored").value_or("");
  std::map<std::string, std::string> ref_of;  // "Name/Version" -> ref
  std::map<std::string, std::string> ref_by_name;
  for (const auto& [key, lib] : libs->items()) {
    std::string where = "libraries." + key;
    size_t slash = key.find('/');
    if (slash == std::string::npos || !lib.is_object()) {
      rb.warn(where + ": expected \"Name/Version\"");
      continue;
    }
    std::string name = key.substr(0, slash), version = key.substr(slash + 1);
    auto type = string_field(lib, "type", where, rb);
    if (!type) continue;
    std::string ref;
    if (*type == "project") {
      Component p;
      p.type = "application";
      p.name = name;
      p.version = version;
      p.bom_ref = "project:" + to_lower(name);
      ref = rb.add_project(std::move(p));
    } else if (*type == "package") {
      Component c;
      c.purl_type = "nuget";
      c.name = name;
      c.version = version;
      std::string sha = string_field(lib, "sha512", where, rb, "ignored").value_or("");
      if (sha.rfind("sha512-", 0) == 0) {
        std::string hex = base64_to_hex(sha.substr(7));
        if (hex.size() == 128) c.hashes.push_back({"SHA-512", hex});
      }
      ref = rb.add(std::move(c));
    } else {
      continue;  // "reference"/"runtimepack": framework assemblies, not packages
    }
    ref_of[key] = ref;
    ref_by_name[to_lower(name)] = ref;
  }
  auto targets = doc.find("targets");
  if (targets == doc.end() || !targets->is_object()) return;
  for (const auto& [tname, target] : targets->items()) {
    if (!root_target.empty() && tname != root_target) continue;
    if (!target.is_object()) continue;
    for (const auto& [key, entry] : target.items()) {
      auto from = ref_of.find(key);
      if (from == ref_of.end() || !entry.is_object()) continue;
      auto d = entry.find("dependencies");
      if (d == entry.end() || !d->is_object()) continue;
      for (const auto& [dep, ver] : d->items()) {
        std::string k = dep + "/" + (ver.is_string() ? ver.get<std::string>() : "");
        if (auto t = ref_of.find(k); t != ref_of.end()) rb.edge(from->second, t->second);
        else if (auto t2 = ref_by_name.find(to_lower(dep)); t2 != ref_by_name.end()) rb.edge(from->second, t2->second);
      }
    }
  }
}

bool matches_dotnet_deps(std::string_view filename, std::string_view) {
  return filename.size() > 10 && filename.substr(filename.size() - 10) == ".deps.json";
}

}  // namespace

const Cataloger kNugetLockCataloger{"nuget-packages-lock", matches_nuget_lock, catalog_nuget_lock};
const Cataloger kDotnetDepsCataloger{"dotnet-deps-json", matches_dotnet_deps, catalog_dotnet_deps};

}  // namespace hallmark::sbom::internal
