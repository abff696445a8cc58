// Podfile.lock (CocoaPods), YAML. PODS lists every pod "Name (version)" or, when it has
// dependencies, a one-key map {"Name (version)": ["Dep (= x)", ...]}: that is the graph.
// DEPENDENCIES lists what the Podfile asks for (direct). SPEC CHECKSUMS holds the SHA-1 of each
// pod's podspec (not of its sources, so it is a property, not a component hash). Subspecs
// ("Firebase/Core") are the pod with a purl subpath, as the purl spec's cocoapods type says.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <yaml-cpp/yaml.h>

#include <map>

namespace hallmark::sbom::internal {
namespace {

// "Name/Sub (1.2.3)" or "Name (= 1.2.3)" / "Name (from `path`)" -> name part
std::string pod_name(std::string_view s) { return std::string(trim(s.substr(0, s.find(" (")))); }
std::string pod_version(std::string_view s) {
  size_t open = s.find(" (");
  if (open == std::string_view::npos || s.empty() || s.back() != ')') return {};
  return std::string(s.substr(open + 2, s.size() - open - 3));
}

void catalog_podfile_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  if (yaml_too_deep(in.content)) {
    rb.warn("nested too deeply to be a lockfile; not read");
    return;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(in.content));
  } catch (const YAML::Exception& e) {
    rb.warn("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    return;
  }
  if (!doc.IsMap() || !doc["PODS"] || !doc["PODS"].IsSequence()) {
    rb.warn("no PODS list");
    return;
  }
  try {
    std::map<std::string, std::string> checksums;
    if (auto sc = doc["SPEC CHECKSUMS"]; sc && sc.IsMap())
      for (const auto& kv : sc) checksums[kv.first.as<std::string>()] = kv.second.as<std::string>();
    std::map<std::string, std::string> ref_of;  // full name (with subspec) -> ref
    std::vector<std::pair<std::string, std::vector<std::string>>> deps;
    for (const auto& item : doc["PODS"]) {
      std::string spec;
      std::vector<std::string> item_deps;
      if (item.IsScalar()) {
        spec = item.as<std::string>();
      } else if (item.IsMap() && item.size() == 1) {
        auto kv = *item.begin();
        spec = kv.first.as<std::string>();
        if (kv.second.IsSequence())
          for (const auto& d : kv.second) item_deps.push_back(pod_name(d.as<std::string>()));
      } else {
        rb.warn("PODS: an entry is neither a string nor a one-key map");
        continue;
      }
      std::string full = pod_name(spec), version = pod_version(spec);
      Component c;
      c.purl_type = "cocoapods";
      size_t slash = full.find('/');
      c.name = full.substr(0, slash);
      if (slash != std::string::npos) c.subpath = full.substr(slash + 1);
      c.version = version;
      if (auto it = checksums.find(c.name); it != checksums.end())
        c.properties["hallmark:cocoapods.podspec.sha1"] = it->second;
      std::string ref = rb.add(std::move(c));
      ref_of[full] = ref;
      deps.emplace_back(ref, std::move(item_deps));
    }
    for (const auto& [ref, ds] : deps)
      for (const auto& d : ds)
        if (auto t = ref_of.find(d); t != ref_of.end()) rb.edge(ref, t->second);
    if (auto dl = doc["DEPENDENCIES"]; dl && dl.IsSequence())
      for (const auto& d : dl)
        if (auto t = ref_of.find(pod_name(d.as<std::string>())); t != ref_of.end()) rb.direct(t->second);
  } catch (const YAML::Exception& e) {
    rb.warn("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

bool matches_podfile_lock(std::string_view filename, std::string_view) { return filename == "Podfile.lock"; }

}  // namespace

const Cataloger kPodfileLockCataloger{"podfile-lock", matches_podfile_lock, catalog_podfile_lock};

}  // namespace hallmark::sbom::internal
