// SPDX 2.3 JSON. Every package gets an SPDXID built from its name and version reduced to the
// allowed characters ([A-Za-z0-9.-]) and made unique with a counter; the document DESCRIBES the
// root package, and each dependency edge is a DEPENDS_ON relationship.
#include "hallmark/sbom/license.hpp"
#include "hallmark/sbom/purl.hpp"
#include "hallmark/sbom/writers.hpp"
#include "hallmark/util/time.hpp"
#include "hallmark/util/version.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <set>

namespace hallmark::sbom {
namespace {

using ordered = nlohmann::ordered_json;

std::string sanitise_id(std::string_view s) {
  std::string out;
  for (char ch : s) out += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-') ? ch : '-';
  return out;
}

// SPDX checksum algorithm names for the CycloneDX ones.
const char* spdx_alg(const std::string& alg) {
  if (alg == "SHA-1") return "SHA1";
  if (alg == "SHA-256") return "SHA256";
  if (alg == "SHA-384") return "SHA384";
  if (alg == "SHA-512") return "SHA512";
  if (alg == "MD5") return "MD5";
  return nullptr;
}

// SPDX 2.3 §7.5: "Person: name (email)" or "Organization: name (email)". Ecosystems give a
// maintainer as "Name <email>"; a team or list is an organisation, anyone else a person.
std::string spdx_supplier(const std::string& maintainer) {
  std::string name = maintainer, email;
  if (size_t lt = maintainer.find('<'); lt != std::string::npos) {
    size_t gt = maintainer.find('>', lt);
    email = maintainer.substr(lt + 1, gt == std::string::npos ? std::string::npos : gt - lt - 1);
    name = maintainer.substr(0, lt);
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) return "NOASSERTION";
  bool org = false;
  for (const char* word : {"Team", "team", "Maintainers", "maintainers", "Project", "Developers", "Group", "lists."})
    org |= maintainer.find(word) != std::string::npos;
  return std::string(org ? "Organization: " : "Person: ") + name + (email.empty() ? "" : " (" + email + ")");
}

// Where the lockfile says the package came from: the resolved tarball URL, else a VCS URL in
// SPDX's "<vcs>+<transport>://host/path@rev" form, else a download_url qualifier.
std::string download_location(const Component& c) {
  if (!c.download_location.empty()) return c.download_location;
  if (auto it = c.qualifiers.find("vcs_url"); it != c.qualifiers.end() && it->second.find("://") != std::string::npos)
    return it->second;
  if (auto it = c.qualifiers.find("download_url");
      it != c.qualifiers.end() && it->second.find("://") != std::string::npos)
    return it->second;
  return "NOASSERTION";
}

ordered package_json(const Component& c, const std::string& id) {
  ordered p;
  p["SPDXID"] = id;
  p["name"] = c.purl_type == "npm" && !c.group.empty()
                  ? (c.group[0] == '@' ? c.group : "@" + c.group) + "/" + c.name
                  : (c.group.empty() || c.purl_type == "golang" ? "" : c.group + ":") + c.name;
  if (c.purl_type == "golang" && !c.group.empty()) p["name"] = c.group + "/" + c.name;
  if (!c.version.empty()) p["versionInfo"] = c.version;
  if (!c.supplier.empty()) p["supplier"] = spdx_supplier(c.supplier);
  p["downloadLocation"] = download_location(c);
  p["filesAnalyzed"] = false;
  ordered sums = ordered::array();
  for (const Hash& h : c.hashes)
    if (const char* a = spdx_alg(h.alg)) sums.push_back({{"algorithm", a}, {"checksumValue", h.hex}});
  if (!sums.empty()) p["checksums"] = sums;
  p["licenseConcluded"] = "NOASSERTION";
  p["licenseDeclared"] = spdx_license_expression(c.licenses);
  p["copyrightText"] = "NOASSERTION";
  if (!c.purl_type.empty())
    p["externalRefs"] = ordered::array(
        {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", make_purl(c)}}});
  p["primaryPackagePurpose"] = c.type == "application" ? "APPLICATION" : c.type == "file" ? "FILE" : "LIBRARY";
  if (!c.occurrences.empty()) {
    std::string s;
    for (const std::string& o : c.occurrences) s += (s.empty() ? "" : ", ") + o;
    p["sourceInfo"] = "found in " + s;
  }
  return p;
}

}  // namespace

std::string write_spdx_json(const Bom& bom, const WriterOptions& options) {
  std::map<std::string, std::string> id_of;  // bom_ref -> SPDXID
  std::set<std::string> used;
  auto assign = [&](const Component& c) {
    std::string base = "SPDXRef-Package-" + sanitise_id(c.name + (c.version.empty() ? "" : "-" + c.version));
    if (c.purl_type == "npm" && !c.group.empty())
      base = "SPDXRef-Package-" + sanitise_id(c.group + "-" + c.name + "-" + c.version);
    std::string id = base;
    for (int n = 2; used.count(id); ++n) id = base + "-" + std::to_string(n);
    used.insert(id);
    id_of[c.bom_ref] = id;
  };
  assign(bom.root);
  for (const Component& c : bom.components) assign(c);

  ordered packages = ordered::array();
  packages.push_back(package_json(bom.root, id_of[bom.root.bom_ref]));
  for (const Component& c : bom.components) packages.push_back(package_json(c, id_of[c.bom_ref]));

  ordered rels = ordered::array();
  rels.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"},
                  {"relationshipType", "DESCRIBES"},
                  {"relatedSpdxElement", id_of[bom.root.bom_ref]}});
  for (const auto& [from, tos] : bom.dependencies) {
    auto f = id_of.find(from);
    if (f == id_of.end()) continue;
    for (const std::string& to : tos)
      if (auto t = id_of.find(to); t != id_of.end())
        rels.push_back(
            {{"spdxElementId", f->second}, {"relationshipType", "DEPENDS_ON"}, {"relatedSpdxElement", t->second}});
  }

