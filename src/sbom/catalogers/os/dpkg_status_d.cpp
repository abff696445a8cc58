// Distroless images have no var/lib/dpkg/status: each package's control paragraph is a file of
// its own in var/lib/dpkg/status.d/ (NAME, beside NAME.md5sums), without a Status field since
// everything listed there is installed.
#include "hallmark/sbom/cataloger.hpp"

#include "catalogers/os/dpkg_control.hpp"
#include "catalogers/catalog_util.hpp"

namespace hallmark::sbom::internal {

namespace {

constexpr std::string_view kDir = "var/lib/dpkg/status.d/";

bool matches_status_d(std::string_view filename, std::string_view relpath) {
  if (filename.find('.') != std::string_view::npos) return false;  // NAME.md5sums, NAME.list
  size_t at = relpath.size() >= kDir.size() + filename.size() ? relpath.size() - filename.size() - kDir.size()
                                                              : std::string_view::npos;
  return at != std::string_view::npos && relpath.substr(at, kDir.size()) == kDir && (at == 0 || relpath[at - 1] == '/');
}

void catalog_status_d(const CatalogInput& in, CatalogResult& out) {
  internal::ResultBuilder rb(in, out);
  std::string distro = "debian";
  if (in.read_sibling)
    if (auto osr = in.read_sibling("../../../../etc/os-release"))
      for (std::string_view line : internal::split_lines(*osr))
        if (line.rfind("ID=", 0) == 0) {
          std::string id(internal::trim(line.substr(3)));
          if (id.size() >= 2 && id.front() == '"') id = id.substr(1, id.size() - 2);
          if (!id.empty()) distro = id;
        }
  for (const auto& p : internal::parse_deb_paragraphs(in.content)) {
    if (p.get("Package").empty() || p.get("Version").empty()) {
      rb.warn("paragraph at line " + std::to_string(p.line) + ": no Package or Version");
      continue;
    }
    rb.add(internal::deb_component(p, distro));
  }
}

}  // namespace

extern const Cataloger kDpkgStatusDCataloger;
const Cataloger kDpkgStatusDCataloger{"dpkg-status.d", matches_status_d, catalog_status_d};

}  // namespace hallmark::sbom::internal
