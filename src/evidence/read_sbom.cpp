// SBOMs: CycloneDX JSON validated against its official schema (schemas/bom-1.6 or 1.5 by the
// document's specVersion, with valijson), and SPDX 2.3 JSON. The artifact an SBOM describes is
// its metadata.component (CycloneDX) or the package the document DESCRIBES (SPDX), named with
// its SHA-256 when the SBOM gives one, so `query component` joins it to the run that built it.
#include "document.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/data_dir.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <cctype>
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace hallmark::evidence {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// uniqueItems on an array of 500 components is 125,000 deep object comparisons in valijson
// (85% of ingest time). Every "components" array of CycloneDX 1.5/1.6 that has it (top level,
// component.components, metadata.tools, vulnerability tools, formula) is checked instead by
// unique_components() with a sort: the same rule (JSON equality), O(n log n).
void strip_components_unique_items(json& schema) {
  if (schema.is_object()) {
    if (auto it = schema.find("components"); it != schema.end() && it->is_object() && it->contains("type"))
      it->erase("uniqueItems");
    for (auto& [_, v] : schema.items()) strip_components_unique_items(v);
  } else if (schema.is_array()) {
    for (auto& v : schema) strip_components_unique_items(v);
  }
}

// Parsed schemas, once per process: the 1.6 schema is 250 KB of JSON.
Result<const valijson::Schema*> cyclonedx_schema(const std::string& spec, const std::string& data_dir) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<valijson::Schema>> cache;
  std::lock_guard<std::mutex> lock(m);
  if (auto it = cache.find(spec); it != cache.end()) return it->second.get();
  auto file = find_data_file("schemas/bom-" + spec + ".schema.json", data_dir);
  if (!file) return file.error();
  auto text = read_file(*file);
  if (!text) return text.error();
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return make_error(file->string() + ": not JSON");
  strip_components_unique_items(doc);
  fs::path dir = file->parent_path();
  // $refs to the sibling schemas (spdx.schema.json, jsf-0.82.schema.json) are read from the same
  // directory, never fetched.
  auto fetch = [dir](const std::string& uri) -> const json* {
    std::string name = uri.substr(uri.rfind('/') == std::string::npos ? 0 : uri.rfind('/') + 1);
    auto t = read_file(dir / name);
    if (!t) return nullptr;
    json parsed = json::parse(*t, nullptr, false);
    return parsed.is_discarded() ? nullptr : new json(std::move(parsed));
  };
  auto free_doc = [](const json* d) { delete d; };
  auto schema = std::make_unique<valijson::Schema>();
  try {
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    parser.populateSchema(adapter, *schema, fetch, free_doc);
  } catch (const std::exception& e) {
    return make_error(file->string() + ": cannot load the schema: " + e.what());
  }
  return cache.emplace(spec, std::move(schema)).first->second.get();
}

// The uniqueItems rule taken out of the schema above, on the arrays it applied to.
Status unique_components_at(const fs::path& file, const json& holder, const std::string& where) {
  if (!holder.is_object() || !holder.contains("components") || !holder["components"].is_array()) return ok_status();
  const json& list = holder["components"];
  std::vector<const json*> sorted;
  for (const auto& c : list) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](const json* a, const json* b) { return *a < *b; });
  for (size_t i = 1; i < sorted.size(); ++i)
    if (*sorted[i] == *sorted[i - 1])
      return make_error(file.string() + ": not a valid CycloneDX document: " + where +
                        "components: array contains duplicate items (uniqueItems)");
  for (size_t i = 0; i < list.size(); ++i)
    HALLMARK_TRY(unique_components_at(file, list[i], where + "components/" + std::to_string(i) + "/"));
  return ok_status();
}

Status unique_components(const fs::path& file, const json& bom) {
  HALLMARK_TRY(unique_components_at(file, bom, "#/"));
  if (bom.contains("metadata") && bom["metadata"].is_object() && bom["metadata"].contains("tools"))
    HALLMARK_TRY(unique_components_at(file, bom["metadata"]["tools"], "#/metadata/tools/"));
  for (const char* list : {"vulnerabilities", "formulation"})
    if (bom.contains(list) && bom[list].is_array())
      for (size_t i = 0; i < bom[list].size(); ++i) {
        const json& item = bom[list][i];
        std::string where = std::string("#/") + list + "/" + std::to_string(i) + "/";
        HALLMARK_TRY(unique_components_at(file, item, where));
        if (item.is_object() && item.contains("tools"))
          HALLMARK_TRY(unique_components_at(file, item["tools"], where + "tools/"));
      }
  return ok_status();
}

