// The archive hook of `hallmark sbom`: an artifact (tar, tar.gz/.xz/.zst, zip, jar/war/ear, whl,
// npm .tgz, .deb) is catalogued from its members, read through libarchive straight from memory
// streams; nothing is ever extracted to disk. The BOM builder calls these two functions; the
// archive reader (src/sbom/catalogers/archive/archive_reader.cpp) implements them.
//
// Contract:
//  - catalog_archive opens `file`, walks its members and, for each regular member whose name a
//    cataloger matches (catalogers() in registry.cpp, plus archive-only ones such as
//    META-INF/maven/**/pom.properties, *.dist-info/METADATA, package/package.json of an npm
//    tarball), runs that cataloger with CatalogInput{ path = "<display_path>!/<member>",
//    content = the member, dir = {} (empty: not on disk), include_dev, read_sibling = reads another
//    member of the same archive level by path relative to the member's directory, or nullopt }.
//    Each cataloger run yields one CatalogResult appended to `results`, in member order.
//  - Nested archives (a jar in a war in a tar.gz) are entered recursively up to limits.max_depth;
//    their paths chain: "app.tar.gz!/lib/x.war!/WEB-INF/lib/y.jar!/META-INF/MANIFEST.MF".
//  - Member names are sanitised for display ("../", leading "/", NUL and control bytes removed or
//    escaped); they are never used as disk paths.
//  - Limits (entries, decompressed bytes in total and per member) stop the walk with a Diagnostic
//    naming the archive and the limit; what was catalogued before the stop is still returned.
//    A corrupt member or nested archive is a Diagnostic, the walk goes on with the next member.
//  - `artifact` describes the archive itself and becomes metadata.component when the archive is
//    the only PATH: type "file" (or "application"/"library" when the archive is a known package:
//    a jar's own pom.properties, a wheel's dist-info, an npm tarball's package.json, then with
//    purl_type/group/name/version of that package), name = the file name without directories
//    when no package identity is known, hashes = SHA-256 of the archive bytes. bom_ref is left
//    empty: the builder assigns it.
//  - The Result is an error only when `file` cannot be opened or is not an archive libarchive can
//    read at all; the message names the file.
#pragma once

#include "hallmark/sbom/cataloger.hpp"
#include "hallmark/util/result.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sbom {

struct ArchiveLimits {
  unsigned max_depth = 4;                           // archive-in-archive nesting
  uint64_t max_entries = 200000;                    // members seen, all depths together
  uint64_t max_total_bytes = uint64_t(2) << 30;     // decompressed bytes read, all depths
  uint64_t max_member_bytes = uint64_t(256) << 20;  // one member held in memory for a cataloger
};

struct ArchiveOptions {
  bool include_dev = false;
  ArchiveLimits limits;
};

struct ArchiveCatalog {
  Component artifact;                  // the archive itself (see the contract above)
  std::vector<CatalogResult> results;  // one per catalogued member, member order
  std::vector<Diagnostic> warnings;    // limits hit, corrupt members, unsafe names
};

// True when the file name looks like an archive the reader handles (by extension, cheap: the
// directory walk calls it for every file). ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz",
// ".tar.zst", ".tar.bz2", ".zip", ".jar", ".war", ".ear", ".whl", ".deb", ".apk" (Alpine), ...
bool is_archive_name(std::string_view filename);

// `display_path` is how the archive is named in evidence and warnings (relative to the scanned
// PATH, or as the user gave it).
Result<ArchiveCatalog> catalog_archive(const std::filesystem::path& file, const std::string& display_path,
                                       const ArchiveOptions& options);
// The archive itself as a dependency of what contains it (a jar in lib/, a wheel in an image
// layer) when it is a known package: one direct component, found at `display_path`. nullopt for
// a plain file (a tarball is its members, not a package).
std::optional<CatalogResult> archive_as_dependency(const Component& artifact, const std::string& display_path);

// The same for an archive already in memory (a jar read from a container image's layers).
Result<ArchiveCatalog> catalog_archive_bytes(std::string_view bytes, const std::string& display_path,
                                             const ArchiveOptions& options);

}  // namespace hallmark::sbom
