// Private to src/attest: verify's path for Sigstore bundles that carry their own evidence (a
// certificate, or transparency log entries): the sigstore module checks the evidence and the
// identity; verify.cpp then reads the DSSE statement as it does for keyed provenance.
#pragma once

#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/policy.hpp"
#include "hallmark/attest/verify.hpp"
#include "hallmark/sigstore/verify.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

struct KeylessOutcome {
  bool passed = false;
  bool keyless = false;  // a certificate, not a managed key
  std::vector<CheckResult> checks;
  std::string format;                    // "Sigstore bundle v0.3 (keyless)"
  std::string signer;                    // the SAN, or the managed key's id
  std::optional<DsseEnvelope> envelope;  // the authenticated envelope (DSSE bundles)
  std::optional<VerifyingKey> key;       // the key that signed it
  sigstore::CertificateClaims claims;
};

// A Sigstore bundle other than hallmark's own keyed one (publicKey, DSSE, no log entries); an
// unparseable bundle counts, so that its error is reported here.
bool is_sigstore_evidence(std::string_view text);

// An error (exit 2) for a keyless bundle without an identity requirement, a bad regexp, an
// unreadable trusted root or key; otherwise the outcome with its checks.
Result<KeylessOutcome> verify_sigstore_evidence(const VerifyOptions& o, std::string_view text,
                                                const std::string& origin, const std::string& artifact_sha256);

}  // namespace hallmark
