// `hallmark sbom --image REF`: the SBOM of a container image. The image is read through the oci
// module (any transport, every blob digest-checked), its layers squashed in memory (whiteouts
// applied, nothing extracted), then every cataloger runs on the files it matches in the final
// tree (OS package databases, language lockfiles and installed-package metadata), and executables
// are scanned for Go build info. metadata.component is the image: type "container", purl
// pkg:oci/NAME@sha256:...?repository_url=...&tag=..., the layer digests as properties. Each
// component's evidence location is "LAYER_DIGEST!/path/in/image" (the layer that holds the file).
#pragma once

#include "hallmark/oci/image.hpp"
#include "hallmark/oci/squash.hpp"
#include "hallmark/sbom/cataloger.hpp"
#include "hallmark/sbom/component.hpp"

#include <string>

namespace hallmark::sbom {

struct ImageBomOptions {
  std::string reference;  // skopeo-style (oci/reference.hpp)
  std::string platform;   // "os/arch[/variant]"; empty: the host's
  oci::SourceOptions source;
  oci::SquashLimits limits;
  bool include_dev = false;
  uint64_t max_file_bytes = uint64_t(64) << 20;  // one catalogued file held in memory
  uint64_t max_held_bytes = uint64_t(96) << 20;  // all of them together
};

struct ImageBom {
  Bom bom;
  std::string digest;           // the manifest (or index) digest the reference resolved to
  std::string manifest_digest;  // the platform's image manifest
  size_t layers = 0;
  size_t files = 0;  // entries in the squashed tree
};

// Findings (suspicious layer entries, malformed lockfiles, limits) go into `diag`.
Result<ImageBom> build_image_bom(const ImageBomOptions& options, Diagnostics& diag);

// The image as metadata.component (exposed for attest, which names the same image).
Component image_component(const oci::ImageRef& ref, const std::string& digest, const oci::ResolvedImage& image);

// Go build info of one executable ("\xff Go buildinf:" blob, Go 1.18+ inline form), fed in pieces.
class GoBuildInfoScanner {
public:
  void feed(std::string_view bytes);
  // The main module and its deps as components (the main module's edges to each dep); empty
  // when no build info was found. `display` is the evidence location.
  CatalogResult finish(const std::string& display);

private:
  enum class Parse { ok, need_more, invalid };
  Parse try_parse();
  void settle();  // parse what is captured; on a false match move on to the next candidate

  uint64_t offset_ = 0;         // bytes fed so far
  uint64_t capture_start_ = 0;  // file offset of capture_[0]
  std::string tail_;            // the last bytes fed while searching (a magic split across feeds)
  std::string capture_;         // from a 16-aligned magic on
  bool capturing_ = false;
  bool found_ = false;
  std::string version_, modinfo_;
};

}  // namespace hallmark::sbom
