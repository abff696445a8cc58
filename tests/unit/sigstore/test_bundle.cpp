#include "hallmark/sigstore/bundle.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace hallmark::sigstore;

namespace {

std::string bundle(const std::string& media_type, const std::string& material, const std::string& content,
                   const std::string& entries = "[]") {
  return R"({"mediaType":")" + media_type + R"(","verificationMaterial":{)" + material + R"(,"tlogEntries":)" +
         entries + "}," + content + "}";
}
const std::string kCert = R"("certificate":{"rawBytes":"MIIB"})";
const std::string kMsg =
    R"("messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"},"signature":"MEUC"})";

}  // namespace

TEST_SUITE_BEGIN("sigstore");

TEST_CASE("sigstore::bundle_media_types") {
  for (const char* mt :
       {"application/vnd.dev.sigstore.bundle+json;version=0.1", "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3", "application/vnd.dev.sigstore.bundle.v0.3+json"}) {
    auto b = parse_bundle(bundle(mt, kCert, kMsg), "b.json");
    REQUIRE_MESSAGE(b.ok(), b.message());
    CHECK(b->certificates.size() == 1);
    CHECK(b->signature.size() == 3);
  }
  auto bad = parse_bundle(bundle("application/vnd.dev.sigstore.bundle+json;version=0.9", kCert, kMsg), "b.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message().find("mediaType") != std::string::npos);
  CHECK(looks_like_bundle(bundle("application/vnd.dev.sigstore.bundle+json;version=0.9", kCert, kMsg)));
  CHECK_FALSE(looks_like_bundle(R"({"payloadType":"x"})"));
}

TEST_CASE("sigstore::bundle_strict_fields") {
  const std::string v3 = "application/vnd.dev.sigstore.bundle.v0.3+json";
  auto bad_b64 = parse_bundle(bundle(v3, kCert, R"("messageSignature":{"signature":"!!!"})"), "b.json");
  REQUIRE_FALSE(bad_b64.ok());
  CHECK(bad_b64.message().find("messageSignature.signature") != std::string::npos);
  auto two = parse_bundle(bundle(v3, kCert + R"(,"publicKey":{"hint":"x"})", kMsg), "b.json");
  CHECK_FALSE(two.ok());
  auto chain_v3 =
      parse_bundle(bundle(v3, R"("x509CertificateChain":{"certificates":[{"rawBytes":"MIIB"}]})", kMsg), "b.json");
  CHECK_FALSE(chain_v3.ok());
  auto empty_chain = parse_bundle(bundle("application/vnd.dev.sigstore.bundle+json;version=0.1",
                                         R"("x509CertificateChain":{"certificates":[]})", kMsg),
                                  "b.json");
  REQUIRE_FALSE(empty_chain.ok());
  CHECK(empty_chain.message().find("certificates") != std::string::npos);
  const std::string entry =
      R"([{"logIndex":"-1","logId":{"keyId":"AAAA"},"kindVersion":{"kind":"hashedrekord","version":"0.0.1"},)"
      R"("inclusionPromise":{"signedEntryTimestamp":"AAAA"},"canonicalizedBody":"e30="}])";
  auto negative =
      parse_bundle(bundle("application/vnd.dev.sigstore.bundle+json;version=0.1", kCert, kMsg, entry), "b.json");
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.message().find("logIndex") != std::string::npos);
  auto no_proof = parse_bundle(bundle(v3, kCert, kMsg, std::string(entry).replace(entry.find("-1"), 2, "1")), "b.json");
  REQUIRE_FALSE(no_proof.ok());
  CHECK(no_proof.message().find("inclusionProof") != std::string::npos);
}

TEST_CASE("sigstore::bundle_dsse_one_signature") {
  const std::string v3 = "application/vnd.dev.sigstore.bundle.v0.3+json";
  auto two = parse_bundle(
      bundle(v3, kCert,
             R"("dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":[{"sig":"AA=="},{"sig":"AA=="}]})"),
      "b");
  CHECK_FALSE(two.ok());
  auto one = parse_bundle(
      bundle(v3, kCert, R"("dsseEnvelope":{"payload":"e30=","payloadType":"t","signatures":[{"sig":"AA=="}]})"), "b");
  REQUIRE(one.ok());
  CHECK(one->is_dsse);
  CHECK(one->payload == "{}");
}

TEST_SUITE_END();
