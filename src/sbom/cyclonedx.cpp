// CycloneDX JSON (ECMA-424), spec 1.6 by default or 1.5. Only fields both versions define are
// written, so the two outputs differ in specVersion and $schema alone.
#include "hallmark/sbom/purl.hpp"
#include "hallmark/sbom/writers.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/time.hpp"

#include "hallmark_config.h"

#include <nlohmann/json.hpp>

#include <openssl/rand.h>

#include <set>

namespace hallmark::sbom {
namespace {

using ordered = nlohmann::ordered_json;

const char* scope_name(Scope s) {
  return s == Scope::required ? "required" : s == Scope::optional ? "optional" : "excluded";
}

bool is_expression(const std::string& l) {
  return l.find(" OR ") != std::string::npos || l.find(" AND ") != std::string::npos ||
         l.find(" WITH ") != std::string::npos || l.find('(') != std::string::npos;
}

// SPDX ids declared by the package managers we read, checked against the enum in
// spdx.schema.json at test time; anything else is written as a license name (or an
// expression), which the schema accepts without a list.
const std::set<std::string>& known_spdx_ids() {
  static const std::set<std::string> ids = {
      "0BSD", "AFL-2.1", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-2.0",
      "BlueOak-1.0.0", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSL-1.0", "CC-BY-3.0",
      "CC-BY-4.0", "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "EPL-1.0", "EPL-2.0", "GPL-2.0-only",
      "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.1-only", "LGPL-2.1-or-later",
      "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "OFL-1.1", "PSF-2.0",
      "Python-2.0", "Unlicense", "Unicode-DFS-2016", "Unicode-3.0", "W3C", "WTFPL", "Zlib", "ZPL-2.1"};
  return ids;
}

ordered licenses_json(const std::vector<std::string>& licenses) {
  ordered arr = ordered::array();
  if (licenses.size() == 1 && is_expression(licenses[0])) {
    arr.push_back({{"expression", licenses[0]}});
    return arr;
  }
  for (const std::string& l : licenses) {
    if (known_spdx_ids().count(l)) arr.push_back({{"license", {{"id", l}}}});
    else arr.push_back({{"license", {{"name", l}}}});
  }
  return arr;
}

ordered component_json(const Component& c, bool with_scope) {
  ordered j;
  j["type"] = c.type.empty() ? "library" : c.type;
  j["bom-ref"] = c.bom_ref;
  std::string group = c.group;
  if (c.purl_type == "npm" && !group.empty() && group[0] != '@') group = "@" + group;
  if (!group.empty()) j["group"] = group;
  j["name"] = c.name;
  if (!c.version.empty()) j["version"] = c.version;
  if (with_scope) j["scope"] = scope_name(c.scope);
  if (!c.hashes.empty()) {
    ordered hs = ordered::array();
    for (const Hash& h : c.hashes) hs.push_back({{"alg", h.alg}, {"content", h.hex}});
    j["hashes"] = hs;
  }
  if (!c.licenses.empty()) j["licenses"] = licenses_json(c.licenses);
  if (!c.purl_type.empty()) j["purl"] = make_purl(c);
  if (!c.properties.empty()) {
    ordered ps = ordered::array();
    for (const auto& [k, v] : c.properties) ps.push_back({{"name", k}, {"value", v}});
    j["properties"] = ps;
  }
  if (!c.occurrences.empty()) {
    ordered occ = ordered::array();
    for (const std::string& o : c.occurrences) occ.push_back({{"location", o}});
    j["evidence"] = {{"occurrences", occ}};
  }
  return j;
}

} // namespace

std::string make_uuid(bool deterministic, std::string_view content) {
  unsigned char b[16];
  if (deterministic) {
    std::string digest = sha256_hex(content);
    for (int i = 0; i < 16; ++i) b[i] = static_cast<unsigned char>(std::stoi(digest.substr(2 * i, 2), nullptr, 16));
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x80);  // version 8: custom (RFC 9562)
  } else {
    if (RAND_bytes(b, sizeof b) != 1) {
      // No entropy is no reason to fail an SBOM: fall back to a content-derived id.
      return make_uuid(true, content);
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  }
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);    // RFC 4122 variant
  std::string h = to_hex(std::string_view(reinterpret_cast<const char*>(b), 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string write_cyclonedx_json(const Bom& bom, const WriterOptions& options) {
  ordered components = ordered::array();
  for (const Component& c : bom.components) components.push_back(component_json(c, true));
  ordered deps = ordered::array();
  for (const auto& [ref, on] : bom.dependencies) deps.push_back({{"ref", ref}, {"dependsOn", on}});

  ordered tool = {{"type", "application"}, {"author", "hallmark"}, {"name", "hallmark"}, {"version", HALLMARK_VERSION}};
  ordered metadata;
  metadata["timestamp"] = options.timestamp.empty() ? format_rfc3339_s(reproducible_now()) : options.timestamp;
  metadata["tools"] = {{"components", ordered::array({tool})}};
  metadata["component"] = component_json(bom.root, false);

  // The serial is derived from everything else, so it is computed last over the body.
  ordered body;
  body["metadata"] = metadata;
  body["components"] = components;
  body["dependencies"] = deps;
  std::string serial = "urn:uuid:" + make_uuid(options.deterministic_ids, body.dump());

  ordered doc;
  doc["$schema"] = "http://cyclonedx.org/schema/bom-" + options.spec_version + ".schema.json";
  doc["bomFormat"] = "CycloneDX";
  doc["specVersion"] = options.spec_version;
  doc["serialNumber"] = serial;
  doc["version"] = 1;
  doc["metadata"] = std::move(body["metadata"]);
  doc["components"] = std::move(body["components"]);
  doc["dependencies"] = std::move(body["dependencies"]);
  return doc.dump(2) + "\n";
}

} // namespace hallmark::sbom
