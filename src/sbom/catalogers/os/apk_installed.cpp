// Alpine's installed database (lib/apk/db/installed): blank-line separated records of
// "X:value" lines (P name, V version, A arch, C checksum "Q1"+base64 SHA-1 of the control
// section, L license, o origin, D depends, p provides; F/R/Z lines list files). D entries are
// names, "so:libc.musl-x86_64.so.1", "cmd:..." or "pc:..." (resolved through p provides),
// optionally with a version constraint; "!name" is a conflict, not a dependency.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <map>

namespace hallmark::sbom::internal {
namespace {

struct ApkRecord {
  std::map<char, std::string> f;  // single-letter fields (first occurrence)
  size_t line = 0;
};

std::string strip_constraint(std::string_view s) {
  size_t cut = s.find_first_of("<>=~");
  return std::string(s.substr(0, cut));
}

void catalog_apk_installed(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  std::vector<ApkRecord> recs;
  ApkRecord cur;
  size_t n = 0;
  for (std::string_view line : split_lines(in.content)) {
    ++n;
    if (line.empty()) {
      if (!cur.f.empty()) recs.push_back(std::move(cur));
      cur = ApkRecord{};
      continue;
    }
    if (line.size() < 2 || line[1] != ':') {
      rb.warn("line " + std::to_string(n) + ": expected \"X:value\"");
      continue;
    }
    if (cur.f.empty()) cur.line = n;
    cur.f.emplace(line[0], std::string(line.substr(2)));
  }
  if (!cur.f.empty()) recs.push_back(std::move(cur));

  std::map<std::string, std::string> ref_of;
  std::vector<std::pair<std::string, const ApkRecord*>> nodes;
  for (const auto& r : recs) {
    auto get = [&](char k) {
      auto it = r.f.find(k);
      return it == r.f.end() ? std::string{} : it->second;
    };
    if (get('P').empty() || get('V').empty()) {
      rb.warn("record at line " + std::to_string(r.line) + ": no P (name) or V (version)");
      continue;
    }
    Component c;
    c.purl_type = "apk";
    c.group = "alpine";
    c.name = get('P');
    c.version = get('V');
    if (!get('A').empty()) c.qualifiers["arch"] = get('A');
    if (!get('L').empty()) c.licenses.push_back(get('L'));
    c.supplier = get('m');  // the package's maintainer, "Name <email>"
    if (!get('o').empty() && get('o') != c.name) c.qualifiers["upstream"] = get('o');
    std::string cs = get('C');
    if (cs.rfind("Q1", 0) == 0) {
      std::string hex = base64_to_hex(cs.substr(2));
      if (hex.size() == 40) c.properties["hallmark:apk.checksum.sha1"] = hex;  // of the control part
    }
    std::string ref = rb.add(std::move(c));
    ref_of[get('P')] = ref;
    std::string provides = get('p');
    for (auto p : split(provides, ' '))
      if (!p.empty()) ref_of.emplace(strip_constraint(p), ref);
    nodes.emplace_back(ref, &r);
  }
  for (const auto& [ref, r] : nodes) {
    auto it = r->f.find('D');
    if (it == r->f.end()) continue;
    for (auto d : split(it->second, ' ')) {
      if (d.empty() || d.front() == '!') continue;
      if (auto t = ref_of.find(strip_constraint(d)); t != ref_of.end()) rb.edge(ref, t->second);
    }
  }
}

bool matches_apk_installed(std::string_view filename, std::string_view relpath) {
  return filename == "installed" &&
         (relpath == "lib/apk/db/installed" ||
          (relpath.size() > 20 && relpath.substr(relpath.size() - 20) == "/lib/apk/db/installed"));
}

}  // namespace

const Cataloger kApkInstalledCataloger{"apk-installed", matches_apk_installed, catalog_apk_installed};

}  // namespace hallmark::sbom::internal
