// CycloneDX JSON (ECMA-424), spec 1.6 by default or 1.5. Only fields both versions define are
// written, so the two outputs differ in specVersion and $schema alone.
#include "hallmark/sbom/purl.hpp"
#include "hallmark/sbom/writers.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/time.hpp"
#include "hallmark/util/version.hpp"

#include "hallmark/util/json_text.hpp"

#include <openssl/rand.h>

#include <set>

namespace hallmark::sbom {
namespace {

const char* scope_name(Scope s) {
  return s == Scope::required ? "required" : s == Scope::optional ? "optional" : "excluded";
}

bool is_expression(const std::string& l) {
  return l.find(" OR ") != std::string::npos || l.find(" AND ") != std::string::npos ||
         l.find(" WITH ") != std::string::npos || l.find('(') != std::string::npos;
}

// SPDX ids declared by the package managers we read (each one is in the enum of
// spdx.schema.json); anything else is written as a license name (or an expression), which the
// schema accepts without a list.
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

void write_licenses(Out& o, const std::vector<std::string>& licenses) {
  o.key("licenses", false);
  o.open('[');
  bool first = true;
  auto item = [&] {
    if (!first) o.s += ',';
    first = false;
    o.nl();
  };
  if (licenses.size() == 1 && is_expression(licenses[0])) {
    item();
    o.s += "{\"expression\": ";
    o.str(licenses[0]);
    o.s += '}';
  } else {
    for (const std::string& l : licenses) {
      item();
      o.s += known_spdx_ids().count(l) ? "{\"license\": {\"id\": " : "{\"license\": {\"name\": ";
      o.str(l);
      o.s += "}}";
    }
  }
  o.close(']');
}

void write_component(Out& o, const Component& c, bool with_scope) {
  o.open('{');
  o.kv("type", c.type.empty() ? "library" : c.type, true);
  o.kv("bom-ref", c.bom_ref);
  std::string group = c.group;
  if (c.purl_type == "npm" && !group.empty() && group[0] != '@') group = "@" + group;
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
  // Body first (metadata, components, dependencies): the serial number may be derived from it.
  Out o;
  o.s.reserve(1024 + bom.components.size() * 900);
  o.depth = 1;
  o.key("metadata", true);
  o.open('{');
  o.kv("timestamp", options.timestamp.empty() ? format_rfc3339_s(reproducible_now()) : options.timestamp, true);
  o.key("tools", false);
  o.open('{');
  o.key("components", true);
  o.open('[');
  o.nl();
  o.open('{');
  o.kv("type", "application", true);
  o.kv("author", "hallmark");
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

} // namespace hallmark::sbom
