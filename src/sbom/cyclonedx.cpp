// CycloneDX JSON (ECMA-424), spec 1.6 by default or 1.5. Only fields both versions define are
// written, except the tool's maker (1.6: manufacturer; 1.5: author, deprecated in 1.6).
#include "hallmark/sbom/license.hpp"
#include "hallmark/sbom/purl.hpp"
#include "hallmark/sbom/writers.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/time.hpp"
#include "hallmark/util/version.hpp"

#include "hallmark/util/json_text.hpp"

#include <openssl/rand.h>
#include <openssl/evp.h>

namespace hallmark::sbom {
namespace {

const char* scope_name(Scope s) {
  return s == Scope::required ? "required" : s == Scope::optional ? "optional" : "excluded";
}

// The BOM is written straight into one string: building a JSON tree first costs more than the
// cataloguing itself on large lockfiles (thousands of small allocations).
struct Out {
  std::string s;
  int depth = 0;

  void nl() {
    s += '\n';
    s.append(static_cast<size_t>(depth) * 2, ' ');
  }
  void str(std::string_view v) {
    s += '"';
    json_escape_into(s, v);
    s += '"';
  }
  void key(std::string_view k, bool first) {
    if (!first) s += ',';
    nl();
    str(k);
    s += ": ";
  }
  void kv(std::string_view k, std::string_view v, bool first = false) {
    key(k, first);
    str(v);
  }
  void open(char ch) {
    s += ch;
    ++depth;
  }
  void close(char ch, bool empty = false) {
    --depth;
    if (!empty) nl();
    s += ch;
  }
};

// CycloneDX 1.6 licenses: an SPDX id as license.id (canonical case), anything else that is not
// an SPDX expression as license.name; an expression is the array's only element.
void write_licenses(Out& o, const std::vector<std::string>& licenses) {
  std::vector<LicenseInfo> infos;
  bool any_expression = false, any_name = false;
  for (const std::string& l : licenses) {
    LicenseInfo info = classify_license(l);
    any_expression |= info.kind == LicenseInfo::Kind::expression;
    any_name |= info.kind == LicenseInfo::Kind::name;
    bool seen = false;
    for (const LicenseInfo& i : infos) seen |= i.text == info.text;
    if (!seen) infos.push_back(std::move(info));
  }
  o.key("licenses", false);
  o.open('[');
  if (any_expression && !any_name) {
    o.nl();
    o.s += "{\"expression\": ";
    std::vector<std::string> texts;
    for (const LicenseInfo& i : infos) texts.push_back(i.text);
    o.str(and_of(texts));
    o.s += '}';
    o.close(']');
    return;
  }
  for (size_t i = 0; i < infos.size(); ++i) {
    if (i) o.s += ',';
    o.nl();
    o.s += infos[i].kind == LicenseInfo::Kind::id ? "{\"license\": {\"id\": " : "{\"license\": {\"name\": ";
    o.str(infos[i].text);
    o.s += "}}";
  }
  o.close(']');
}

void write_component(Out& o, const Component& c, bool with_scope) {
  o.open('{');
  o.kv("type", c.type.empty() ? "library" : c.type, true);
  o.kv("bom-ref", c.bom_ref);
  std::string group = c.group;
  if (c.purl_type == "npm" && !group.empty() && group[0] != '@') group = "@" + group;
  if (!c.supplier.empty()) {
    o.key("supplier", false);
    std::string name = c.supplier.substr(0, c.supplier.find(" <"));
    o.s += "{\"name\": ";
    o.str(name);
    o.s += '}';
  }
  if (!group.empty()) o.kv("group", group);
  o.kv("name", c.name);
  if (!c.version.empty()) o.kv("version", c.version);
  if (with_scope) o.kv("scope", scope_name(c.scope));
  if (!c.hashes.empty()) {
    o.key("hashes", false);
    o.open('[');
    for (size_t i = 0; i < c.hashes.size(); ++i) {
      if (i) o.s += ',';
      o.nl();
      o.s += "{\"alg\": ";
      o.str(c.hashes[i].alg);
      o.s += ", \"content\": ";
      o.str(c.hashes[i].hex);
      o.s += '}';
    }
    o.close(']');
  }
  if (!c.licenses.empty()) write_licenses(o, c.licenses);
  if (!c.purl_type.empty()) o.kv("purl", make_purl(c));
  if (!c.properties.empty()) {
    o.key("properties", false);
    o.open('[');
    bool first = true;
    for (const auto& [k, v] : c.properties) {
      if (!first) o.s += ',';
      first = false;
      o.nl();
      o.s += "{\"name\": ";
      o.str(k);
      o.s += ", \"value\": ";
      o.str(v);
      o.s += '}';
    }
    o.close(']');
  }
  if (!c.occurrences.empty()) {
    o.key("evidence", false);
    o.open('{');
    o.key("occurrences", true);
    o.open('[');
    for (size_t i = 0; i < c.occurrences.size(); ++i) {
      if (i) o.s += ',';
      o.nl();
      o.s += "{\"location\": ";
      o.str(c.occurrences[i]);
      o.s += '}';
    }
    o.close(']');
    o.close('}');
  }
  o.close('}');
}

}  // namespace

std::string make_uuid(bool deterministic, std::string_view content) {
  unsigned char b[EVP_MAX_MD_SIZE];
  if (deterministic) {
    // RFC 4122 §4.3 version 5: SHA-1 of a namespace UUID (the URL namespace) and the name (the
    // document's content), so equal content gives an equal id.
    static const unsigned char kUrlNamespace[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    std::string name(reinterpret_cast<const char*>(kUrlNamespace), sizeof kUrlNamespace);
    name.append(content);
    EVP_Digest(name.data(), name.size(), b, nullptr, EVP_sha1(), nullptr);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x50);
  } else {
    if (RAND_bytes(b, 16) != 1) {
      // No entropy is no reason to fail an SBOM: fall back to a content-derived id.
      return make_uuid(true, content);
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  }
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string h = to_hex(std::string_view(reinterpret_cast<const char*>(b), 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string write_cyclonedx_json(const Bom& bom, const WriterOptions& options) {
  // Body first (metadata, components, dependencies): the serial number may be derived from it.
  Out o;
  o.s.reserve(1024 + bom.components.size() * 900);
  o.depth = 1;
  o.key("metadata", true);
  o.open('{');
  o.kv("timestamp",
       options.timestamp.empty() ? format_rfc3339_s(reproducible_now(options.source_date_epoch)) : options.timestamp,
       true);
  o.key("tools", false);
  o.open('{');
  o.key("components", true);
  o.open('[');
  o.nl();
  o.open('{');
  o.kv("type", "application", true);
  // component.author is deprecated in 1.6; manufacturer is 1.6's field for who made it.
  if (options.spec_version == "1.5") o.kv("author", "hallmark");
  else {
    o.key("manufacturer", false);
    o.s += "{\"name\": \"hallmark\"}";
  }
  o.kv("name", "hallmark");
  o.kv("version", hallmark_version());
  o.close('}');
  o.close(']');
  o.close('}');
  o.key("component", false);
  write_component(o, bom.root, false);
  o.close('}');
  o.key("components", false);
  o.open('[');
  for (size_t i = 0; i < bom.components.size(); ++i) {
    if (i) o.s += ',';
    o.nl();
    write_component(o, bom.components[i], true);
  }
  o.close(']', bom.components.empty());
  o.key("dependencies", false);
  o.open('[');
  bool first = true;
  for (const auto& [ref, on] : bom.dependencies) {
    if (!first) o.s += ',';
    first = false;
    o.nl();
    o.open('{');
    o.kv("ref", ref, true);
    o.key("dependsOn", false);
    o.open('[');
    for (size_t i = 0; i < on.size(); ++i) {
      if (i) o.s += ',';
      o.nl();
      o.str(on[i]);
    }
    o.close(']', on.empty());
    o.close('}');
  }
  o.close(']', bom.dependencies.empty());

  std::string serial = "urn:uuid:" + make_uuid(options.deterministic_ids, o.s);
  Out head;
  head.depth = 1;
  head.s = "{";
  head.kv("$schema", "http://cyclonedx.org/schema/bom-" + options.spec_version + ".schema.json", true);
  head.kv("bomFormat", "CycloneDX");
  head.kv("specVersion", options.spec_version);
  head.kv("serialNumber", serial);
  head.key("version", false);
  head.s += "1,";
  std::string doc;
  doc.reserve(head.s.size() + o.s.size() + 4);
  doc += head.s;
  doc += o.s;
  doc += "\n}\n";
  return doc;
}

}  // namespace hallmark::sbom