Status validate_cyclonedx(const fs::path& file, const json& bom, const std::string& data_dir) {
  std::string spec =
      bom.contains("specVersion") && bom["specVersion"].is_string() ? bom["specVersion"].get<std::string>() : "";
  if (spec != "1.6" && spec != "1.5")
    return make_error(file.string() + ": CycloneDX specVersion '" + spec + "' is not supported (1.5 or 1.6)");
  auto schema = cyclonedx_schema(spec, data_dir);
  if (!schema) return schema.error();
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(bom);
  if (validator.validate(**schema, target, &results)) return unique_components(file, bom);
  // The deepest error is the useful one: "#/components/3/purl: ...".
  valijson::ValidationResults::Error err, deepest;
  while (results.popError(err))
    if (err.context.size() >= deepest.context.size()) deepest = err;
  std::string where;
  for (const auto& c : deepest.context) where += c == "<root>" ? "#" : c;
  return make_error(file.string() + ": not a valid CycloneDX " + spec + " document: " + where + ": " +
                    deepest.description);
}

void collect_purls(const json& components, std::set<std::string>& out) {
  if (!components.is_array()) return;
  for (const auto& c : components) {
    if (!c.is_object()) continue;
    if (c.contains("purl") && c["purl"].is_string()) out.insert(c["purl"].get<std::string>());
    if (c.contains("components")) collect_purls(c["components"], out);
  }
}

std::string sha256_of(const json& hashes, const char* alg_key, const char* value_key, const char* alg) {
  if (!hashes.is_array()) return {};
  for (const auto& h : hashes)
    if (h.is_object() && h.value(alg_key, "") == alg && h.contains(value_key) && h[value_key].is_string()) {
      std::string v = h[value_key].get<std::string>();
      for (char& ch : v) ch = char(std::tolower(static_cast<unsigned char>(ch)));
      return v;
    }
  return {};
}

Document sbom_document(const fs::path& file, const char* kind, std::string sha, std::string name,
                       std::set<std::string> purls) {
  Document d;
  d.path = file;
  d.kind = kind;
  if (name.empty()) name = file.filename().string();
  d.subjects.push_back({std::move(sha), std::move(name), {purls.begin(), purls.end()}});
  return d;
}

}  // namespace

Result<Document> read_cyclonedx(const fs::path& file, const json& bom, const std::string& data_dir) {
  HALLMARK_TRY(validate_cyclonedx(file, bom, data_dir));
  std::set<std::string> purls;
  if (bom.contains("components")) collect_purls(bom["components"], purls);
  json subject =
      bom.contains("metadata") && bom["metadata"].is_object() ? bom["metadata"].value("component", json()) : json();
  std::string name = subject.is_object() ? subject.value("name", "") : "";
  std::string sha = subject.is_object() && subject.contains("hashes")
                        ? sha256_of(subject["hashes"], "alg", "content", "SHA-256")
                        : "";
  return sbom_document(file, "cyclonedx", sha, name, std::move(purls));
}

Result<Document> read_spdx(const fs::path& file, const json& doc) {
  if (doc.value("spdxVersion", "") != "SPDX-2.3") return make_error(file.string() + ": spdxVersion must be SPDX-2.3");
  for (const char* field : {"SPDXID", "name", "dataLicense", "documentNamespace", "creationInfo"})
    if (!doc.contains(field)) return make_error(file.string() + ": not a valid SPDX 2.3 document: no " + field);
  std::string described;
  if (doc.contains("relationships") && doc["relationships"].is_array())
    for (const auto& r : doc["relationships"])
      if (r.is_object() && r.value("spdxElementId", "") == "SPDXRef-DOCUMENT" &&
          r.value("relationshipType", "") == "DESCRIBES")
        described = r.value("relatedSpdxElement", "");
  std::set<std::string> purls;
  std::string name, sha;
  if (doc.contains("packages")) {
    if (!doc["packages"].is_array()) return make_error(file.string() + ": packages is not an array");
    for (const auto& p : doc["packages"]) {
      if (!p.is_object() || !p.contains("SPDXID")) return make_error(file.string() + ": a package without SPDXID");
      if (p.value("SPDXID", "") == described) {
        name = p.value("name", "");
        sha = sha256_of(p.value("checksums", json()), "algorithm", "checksumValue", "SHA256");
        continue;
      }
      if (p.contains("externalRefs") && p["externalRefs"].is_array())
        for (const auto& r : p["externalRefs"])
          if (r.is_object() && r.value("referenceType", "") == "purl" && r.contains("referenceLocator") &&
              r["referenceLocator"].is_string())
            purls.insert(r["referenceLocator"].get<std::string>());
    }
  }
  return sbom_document(file, "spdx", sha, name, std::move(purls));
}

}  // namespace hallmark::evidence
