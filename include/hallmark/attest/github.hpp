// GitHub Actions builds as slsa-verifier checks them: the Fulcio certificate of a workflow run
// names the reusable workflow that signed (Build Signer URI), the source repository and its ref;
// the provenance names its builder and source too (SLSA v1 `runDetails.builder.id` and
// `externalParameters`, or SLSA v0.2 `builder.id` and `invocation.configSource`). Each
// requirement is one check whose failure prints the expected and the actual value.
#pragma once

#include "hallmark/attest/policy.hpp"
#include "hallmark/sigstore/verify.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

inline constexpr const char* kSlsaProvenanceV02 = "https://slsa.dev/provenance/v0.2";

struct BuildRequirement {
  std::string builder_id;            // URI[@ref]: without @ref any ref of that workflow
  std::string source_uri;            // github.com/OWNER/REPO, https:// or git+ forms too
  std::string source_branch;         // refs/heads/<branch>
  std::string source_tag;            // refs/tags/<tag>
  std::string source_versioned_tag;  // semver prefix: v13 matches v13.0.30, not v130
  bool empty() const {
    return builder_id.empty() && source_uri.empty() && source_branch.empty() && source_tag.empty() &&
           source_versioned_tag.empty();
  }
};

// SLSA provenance v1 or v0.2.
bool is_slsa_provenance(std::string_view predicate_type);

// builder.id of a v1 or v0.2 statement ("" when absent).
std::string provenance_builder_id(const nlohmann::json& statement);

// "github.com/owner/repo" from any of https://, git+https://, trailing .git, @ref.
std::string canonical_repo(std::string uri);

// `statement` may be null (a message-signature bundle): then only the certificate is checked.
std::vector<CheckResult> github_checks(const BuildRequirement& want, const sigstore::CertificateClaims& claims,
                                       const nlohmann::json& statement);

// True when `tag` (v1.2.3) has `prefix` (v1, v1.2, v1.2.3) as its leading semver components.
bool versioned_tag_matches(const std::string& prefix, const std::string& tag);

}  // namespace hallmark
