// The archive reader on bytes in memory (tar, compressed tars, zip/jar/war/whl, .deb, nested):
// limits, member names, nested archives and the catalogers it runs on members.
#include "hallmark/sbom/archive.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hallmark::sbom::ArchiveOptions o;
  o.limits.max_total_bytes = uint64_t(64) << 20;  // a fuzzing input must not spend seconds
  (void)hallmark::sbom::catalog_archive_bytes(std::string_view(reinterpret_cast<const char*>(data), size),
                                              "fuzz.archive", o);
  return 0;
}
