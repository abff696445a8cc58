// dpkg's status database (var/lib/dpkg/status): RFC 822-style paragraphs, one per package.
// Only packages whose Status says "installed" are components (config-files, half-installed and
// not-installed entries are leftovers, as dpkg-query -W's default listing shows). Depends and
// Pre-Depends give the graph: for "a | b" the first alternative that is installed, a virtual
// name resolves to its installed provider, ":any"/":arch" and version constraints are dropped.
// The parser is shared with the .deb reader (control file of a package archive).
#include "catalogers/os/dpkg_control.hpp"
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <map>

namespace hallmark::sbom::internal {

std::vector<DebParagraph> parse_deb_paragraphs(std::string_view text) {
  std::vector<DebParagraph> out;
  DebParagraph cur;
  std::string last;
  size_t n = 0;
  for (std::string_view line : split_lines(text)) {
    ++n;
    if (trim(line).empty()) {
      if (!cur.fields.empty()) out.push_back(std::move(cur));
      cur = DebParagraph{};
      last.clear();
      continue;
    }
    if (cur.fields.empty()) cur.line = n;
    if (line.front() == ' ' || line.front() == '\t') {  // continuation of the last field
      if (!last.empty()) {
        std::string& v = cur.fields[last];
        v.push_back('\n');
        v.append(trim(line));
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    last = std::string(line.substr(0, colon));
    cur.fields[last] = std::string(trim(line.substr(colon + 1)));
  }
  if (!cur.fields.empty()) out.push_back(std::move(cur));
  return out;
}

Component deb_component(const DebParagraph& p, const std::string& distro) {
  Component c;
  c.purl_type = "deb";
  c.group = distro;
  c.name = p.get("Package");
  c.version = p.get("Version");
  std::string arch = p.get("Architecture");
  if (!arch.empty()) c.qualifiers["arch"] = arch;
  std::string source = p.get("Source");
  if (!source.empty()) {
    // "Source: name (version)" when the source version differs from the binary's
    c.properties["hallmark:deb.source"] = source;
    c.qualifiers["upstream"] = source.substr(0, source.find(' '));
  }
  c.supplier = p.get("Maintainer");
  for (const char* k : {"Installed-Size", "Maintainer", "Section", "Priority"}) {
    std::string v = p.get(k);
    if (v.empty()) continue;
    std::string key = "hallmark:deb.";
    key += k;
    c.properties[key] = v;
  }
  return c;
}

// "libc6 (>= 2.34), libx | liby, perl:any" -> alternatives groups of bare names
std::vector<std::vector<std::string>> deb_depends(std::string_view field) {
  std::vector<std::vector<std::string>> groups;
  if (trim(field).empty()) return groups;
  for (auto clause : split(field, ',')) {
    std::vector<std::string> alts;
    for (auto alt : split(clause, '|')) {
      std::string_view a = trim(alt);
      a = a.substr(0, a.find_first_of(" (["));
      a = a.substr(0, a.find(':'));
      if (!a.empty()) alts.emplace_back(a);
    }
    if (!alts.empty()) groups.push_back(std::move(alts));
  }
  return groups;
}

namespace {

void catalog_dpkg_status(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto paras = parse_deb_paragraphs(in.content);
  // The status file does not name the distribution; os-release beside the root says it when
  // the walker can reach it (var/lib/dpkg/status -> ../../../etc/os-release).
  std::string distro = "debian";
  if (in.read_sibling) {
    if (auto osr = in.read_sibling("../../../etc/os-release")) {
      for (std::string_view line : split_lines(*osr))
        if (line.rfind("ID=", 0) == 0) {
          std::string id(trim(line.substr(3)));
          if (id.size() >= 2 && id.front() == '"') id = id.substr(1, id.size() - 2);
          if (!id.empty()) distro = id;
        }
    }
  }
  std::map<std::string, std::string> ref_of;         // package name -> ref (installed only)
  std::multimap<std::string, std::string> provider;  // virtual name -> ref
  std::vector<std::pair<std::string, const DebParagraph*>> installed;
  for (const auto& p : paras) {
    std::string status = p.get("Status");
    auto words = split(status, ' ');
    if (words.size() != 3 || (words[2] != "installed")) continue;
    if (p.get("Package").empty() || p.get("Version").empty()) {
      rb.warn("paragraph at line " + std::to_string(p.line) + ": installed but no Package/Version");
      continue;
    }
    std::string ref = rb.add(deb_component(p, distro));
    ref_of[p.get("Package")] = ref;
    for (const auto& g : deb_depends(p.get("Provides")))
      for (const auto& v : g) provider.emplace(v, ref);
    installed.emplace_back(ref, &p);
  }
  for (const auto& [ref, p] : installed) {
    for (const char* field : {"Pre-Depends", "Depends"}) {
      for (const auto& alts : deb_depends(p->get(field))) {
        for (const auto& a : alts) {
          std::string to;
          if (auto it = ref_of.find(a); it != ref_of.end()) to = it->second;
          else if (auto pv = provider.find(a); pv != provider.end()) to = pv->second;
          if (to.empty()) continue;
          rb.edge(ref, to);
          break;  // the first satisfied alternative is the one dpkg uses
        }
      }
    }
  }
}

bool matches_dpkg_status(std::string_view filename, std::string_view relpath) {
  return filename == "status" &&
         (relpath == "var/lib/dpkg/status" ||
          (relpath.size() > 20 && relpath.substr(relpath.size() - 20) == "/var/lib/dpkg/status"));
}

}  // namespace

const Cataloger kDpkgStatusCataloger{"dpkg-status", matches_dpkg_status, catalog_dpkg_status};

}  // namespace hallmark::sbom::internal
