// TEMPORARY stand-in for make_purl until sbom-core's src/sbom/purl.cpp lands on its branch and
// is merged here; then this file is deleted (a second definition would clash). Good enough for
// bom-refs in these tests, which compare component fields, not purl strings.
#include "hallmark/sbom/purl.hpp"

namespace hallmark::sbom {

std::string purl_encode(std::string_view s) { return std::string(s); }

std::string make_purl(const Component& c) {
  std::string p = "pkg:" + c.purl_type + "/";
  if (!c.group.empty()) p += c.group + "/";
  p += c.name;
  if (!c.version.empty()) p += "@" + c.version;
  char sep = '?';
  for (const auto& [k, v] : c.qualifiers) {
    p += sep + k + "=" + v;
    sep = '&';
  }
  if (!c.subpath.empty()) p += "#" + c.subpath;
  return p;
}

} // namespace hallmark::sbom
