// Content-addressed reads. Every blob and manifest hallmark reads (from a layout, an archive or a
// registry) goes through one DigestChecker, so no caller can forget the check: the bytes are
// hashed as they stream past, more bytes than the descriptor's size stop the read at once, and at
// the end a wrong size or digest is an error naming the digest. Nothing here holds a blob whole.
#pragma once

#include "hallmark/util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace hallmark::oci {

// An OCI content descriptor (image-spec descriptor.md).
struct Descriptor {
  std::string media_type;
  std::string digest;  // "sha256:<hex>"
  int64_t size = -1;   // -1: unknown (docker-archive layers); then only the digest is checked
  std::string artifact_type;
  std::map<std::string, std::string> annotations;
  nlohmann::json platform;  // from an index entry; null otherwise

  nlohmann::json to_json() const;
  static Result<Descriptor> from_json(const nlohmann::json& j, const std::string& where);
};

// Receives a blob's bytes in order; an error stops the read.
using ByteSink = std::function<Status(std::string_view)>;

class DigestChecker {
public:
  DigestChecker(std::string expected_digest, int64_t expected_size);
  ~DigestChecker();
  DigestChecker(const DigestChecker&) = delete;
  DigestChecker& operator=(const DigestChecker&) = delete;

  // Fails as soon as the bytes seen exceed the expected size (a lying or endless blob).
  Status update(std::string_view bytes);
  // Fails on a short blob or a digest mismatch; the message names the expected digest.
  Status finish();
  uint64_t seen() const { return seen_; }

private:
  std::string expected_;
  int64_t size_;
  uint64_t seen_ = 0;

public:
  struct Ctx;

private:
  std::unique_ptr<Ctx> ctx_;
};

// Streams a file into `sink` in 64 KiB pieces (no digest check: the callers add it).
Status stream_file(const std::filesystem::path& file, const ByteSink& sink);

// Streams `file` into `sink` through a DigestChecker for `desc` (64 KiB at a time).
Status read_verified_file(const std::filesystem::path& file, const Descriptor& desc, const ByteSink& sink);

// A whole small blob (manifest, config, attestation) in memory, verified; refuses blobs larger
// than `max_bytes` before reading them.
Result<std::string> verify_bytes(std::string bytes, const Descriptor& desc);

inline constexpr uint64_t kMaxManifestBytes = 4 << 20;  // as registries cap manifests

std::string sha256_digest(std::string_view bytes);  // "sha256:<hex>"
// The digest of a file of any size, streamed (docker-archive members, which carry no digests).
Result<std::string> sha256_digest_of_file(const std::filesystem::path& file);

}  // namespace hallmark::oci
