#include "hallmark/attest/github.hpp"

#include <doctest/doctest.h>

using namespace hallmark;

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::github_versioned_tag") {
  CHECK(versioned_tag_matches("v13", "v13.0.30"));
  CHECK(versioned_tag_matches("v13.0", "v13.0.30"));
  CHECK(versioned_tag_matches("v13.0.30", "v13.0.30"));
  CHECK(versioned_tag_matches("v1", "v1.2.3-rc.1"));
  CHECK_FALSE(versioned_tag_matches("v13", "v130.0.1"));
  CHECK_FALSE(versioned_tag_matches("v13.1", "v13.0.30"));
  CHECK_FALSE(versioned_tag_matches("v13.0.30.1", "v13.0.30"));
  CHECK_FALSE(versioned_tag_matches("13", "v13.0.30"));
  CHECK_FALSE(versioned_tag_matches("v", "v13.0.30"));
  CHECK_FALSE(versioned_tag_matches("v1.x", "v1.x.0"));
}

TEST_CASE("attest::github_claims") {
  CHECK(canonical_repo("git+https://github.com/acme/app.git@refs/heads/main") == "github.com/acme/app");
  CHECK(canonical_repo("https://github.com/acme/app/") == "github.com/acme/app");
  sigstore::CertificateClaims c;
  c.build_signer_uri = "https://github.com/org/gen/.github/workflows/b.yml@refs/tags/v2.0.0";
  c.source_repository_uri = "https://github.com/acme/app";
  c.source_repository_ref = "refs/heads/main";
  BuildRequirement want;
  want.builder_id = "https://github.com/org/gen/.github/workflows/b.yml";
  want.source_uri = "github.com/acme/app";
  want.source_branch = "main";
  nlohmann::json v02 = {
      {"predicateType", kSlsaProvenanceV02},
      {"predicate",
       {{"builder", {{"id", "x"}}},
        {"invocation", {{"configSource", {{"uri", "git+https://github.com/acme/app@refs/heads/main"}}}}}}}};
  auto checks = github_checks(want, c, v02);
  REQUIRE(checks.size() == 4);
  for (const auto& ch : checks) CHECK_MESSAGE(ch.passed, ch.check);
  CHECK(provenance_builder_id(v02) == "x");
  want.source_branch = "dev";
  want.builder_id += "@refs/tags/v1";
  checks = github_checks(want, c, nlohmann::json());
  REQUIRE(checks.size() == 3);  // no statement: the certificate only
  CHECK_FALSE(checks[0].passed);
  CHECK(checks[1].passed);
  CHECK_FALSE(checks[2].passed);
  CHECK(checks[2].actual == "refs/heads/main");
  CHECK(is_slsa_provenance(kSlsaProvenanceV02));
  CHECK_FALSE(is_slsa_provenance("https://slsa.dev/provenance/v0.1"));
}

TEST_SUITE_END();
