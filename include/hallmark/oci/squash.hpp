// Layer squashing without writing anything: the first pass streams every layer (in order) and
// keeps only a map of the final filesystem tree, applying whiteouts (`.wh.NAME` removes NAME,
// `.wh..wh..opq` empties its directory of lower layers' entries). The second pass streams the
// layers again and hands over the content of the final version of the files a caller wants, a
// piece at a time. Nothing is extracted, so a hostile layer cannot write outside anything: entries
// with `..` or through a symlink are skipped with a warning, absolute names are read relative to
// the root with a warning, symlinks are recorded and never followed, and the decompressed size
// and expansion ratio of each layer are bounded (gzip bombs are errors).
#pragma once

#include "hallmark/util/diagnostics.hpp"
#include "hallmark/oci/image.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace hallmark::oci {

struct SquashLimits {
  uint64_t max_layer_bytes = uint64_t(16) << 30;  // decompressed bytes per layer
  uint64_t max_ratio = 1000;                      // decompressed / compressed, past 64 MiB
  uint64_t max_entries = 2000000;                 // tar entries per layer
};

struct TreeEntry {
  char type = '0';       // tar type: '0' file, '1' hardlink, '2' symlink, '5' dir, other
  size_t layer = 0;      // index of the layer the final version comes from
  uint64_t ordinal = 0;  // its position among that layer's entries
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string link;
};

struct SquashedImage {
  std::map<std::string, TreeEntry> entries;  // relative paths, no leading "/" or "./"
};

// `diag`: one warning per skipped or suspicious entry, its layer as the subject.
Result<SquashedImage> squash_layers(ImageSource& source, const std::vector<Descriptor>& layers, Diagnostics& diag,
                                    const SquashLimits& limits = {});

// Called with each wanted file's content in pieces; `last` marks the end of the file.
using FileChunkVisitor =
    std::function<Status(const std::string& path, const TreeEntry& entry, std::string_view chunk, bool last)>;

// The second pass: streams the final version of every regular file for which `want` is true.
Status read_final_files(ImageSource& source, const std::vector<Descriptor>& layers, const SquashedImage& tree,
                        const std::function<bool(const std::string& path, const TreeEntry&)>& want,
                        const FileChunkVisitor& visit, const SquashLimits& limits = {});

// A tar path as the squasher keys it: "./a//b/" -> "a/b"; nullopt when it climbs out with "..".
std::optional<std::string> clean_layer_path(std::string_view path, bool& was_absolute);

}  // namespace hallmark::oci
