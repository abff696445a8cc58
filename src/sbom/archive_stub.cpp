// Stand-in for the archive reader until the sbom-eco branch (src/sbom/eco/) is merged: knows
// archive names, reads none. src/sbom/meson.build stops compiling this file once
// src/sbom/eco/meson.build exists.
#include "hallmark/sbom/archive.hpp"

#include <array>

namespace hallmark::sbom {

bool is_archive_name(std::string_view filename) {
  static constexpr std::array<std::string_view, 15> kSuffixes = {
      ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tar.bz2", ".zip",
      ".jar", ".war", ".ear", ".whl", ".deb", ".apk", ".nupkg"};
  for (std::string_view s : kSuffixes)
    if (filename.size() > s.size() && filename.substr(filename.size() - s.size()) == s) return true;
  return false;
}

Result<ArchiveCatalog> catalog_archive(const std::filesystem::path& file, const std::string& display_path,
                                       const ArchiveOptions&) {
  (void)file;
  return make_error(display_path + ": archive support is not built into this hallmark (the archive reader is missing)");
}

} // namespace hallmark::sbom
