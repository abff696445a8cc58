// Keyless (and managed-key) verification of a Sigstore bundle against a trusted root, offline,
// in the order of the Sigstore client spec and sigstore-go's pkg/verify: the certificate chain
// to a Fulcio CA (certificate.cpp), embedded SCTs against CT log keys (sct.cpp), the
// transparency log entries (tlog.cpp: SET, inclusion proof, signed checkpoint, body against the
// bundle), RFC 3161 timestamps (tsa.cpp), the signing time against every validity window, the
// signature over the artifact or the DSSE PAE (signature.cpp), then the identity
// (identity.cpp). Each check that runs is one Check; a failed one stops the checks that depend
// on it. The caller (attest/verify) goes on to the in-toto statement only when all passed.
#pragma once

#include "hallmark/sigstore/bundle.hpp"
#include "hallmark/sigstore/trusted_root.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hallmark::sigstore {

struct Check {
  std::string check;  // "sigstore.chain", "sigstore.tlog", ...
  bool passed = false;
  std::string expected;
  std::string actual;
};

// Who must have signed. Exact values and regexps (ECMAScript, searched unanchored like
// sigstore-go's regexp.MatchString: anchor them with ^...$).
struct IdentityRequirement {
  std::string san, san_regexp;
  std::string issuer, issuer_regexp;
  bool empty() const { return san.empty() && san_regexp.empty() && issuer.empty() && issuer_regexp.empty(); }
};

// The Fulcio certificate's claims (OIDs 1.3.6.1.4.1.57264.1.*), read once from the leaf.
struct CertificateClaims {
  std::string san;                       // URI or email
  std::string issuer;                    // .1.8, else the legacy .1.1
  std::string build_signer_uri;          // .1.9
  std::string build_signer_digest;       // .1.10
  std::string source_repository_uri;     // .1.12
  std::string source_repository_digest;  // .1.13
  std::string source_repository_ref;     // .1.14
  std::string build_config_uri;          // .1.18
  std::string build_trigger;             // .1.20
};

struct BundleVerifyOptions {
  const TrustedRoot* root = nullptr;
  std::string artifact_sha256;                  // raw 32 bytes
  std::filesystem::path artifact;               // empty with --artifact-digest
  std::vector<std::shared_ptr<EVP_PKEY>> keys;  // managed keys (bundles with publicKey)
  IdentityRequirement identity;
};

struct BundleVerification {
  bool passed = false;
  std::vector<Check> checks;
  CertificateClaims claims;               // keyless only
  std::shared_ptr<EVP_PKEY> signing_key;  // the leaf's key, or the managed key that verified
  std::vector<SystemTime> signing_times;  // the verified timestamps
};

BundleVerification verify_bundle(const Bundle& bundle, const BundleVerifyOptions& options);

}  // namespace hallmark::sigstore
