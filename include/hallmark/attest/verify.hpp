// verify-before-deploy: checks that an artifact is covered by signed provenance from a trusted
// key. The order is fixed (docs/signing.md): the DSSE signature with a trusted key first, and
// nothing in the payload is read before that; then payloadType, `_type`, predicateType, the
// artifact's sha256 among the subjects, builder.id, source URI/ref, the policy, then any extra
// checks (telemetry's --events). A check that cannot pass stops the later ones that depend on
// it; independent later checks all run so the user sees every reason at once.
#pragma once

#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/github.hpp"
#include "hallmark/attest/policy.hpp"
#include "hallmark/sigstore/verify.hpp"
#include "hallmark/util/result.hpp"
#include "hallmark/util/time.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hallmark {

// A check added by another module, run on the authenticated statement after the built-in ones.
using ExtraCheck = std::function<std::vector<CheckResult>(const nlohmann::json& statement)>;

struct VerifyOptions {
  std::filesystem::path artifact;
  std::filesystem::path provenance;         // empty: <artifact>.intoto.jsonl (or .sigstore.json)
  std::vector<std::filesystem::path> keys;  // trusted public keys (SPKI PEM)
  std::string builder_id;                   // exact match when set
  std::string source_uri;                   // compared after normalize_repo_uri
  std::string source_ref;                   // "main" also matches refs/heads/main, refs/tags/main
  std::filesystem::path policy;
  bool allow_raw_ecdsa = false;   // accept IEEE P1363 r||s ECDSA (off: DSSE wants DER)
  std::optional<SystemTime> now;  // for maxAge; default: the clock
  std::vector<ExtraCheck> extra_checks;

  // Sigstore bundles with their own evidence (keyless or logged managed keys): docs/verify.md.
  std::filesystem::path trusted_root;      // empty: data/sigstore/trusted_root.json
  std::string data_dir;                    // $HALLMARK_DATA_DIR, where data files are looked up
  std::string artifact_digest;             // "sha256:HEX": the artifact is not read
  sigstore::IdentityRequirement identity;  // the certificate's SAN and OIDC issuer
  BuildRequirement build;                  // GitHub claims (--builder-id etc. when keyless)
};

struct VerifyResult {
  bool passed = false;
  std::vector<CheckResult> checks;  // in the order run; failed ones have passed=false
  std::string artifact_sha256;
  std::filesystem::path provenance;
  std::string format;        // DSSE envelope / .intoto.jsonl / Sigstore bundle
  std::string keyid;         // the trusted key that verified the signature
  nlohmann::json statement;  // the authenticated statement (null if none)
  int envelope_index = -1;   // which of several envelopes the result is about

  nlohmann::json to_json() const;
  // "PASSED: ..." or one "FAILED: <check>: expected ..., got ..." line per failed check.
  std::vector<std::string> lines(const std::filesystem::path& artifact) const;
};

// An error (exit 2) for usage and I/O problems: no key, unreadable key, missing artifact or
// provenance. Everything about the content is a VerifyResult with failed checks (exit 1).
Result<VerifyResult> verify_artifact(const VerifyOptions& options);

// Attestations as stored (an image's: DSSE envelopes, keyed or keyless Sigstore bundles, each
// with where it came from), all with the subject `artifact_sha256`. Keyed ones are checked
// against options.keys, keyless ones against the trusted root and options.identity; PASSED if
// one meets every requirement, `envelope_index` then names that document (else the one that got
// furthest). An error (exit 2) when neither a key nor an identity requirement is given.
struct AttestationDocument {
  std::string text;
  std::string where;
};
Result<VerifyResult> verify_documents(const VerifyOptions& options, const std::string& artifact_sha256,
                                      const std::vector<AttestationDocument>& documents);

// The default provenance file for an artifact: <artifact>.intoto.jsonl, else
// <artifact>.sigstore.json; empty when neither exists.
std::filesystem::path find_provenance_beside(const std::filesystem::path& artifact);

Result<std::string> sha256_file(const std::filesystem::path& path);

// `--events LOG`: an error when LOG cannot be read (exit 2); else the check that LOG hash-chains
// to the chainHead signed among the statement's byproducts. A statement without one fails it.
Result<ExtraCheck> event_log_check(const std::filesystem::path& log);

}  // namespace hallmark
