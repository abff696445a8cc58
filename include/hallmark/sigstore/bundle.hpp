// The Sigstore bundle (protobuf-specs Bundle, JSON form), media types v0.1, v0.2 and v0.3 in
// both spellings ("application/vnd.dev.sigstore.bundle+json;version=0.3" and
// "application/vnd.dev.sigstore.bundle.v0.3+json"). Parsing is strict: an unknown version, bad
// base64, a negative number or a missing field is an error naming the field. Nothing here is
// trusted yet: sigstore/verify.hpp decides that.
#pragma once

#include "hallmark/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sigstore {

struct InclusionProof {
  int64_t log_index = 0;
  int64_t tree_size = 0;
  std::string root_hash;            // raw bytes
  std::vector<std::string> hashes;  // raw bytes, leaf to root
  std::string checkpoint;           // the signed note, as text; empty in older bundles
};

struct TlogEntry {
  int64_t log_index = 0;
  std::string log_id;                  // raw bytes
  std::string kind, version;           // "hashedrekord" "0.0.1", "dsse" "0.0.2", "intoto" "0.0.2"
  int64_t integrated_time = 0;         // seconds; 0 when absent (Rekor v2)
  std::string signed_entry_timestamp;  // raw bytes; empty without an inclusion promise
  std::optional<InclusionProof> inclusion_proof;
  std::string canonicalized_body;  // raw bytes (JSON)
};

struct BundleSignature {  // one DSSE signature
  std::string keyid;
  std::string sig;  // raw bytes
};

struct Bundle {
  std::string media_type;
  int minor_version = 0;  // 1, 2 or 3 (all v0.x)

  // Verification material: exactly one of these.
  std::vector<std::string> certificates;  // DER, leaf first ("certificate" gives one)
  bool has_certificate_chain = false;     // x509CertificateChain (v0.1/v0.2 form)
  std::string public_key_hint;            // publicKey.hint (may be empty)
  bool has_public_key = false;

  std::vector<TlogEntry> tlog_entries;
  std::vector<std::string> rfc3161_timestamps;  // DER TimeStampResp / token

  // Content: a message signature or a DSSE envelope.
  bool is_dsse = false;
  std::string message_digest_algorithm;  // "SHA2_256", ...
  std::string message_digest;            // raw bytes (an unauthenticated hint)
  std::string signature;                 // raw bytes (messageSignature)
  std::string payload_type, payload;     // DSSE
  std::vector<BundleSignature> dsse_signatures;
};

// True when `text` is a JSON object whose mediaType names a Sigstore bundle (any version, even
// unknown ones, so that an unknown version is reported by parse_bundle rather than ignored).
bool looks_like_bundle(std::string_view text);

Result<Bundle> parse_bundle(std::string_view text, const std::string& origin);

}  // namespace hallmark::sigstore
