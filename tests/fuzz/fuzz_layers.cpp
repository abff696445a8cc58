// The walk over an image's layer tars, through `hallmark sbom --image`'s own entry point: the
// input is up to four layers (tar, gzip'd tar or garbage) separated by "HMLAYER\n", written as an
// OCI image layout in /dev/shm with correct digests so that the bytes reach the tar parser, the
// squasher (whiteouts, "..", absolute names, symlinks, hard links) and the catalogers on the
// final files, symlink hops included.
#include "hallmark/sbom/image.hpp"
#include "hallmark/util/hex.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string put_blob(const fs::path& dir, const std::string& bytes) {
  std::string hex = hallmark::sha256_hex(bytes);
  std::ofstream(dir / "blobs" / "sha256" / hex, std::ios::binary | std::ios::trunc) << bytes;
  return "sha256:" + hex;
}

std::string descriptor(const char* media_type, const std::string& digest, size_t size) {
  return std::string("{\"mediaType\":\"") + media_type + "\",\"digest\":\"" + digest +
         "\",\"size\":" + std::to_string(size) + "}";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path dir = "/dev/shm/hallmark-fuzz-layers-" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "blobs" / "sha256");
  std::ofstream(dir / "oci-layout") << "{\"imageLayoutVersion\":\"1.0.0\"}";

  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> layers;
  for (size_t at; layers.size() < 3 && (at = in.find("HMLAYER\n")) != std::string_view::npos; in.remove_prefix(at + 8))
    layers.push_back(in.substr(0, at));
  layers.push_back(in);

  std::string layer_json, diff_ids;
  for (auto l : layers) {
    std::string bytes(l);
    std::string digest = put_blob(dir, bytes);
    bool gz = bytes.size() > 2 && uint8_t(bytes[0]) == 0x1f && uint8_t(bytes[1]) == 0x8b;
    layer_json += (layer_json.empty() ? "" : ",") + descriptor(gz ? "application/vnd.oci.image.layer.v1.tar+gzip"
                                                                  : "application/vnd.oci.image.layer.v1.tar",
                                                               digest, bytes.size());
    diff_ids += (diff_ids.empty() ? "\"" : ",\"") + digest + "\"";
  }
  std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diff_ids + "]}}";
  std::string config_digest = put_blob(dir, config);
  std::string manifest =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" +
      descriptor("application/vnd.oci.image.config.v1+json", config_digest, config.size()) + ",\"layers\":[" +
      layer_json + "]}";
  std::string manifest_digest = put_blob(dir, manifest);
  std::ofstream(dir / "index.json", std::ios::trunc)
      << "{\"schemaVersion\":2,\"manifests\":["
      << descriptor("application/vnd.oci.image.manifest.v1+json", manifest_digest, manifest.size()) << "]}";

  hallmark::sbom::ImageBomOptions o;
  o.reference = "oci:" + dir.string();
  o.platform = "linux/amd64";
  o.limits.max_layer_bytes = uint64_t(64) << 20;  // a fuzzing input must not spend seconds
  o.max_file_bytes = uint64_t(8) << 20;
  o.max_held_bytes = uint64_t(16) << 20;
  hallmark::Diagnostics found;
  (void)hallmark::sbom::build_image_bom(o, found);
  return 0;
}
