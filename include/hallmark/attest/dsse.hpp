// DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1.0) and the Sigstore bundle
// v0.3 that wraps one. Signatures are over PAE(payloadType, payload), never over the JSON, so the
// payload bytes are kept exactly as signed. Writing uses standard padded base64; reading accepts
// base64url too, as the spec requires of verifiers. Readers refuse input over 64 MB.
#pragma once

#include "hallmark/attest/signing.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

inline constexpr const char* kInTotoPayloadType = "application/vnd.in-toto+json";
inline constexpr const char* kSigstoreBundleV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
inline constexpr size_t kMaxEnvelopeBytes = size_t(64) << 20;

struct DsseSignature {
  std::string keyid;
  std::string sig;  // raw signature bytes
};

struct DsseEnvelope {
  std::string payload_type;
  std::string payload;  // raw bytes, exactly as signed
  std::vector<DsseSignature> signatures;
};

// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN as ASCII decimal byte counts.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

Result<DsseEnvelope> sign_dsse(std::string_view payload_type, std::string payload, const SigningKey& key);

// {"payload", "payloadType", "signatures": [{"keyid", "sig"}]} with padded standard base64.
nlohmann::json to_json(const DsseEnvelope& envelope);
Result<DsseEnvelope> dsse_from_json(const nlohmann::json& j);

// One .intoto.jsonl line: the envelope as compact JSON (no newline).
std::string dsse_to_line(const DsseEnvelope& envelope);

// Sigstore bundle v0.3 with verificationMaterial.publicKey.hint = keyid; the envelope must carry
// exactly one signature (the bundle spec's rule), else an error.
Result<nlohmann::json> sigstore_bundle(const DsseEnvelope& envelope, const std::string& keyid);

enum class ProvenanceFormat { envelope, jsonl, bundle };
const char* to_string(ProvenanceFormat f);

struct ProvenanceDocument {
  ProvenanceFormat format = ProvenanceFormat::envelope;
  std::vector<DsseEnvelope> envelopes;  // one, or one per .intoto.jsonl line
};

// Reads a DSSE envelope, a .intoto.jsonl file or a Sigstore bundle; errors name `origin`.
Result<ProvenanceDocument> parse_provenance(std::string_view text, const std::string& origin);

}  // namespace hallmark
