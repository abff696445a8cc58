// Private to src/sigstore: OpenSSL ownership helpers and one function per kind of evidence, so
// that verify.cpp composes them in the spec's order and each is testable on its own.
#pragma once

#include "hallmark/sigstore/verify.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sigstore::internal {

using X509Ptr = std::shared_ptr<X509>;
using PkeyPtr = std::shared_ptr<EVP_PKEY>;

X509Ptr x509_from_der(std::string_view der);
X509Ptr x509_from_pem(std::string_view pem);
std::string der_of(X509* cert);
// A DER SubjectPublicKeyInfo, or (as the trusted root stores some CT keys) a PKCS#1 RSA key.
PkeyPtr pkey_from_der(std::string_view der);
PkeyPtr pkey_from_pem(std::string_view pem);
std::string spki_der(EVP_PKEY* key);
std::string sha256(std::string_view bytes);
std::optional<SystemTime> asn1_time(const ASN1_TIME* t);
SystemTime from_unix(int64_t seconds);
std::string describe_time(SystemTime t);

// The signature over `message` with the digest the key type implies (P-256 and RSA: SHA-256,
// P-384: SHA-384, Ed25519: pure).
bool verify_signature(EVP_PKEY* key, std::string_view message, std::string_view signature);
// The signature over an already computed SHA-256 digest (ECDSA P-256 and RSA only).
bool verify_sha256_digest(EVP_PKEY* key, std::string_view digest, std::string_view signature);

std::string dsse_pae(std::string_view type, std::string_view payload);

// certificate.cpp: the leaf chains to a Fulcio CA of the root valid at `t`, with every
// certificate of the chain valid at `t`. On success `issuer` is the leaf's issuer.
Status verify_chain(const std::vector<X509Ptr>& bundle_certs, const TrustedRoot& root, SystemTime t, X509Ptr* issuer);
Status check_leaf_profile(X509* leaf);
Status check_no_root_in_bundle(const std::vector<X509Ptr>& bundle_certs);

// sct.cpp: at least one embedded SCT verifies against a CT log key valid at its timestamp.
Status verify_embedded_scts(X509* leaf, X509* issuer, const TrustedRoot& root);

// tlog.cpp
struct EntryExpectation {
  bool dsse = false;
  std::string artifact_sha256;        // raw; messageSignature
  std::string signature;              // raw; the message signature or the DSSE one
  std::string payload, payload_type;  // DSSE
  X509* leaf = nullptr;               // keyless
  EVP_PKEY* key = nullptr;            // managed key
};
struct TlogOutcome {
  std::optional<SystemTime> integrated_time;  // only when the SET verified
  std::string log;                            // base URL of the log
};
Result<TlogOutcome> verify_tlog_entry(const TlogEntry& entry, const TrustedRoot& root, const EntryExpectation& expect);
Status verify_inclusion_proof(const InclusionProof& proof, std::string_view leaf);
Status verify_checkpoint(const InclusionProof& proof, const LogInstance& log);
Status match_entry_body(const TlogEntry& entry, const EntryExpectation& expect);

// tsa.cpp: an RFC 3161 timestamp over `signature` from a TSA of the root; returns its time.
Result<SystemTime> verify_rfc3161(std::string_view der, std::string_view signature, const TrustedRoot& root);

// identity.cpp
CertificateClaims read_claims(X509* leaf);
std::vector<Check> identity_checks(const CertificateClaims& claims, const IdentityRequirement& want);

}  // namespace hallmark::sigstore::internal