  std::string created =
      options.timestamp.empty() ? format_rfc3339_s(reproducible_now(options.source_date_epoch)) : options.timestamp;
  std::string name = bom.root.name + (bom.root.version.empty() ? "" : "-" + bom.root.version);
  const auto replace = nlohmann::ordered_json::error_handler_t::replace;
  std::string uuid = make_uuid(options.deterministic_ids,
                               packages.dump(-1, ' ', false, replace) + rels.dump(-1, ' ', false, replace) + created);

  ordered doc;
  doc["spdxVersion"] = "SPDX-2.3";
  doc["dataLicense"] = "CC0-1.0";
  doc["SPDXID"] = "SPDXRef-DOCUMENT";
  doc["name"] = name;
  // No URL hallmark controls exists to host documents; the spec only needs a unique URI.
  doc["documentNamespace"] = "https://hallmark.invalid/spdx/" + sanitise_id(name) + "-" + uuid;
  doc["creationInfo"] = {{"created", created},
                         {"creators", ordered::array({std::string("Tool: hallmark-") + hallmark_version()})}};
  doc["packages"] = packages;
  doc["relationships"] = rels;
  // SPDX 2.3 §10: every LicenseRef- an expression uses is defined in the document. hallmark has
  // the reference only (from the package metadata), not the licence text.
  std::set<std::string> refs;
  for (const auto& p : packages)
    for (const char* field : {"licenseDeclared", "licenseConcluded"})
      for (const std::string& r : license_refs(p[field].get<std::string>())) refs.insert(r);
  if (!refs.empty()) {
    ordered infos = ordered::array();
    for (const std::string& r : refs)
      infos.push_back({{"licenseId", r},
                       {"extractedText", "The package metadata names " + r + "; its text was not part of the input."},
                       {"name", r.substr(11)}});
    doc["hasExtractedLicensingInfos"] = infos;
  }
  // Lockfile text is not trusted to be UTF-8: invalid bytes become U+FFFD instead of throwing.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace hallmark::sbom
