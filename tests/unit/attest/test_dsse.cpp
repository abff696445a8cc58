#include "hallmark/attest/dsse.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using namespace hallmark;
using nlohmann::json;

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::pae_vectors") {
  // DSSE protocol.md test vector.
  CHECK(dsse_pae("http://example.com/HelloWorld", "hello world") ==
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  CHECK(dsse_pae("", "") == "DSSEv1 0  0 ");
  // Lengths are in bytes, not characters; the body may hold anything, spaces and NULs too.
  CHECK(dsse_pae("t", std::string("\xc3\xa9 \0x", 5)) == std::string("DSSEv1 1 t 5 \xc3\xa9 \0x", 18));
  std::string big(1000, 'x');
  CHECK(dsse_pae(kInTotoPayloadType, big).rfind("DSSEv1 28 application/vnd.in-toto+json 1000 ", 0) == 0);
}

TEST_CASE("attest::envelope_roundtrip_padded_base64") {
  auto key = generate_key(KeyType::ed25519);
  REQUIRE(key.ok());
  auto env = sign_dsse(kInTotoPayloadType, "{\"a\":1}", *key);
  REQUIRE(env.ok());
  json j = to_json(*env);
  CHECK(j["payload"] == "eyJhIjoxfQ==");  // padded, standard alphabet
  CHECK(j["payloadType"] == kInTotoPayloadType);
  CHECK(j["signatures"][0]["keyid"] == key->keyid());
  auto back = dsse_from_json(j);
  REQUIRE(back.ok());
  CHECK(back->payload == "{\"a\":1}");
  CHECK(verify_message(key->public_key(), dsse_pae(back->payload_type, back->payload), back->signatures[0].sig).ok());
}

TEST_CASE("attest::envelope_accepts_base64url") {
  // '?>?' encodes to "Pz4/" in standard base64 and "Pz4_" in base64url, unpadded.
  json j = {{"payload", "Pz4_"}, {"payloadType", "t"}, {"signatures", {{{"sig", "-_8"}}}}};
  auto env = dsse_from_json(j);
  REQUIRE(env.ok());
  CHECK(env->payload == "?>?");
  CHECK(env->signatures[0].sig == "\xfb\xff");
  j["payload"] = "not base64!";
  CHECK_FALSE(dsse_from_json(j).ok());
}

TEST_CASE("attest::envelope_shape_errors") {
  CHECK(dsse_from_json(json::array()).message().find("not a JSON object") != std::string::npos);
  CHECK(dsse_from_json(json{{"payload", ""}, {"payloadType", "t"}}).message().find("signatures") != std::string::npos);
  CHECK_FALSE(dsse_from_json(json{{"payload", 1}, {"payloadType", "t"}, {"signatures", json::array()}}).ok());
  CHECK_FALSE(dsse_from_json(json{{"payload", ""}, {"payloadType", "t"}, {"signatures", {{{"keyid", "x"}}}}}).ok());
}

TEST_CASE("attest::bundle_v03_one_signature") {
  auto key = generate_key(KeyType::ecdsa_p256);
  REQUIRE(key.ok());
  auto env = sign_dsse(kInTotoPayloadType, "{}", *key);
  REQUIRE(env.ok());
  auto bundle = sigstore_bundle(*env, key->keyid());
  REQUIRE(bundle.ok());
  CHECK((*bundle)["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json");
  CHECK((*bundle)["verificationMaterial"]["publicKey"]["hint"] == key->keyid());
  CHECK((*bundle)["dsseEnvelope"]["signatures"].size() == 1);
  DsseEnvelope two = *env;
  two.signatures.push_back(two.signatures[0]);
  CHECK_FALSE(sigstore_bundle(two, key->keyid()).ok());
  DsseEnvelope none = *env;
  none.signatures.clear();
  CHECK_FALSE(sigstore_bundle(none, key->keyid()).ok());
}

TEST_CASE("attest::parse_provenance_formats") {
  auto key = generate_key(KeyType::ed25519);
  REQUIRE(key.ok());
  auto env = sign_dsse(kInTotoPayloadType, "{}", *key);
  REQUIRE(env.ok());
  std::string line = dsse_to_line(*env);

  auto one = parse_provenance(line, "x.json");
  REQUIRE(one.ok());
  CHECK(one->format == ProvenanceFormat::envelope);
  auto lines = parse_provenance(line + "\n\n" + line + "\n", "x.intoto.jsonl");
  REQUIRE(lines.ok());
  CHECK(lines->format == ProvenanceFormat::jsonl);
  CHECK(lines->envelopes.size() == 2);
  auto bundle = parse_provenance(sigstore_bundle(*env, key->keyid())->dump(2), "b.sigstore.json");
  REQUIRE(bundle.ok());
  CHECK(bundle->format == ProvenanceFormat::bundle);

  auto bad_line = parse_provenance(line + "\n{oops\n", "y.intoto.jsonl");
  REQUIRE_FALSE(bad_line.ok());
  CHECK(bad_line.message().find("y.intoto.jsonl:2") != std::string::npos);
  CHECK_FALSE(parse_provenance("", "e").ok());
  CHECK_FALSE(parse_provenance("   \n", "e").ok());

  json b = *sigstore_bundle(*env, key->keyid());
  b["mediaType"] = "application/json";
  CHECK(parse_provenance(b.dump(), "b").message().find("mediaType") != std::string::npos);
  b["mediaType"] = kSigstoreBundleV03;
  b["dsseEnvelope"]["signatures"].push_back(b["dsseEnvelope"]["signatures"][0]);
  CHECK(parse_provenance(b.dump(), "b").message().find("exactly one signature") != std::string::npos);

  std::string huge(kMaxEnvelopeBytes + 1, ' ');
  CHECK(parse_provenance(huge, "huge").message().find("64 MB") != std::string::npos);
}

TEST_SUITE_END();
