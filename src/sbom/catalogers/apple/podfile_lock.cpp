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

// SPEC CHECKSUMS: pod name -> the podspec's SHA-1; an entry that is not two scalars is skipped.
std::map<std::string, std::string> spec_checksums(const YAML::Node& doc, ResultBuilder& rb) {
  std::map<std::string, std::string> checksums;
  if (auto sc = doc["SPEC CHECKSUMS"]; sc && sc.IsMap())
    for (const auto& kv : sc) {
      if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
        rb.warn("SPEC CHECKSUMS: line " + std::to_string(kv.first.Mark().line + 1) + ": not a scalar; skipped");
        continue;
      }
      checksums[kv.first.Scalar()] = kv.second.Scalar();
    }
  return checksums;
}

// One PODS entry: "Name (1.2.3)", or a one-key map of it to its dependencies. False (with a
// warning naming `at`) when it is neither, or a part of it is not a string: the entry is skipped.
bool read_pod(const YAML::Node& item, const std::string& at, ResultBuilder& rb, std::string& spec,
              std::vector<std::string>& deps) {
  if (item.IsScalar()) {
    spec = item.Scalar();
    return true;
  }
  if (!item.IsMap() || item.size() != 1) {
    rb.warn(at + ": neither a string nor a one-key map; skipped");
    return false;
  }
  auto kv = *item.begin();
  if (!kv.first.IsScalar()) {
    rb.warn(at + ": the pod is not a string; skipped");
    return false;
  }
  spec = kv.first.Scalar();
  if (!kv.second.IsSequence()) return true;
  size_t j = 0;
  for (const auto& d : kv.second) {
    if (!d.IsScalar()) {
      rb.warn(at + "." + pod_name(spec) + "[" + std::to_string(j) + "]: not a string; skipped");
      return false;
    }
    deps.push_back(pod_name(d.Scalar()));
    ++j;
  }
  return true;
}

void catalog_podfile_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  YAML::Node doc;
  if (!parse_yaml(in, rb, doc)) return;
  if (!doc.IsMap() || !doc["PODS"] || !doc["PODS"].IsSequence()) {
    rb.warn("no PODS list");
    return;
  }
  // yaml-cpp's as<std::string>() throws on a map or a sequence: every value is checked to be a
  // scalar first, and an entry that is not is skipped with a warning naming it.
  auto where = [](const char* list, size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; };
  const std::map<std::string, std::string> checksums = spec_checksums(doc, rb);
  std::map<std::string, std::string> ref_of;  // full name (with subspec) -> ref
  std::vector<std::pair<std::string, std::vector<std::string>>> deps;
  size_t i = 0;
  for (const auto& item : doc["PODS"]) {
    std::string at = where("PODS", i++);
    std::string spec;
    std::vector<std::string> item_deps;
    if (!read_pod(item, at, rb, spec, item_deps)) continue;
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
  if (auto dl = doc["DEPENDENCIES"]; dl && dl.IsSequence()) {
    size_t j = 0;
    for (const auto& d : dl) {
      std::string at = where("DEPENDENCIES", j++);
      if (!d.IsScalar()) {
        rb.warn(at + ": not a string; skipped");
        continue;
      }
      if (auto t = ref_of.find(pod_name(d.Scalar())); t != ref_of.end()) rb.direct(t->second);
    }
  }
}

bool matches_podfile_lock(std::string_view filename, std::string_view) { return filename == "Podfile.lock"; }

}  // namespace

const Cataloger kPodfileLockCataloger{"podfile-lock", matches_podfile_lock, catalog_podfile_lock};

}  // namespace hallmark::sbom::internal
