// Attestations of container images. `attest --image REF` signs the run's provenance with the
// image (its manifest or index digest) as the subject and, with --push, stores it where cosign and
// slsa-verifier look: a layer of cosign's `sha256-<hex>.att` manifest and an OCI 1.1 referrer
// holding a Sigstore bundle (oci/attestations.hpp); attesting again appends. `verify --image REF`
// fetches every attestation of the digest (cosign tag, referrers or their fallback tag, a
// `cosign save` layout) and runs the file verifier's checks on each: PASSED when one attestation
// meets every requirement, naming the digest, the tag resolved and the attestation.
#pragma once

#include "hallmark/attest/attest_run.hpp"
#include "hallmark/attest/verify.hpp"
#include "hallmark/oci/image.hpp"

#include <string>
#include <vector>

namespace hallmark {

struct ImageAttestOptions {
  AttestOptions attest;
  std::string reference;
  oci::SourceOptions source;
  bool push = false;
};

struct ImageAttestOutcome {
  AttestOutcome attest;
  std::string image;                // the reference as given
  std::string digest;               // the subject
  std::vector<std::string> pushed;  // where each attestation went
};

// `diag`: attest_run's findings, and a referrer the registry would not store.
Result<ImageAttestOutcome> attest_image(const ImageAttestOptions& options, const std::string& hallmark_version,
                                        Diagnostics& diag);

struct ImageVerifyOptions {
  VerifyOptions verify;
  std::string reference;
  oci::SourceOptions source;
};

struct ImageVerifyResult {
  VerifyResult result;
  std::string image;
  std::string digest;
  std::string tag;                 // the tag resolved (empty for a digest reference)
  std::vector<std::string> found;  // where each attestation came from
  std::string attestation;         // which one passed (or got furthest)

  nlohmann::json to_json() const;
  std::vector<std::string> lines() const;
};

// An error (exit 2) for usage and I/O problems, an unreachable registry or an image that does not
// exist; everything about the attestations is a result (exit 1 when none passes).
// `diag`: stored attestations that could not be read (skipped).
Result<ImageVerifyResult> verify_image(const ImageVerifyOptions& options, Diagnostics& diag);

}  // namespace hallmark
