// Reading an image from any transport: an ImageSource hands out the manifest the reference names
// and streams blobs, every byte through the digest check (blob.hpp). resolve_image() walks an
// index down to the manifest of one platform (`--platform os/arch[/variant]`, default the host's)
// and reads the config; the layers are then streamed by the squasher (squash.hpp).
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/oci/blob.hpp"
#include "hallmark/oci/reference.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace hallmark::oci {

inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kOciEmpty = "application/vnd.oci.empty.v1+json";

struct Platform {
  std::string os = "linux";
  std::string architecture;
  std::string variant;
  std::string to_string() const;
  bool matches(const nlohmann::json& platform) const;
};
Result<Platform> parse_platform(std::string_view text);  // "linux/amd64", "linux/arm64/v8"
Platform host_platform();

// A manifest or index as read: its exact bytes (digests are over them) and media type.
struct Manifest {
  std::string media_type;
  std::string digest;
  std::string bytes;
  bool is_index() const { return media_type == kOciIndex || media_type == kDockerList; }
};

// Where registry connections may go and with which credentials (registry.hpp reads them).
struct SourceOptions {
  EnvMap env;  // DOCKER_CONFIG, HOME, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, SSL_CERT_FILE
  std::vector<std::string> insecure_registries;  // hosts allowed over plain HTTP (loopback always is)
  std::filesystem::path temp_dir;                // where archives are unpacked; empty: $TMPDIR or /tmp
};

class ImageSource {
public:
  virtual ~ImageSource() = default;
  // The manifest or index the reference names (by tag, digest, or the layout's only image).
  virtual Result<Manifest> top_manifest() = 0;
  // A manifest, index or config by descriptor: at most kMaxManifestBytes, verified.
  virtual Result<std::string> fetch_small(const Descriptor& desc) = 0;
  // A blob streamed into `sink` through the digest check; the error names the digest.
  virtual Status fetch_blob(const Descriptor& desc, const ByteSink& sink) = 0;
  // For `oci:DIR` written by `cosign save`: its attestation manifests (kind .../atts).
  virtual std::vector<Descriptor> layout_attestations() { return {}; }
  const ImageRef& ref() const { return ref_; }

protected:
  ImageRef ref_;
};

Result<std::unique_ptr<ImageSource>> open_image_source(const ImageRef& ref, const SourceOptions& options);

struct ResolvedImage {
  std::string top_digest;  // what the reference resolves to (the index when there is one)
  std::string top_media_type;
  int64_t top_size = 0;
  Descriptor manifest;  // the platform's image manifest
  nlohmann::json config;
  std::vector<Descriptor> layers;
  std::vector<std::string> diff_ids;  // config rootfs.diff_ids (uncompressed layer digests)
};

Result<ResolvedImage> resolve_image(ImageSource& source, const Platform& platform);

// Parses an image manifest's layers (and config descriptor); errors name the manifest digest.
Result<std::pair<Descriptor, std::vector<Descriptor>>> parse_image_manifest(const std::string& bytes,
                                                                            const std::string& digest);

}  // namespace hallmark::oci
