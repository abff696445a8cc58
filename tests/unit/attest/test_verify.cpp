#include "test_support.hpp"

#include "hallmark/attest/provenance.hpp"
#include "hallmark/attest/signing.hpp"
#include "hallmark/attest/verify.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <doctest/doctest.h>

using namespace hallmark;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  test::ScratchDir dir;
  SigningKey key = *generate_key(KeyType::ecdsa_p256);
  fs::path pub = dir.path / "k.pub";
  fs::path artifact = dir.path / "app.tar.gz";
  json statement;

  Fixture() {
    REQUIRE(write_file_atomic(pub, key.public_pem()).ok());
    REQUIRE(write_file_atomic(artifact, "artifact bytes\n").ok());
    auto steps = test::sample_run();
    steps[2].products[0].digests["sha256"] = sha256_hex("artifact bytes\n");
    statement = build_provenance(steps, {})->statement;
  }
  fs::path write(const std::string& name, const std::string& payload, const std::string& type = kInTotoPayloadType) {
    auto env = sign_dsse(type, payload, key);
    REQUIRE(env.ok());
    fs::path p = dir.path / name;
    REQUIRE(write_file_atomic(p, dsse_to_line(*env) + "\n").ok());
    return p;
  }
  VerifyOptions options(const fs::path& prov) {
    VerifyOptions o;
    o.artifact = artifact;
    o.provenance = prov;
    o.keys = {pub};
    return o;
  }
};

std::vector<std::string> failed(const VerifyResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.checks)
    if (!c.passed) out.push_back(c.check);
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::verify_passes_and_finds_provenance_beside") {
  Fixture f;
  f.write("app.tar.gz.intoto.jsonl", statement_payload(f.statement));
  VerifyOptions o = f.options({});
  o.builder_id = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
  o.source_uri = "https://github.com/acme/app";
  o.source_ref = "main";
  auto r = verify_artifact(o);
  REQUIRE(r.ok());
  CHECK(r->passed);
  CHECK(r->keyid == f.key.keyid());
  CHECK(r->lines(f.artifact)[0].rfind("PASSED: ", 0) == 0);
  CHECK(r->to_json()["passed"] == true);
}

TEST_CASE("attest::verify_signature_first") {
  Fixture f;
  // Signed by another key: nothing else is looked at, not even a non-JSON payload.
  auto other = *generate_key(KeyType::ecdsa_p256);
  auto env = *sign_dsse(kInTotoPayloadType, "not json", other);
  fs::path p = f.dir.path / "other.intoto.jsonl";
  REQUIRE(write_file_atomic(p, dsse_to_line(env)).ok());
  auto r = verify_artifact(f.options(p));
  REQUIRE(r.ok());
  CHECK_FALSE(r->passed);
  REQUIRE(r->checks.size() == 1);
  CHECK(r->checks[0].check == "signature");
  CHECK(r->statement.is_null());
}

TEST_CASE("attest::verify_rejections") {
  Fixture f;
  SUBCASE("payloadType") {
    auto r = verify_artifact(f.options(f.write("a", statement_payload(f.statement), "text/plain")));
    CHECK(failed(*r) == std::vector<std::string>{"payloadType"});
  }
  SUBCASE("truncated payload") {
    std::string payload = statement_payload(f.statement);
    auto r = verify_artifact(f.options(f.write("a", payload.substr(0, payload.size() / 2))));
    CHECK(failed(*r) == std::vector<std::string>{"payload"});
  }
  SUBCASE("_type and predicateType") {
    json st = f.statement;
    st["_type"] = "https://in-toto.io/Statement/v0.1";
    CHECK(failed(*verify_artifact(f.options(f.write("a", statement_payload(st))))) ==
          std::vector<std::string>{"_type"});
    st = f.statement;
    st["predicateType"] = "https://slsa.dev/provenance/v0.3";  // v1 and v0.2 are read
    CHECK(failed(*verify_artifact(f.options(f.write("a", statement_payload(st))))) ==
          std::vector<std::string>{"predicateType"});
  }
  SUBCASE("artifact not a subject; uppercase digest is not ours") {
    json st = f.statement;
    for (auto& s : st["subject"]) {
      std::string d = s["digest"]["sha256"];
      for (auto& c : d) c = char(std::toupper(static_cast<unsigned char>(c)));
      s["digest"]["sha256"] = d;
    }
    auto r = verify_artifact(f.options(f.write("a", statement_payload(st))));
    CHECK(failed(*r) == std::vector<std::string>{"subject"});
  }
  SUBCASE("builder and source") {
    VerifyOptions o = f.options(f.write("a", statement_payload(f.statement)));
    o.builder_id = "https://gitlab.com/acme";
    o.source_uri = "https://github.com/evil/app";
    o.source_ref = "refs/heads/dev";
    auto r = verify_artifact(o);
    CHECK(failed(*r) == std::vector<std::string>{"builder.id", "source.uri", "source.ref"});
    auto lines = r->lines(f.artifact);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == "FAILED: source.uri: expected https://github.com/evil/app, got https://github.com/acme/app");
  }
  SUBCASE("no signatures") {
    fs::path p = f.dir.path / "nosig.json";
    json env = to_json(*sign_dsse(kInTotoPayloadType, statement_payload(f.statement), f.key));
    env["signatures"] = json::array();
    REQUIRE(write_file_atomic(p, env.dump()).ok());
    auto r = verify_artifact(f.options(p));
    CHECK(failed(*r) == std::vector<std::string>{"signature"});
    CHECK(r->checks[0].actual == "no signatures in the envelope");
  }
  SUBCASE("policy") {
    fs::path pol = f.dir.path / "policy.json";
    REQUIRE(write_file_atomic(pol, R"({"maxAge":"1h","requiredSteps":["build","scan"]})").ok());
    VerifyOptions o = f.options(f.write("a", statement_payload(f.statement)));
    o.policy = pol;
    o.now = *parse_rfc3339("2026-11-28T00:00:00Z");
    auto r = verify_artifact(o);
    CHECK(failed(*r) == std::vector<std::string>{"policy.requiredSteps", "policy.maxAge"});
  }
  SUBCASE("extra checks run last") {
    VerifyOptions o = f.options(f.write("a", statement_payload(f.statement)));
    o.extra_checks.push_back([](const json&) {
      return std::vector<CheckResult>{{"events", false, "a chain", "broken"}};
    });
    auto r = verify_artifact(o);
    CHECK(failed(*r) == std::vector<std::string>{"events"});
  }
}

TEST_CASE("attest::verify_usage_errors") {
  Fixture f;
  VerifyOptions o = f.options({});
  auto none = verify_artifact(o);
  REQUIRE_FALSE(none.ok());
  CHECK(none.message().find("--provenance") != std::string::npos);
  o = f.options(f.write("a", statement_payload(f.statement)));
  o.keys.clear();  // keyless needs a Sigstore bundle: a DSSE envelope still needs a key
  CHECK(verify_artifact(o).message().find("--key") != std::string::npos);
  o = f.options(f.dir.path / "missing.jsonl");
  CHECK_FALSE(verify_artifact(o).ok());
  o.artifact = f.dir.path / "missing.bin";
  CHECK(verify_artifact(o).message().find("missing.bin") != std::string::npos);
}

TEST_CASE("attest::verify_jsonl_picks_the_envelope_that_passes") {
  Fixture f;
  auto other = *generate_key(KeyType::ed25519);
  std::string payload = statement_payload(f.statement);
  std::string text = dsse_to_line(*sign_dsse(kInTotoPayloadType, payload, other)) + "\n" +
                     dsse_to_line(*sign_dsse(kInTotoPayloadType, payload, f.key)) + "\n";
  fs::path p = f.dir.path / "two.intoto.jsonl";
  REQUIRE(write_file_atomic(p, text).ok());
  auto r = verify_artifact(f.options(p));
  REQUIRE(r.ok());
  CHECK(r->passed);
  CHECK(r->format == ".intoto.jsonl");
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("attest");

// Issue 21 §6: a statement without byproducts, or with a chainHead that is not a string, was
// undefined behaviour and std::terminate in the CLI's --events check. Now a FAILED check.
TEST_CASE("attest::event_log_check_on_malformed_statements") {
  test::ScratchDir dir;
  fs::path log = dir.path / "events.otlp.jsonl";
  REQUIRE(write_file_atomic(log, "").ok());
  auto check = event_log_check(log);
  REQUIRE(check.ok());
  for (const char* text : {R"({"predicate": {"runDetails": {}}})",
                           R"({"predicate": {"runDetails": {"byproducts": 7}}})", R"({"predicate": "x"})", R"([1, 2])",
                           R"({"predicate": {"runDetails": {"byproducts": [{"annotations": {"chainHead": 42}}]}}})",
                           R"({"predicate": {"runDetails": {"byproducts": [{"annotations": "chainHead"}, 3]}}})"}) {
    auto r = (*check)(json::parse(text));
    REQUIRE_MESSAGE(r.size() == 1, text);
    CHECK_FALSE_MESSAGE(r[0].passed, text);
    CHECK(r[0].actual == "none");
  }
  // An unreadable log is an error (exit 2), not a failed check.
  CHECK_FALSE(event_log_check(dir.path / "missing.jsonl").ok());
  CHECK_FALSE(event_log_check(dir.path).ok());
}

TEST_CASE("attest::verify_refuses_a_private_key") {
  test::ScratchDir dir;
  auto key = generate_key(KeyType::ed25519);
  REQUIRE(key.ok());
  auto pem = key->private_pem("");
  REQUIRE(pem.ok());
  auto r = verifying_key_from_pem(*pem, "release.key");
  REQUIRE_FALSE(r.ok());
  CHECK(r.message() ==
        "release.key: this is a private key; give the public one (the .pub file hallmark keygen wrote beside it)");
}

TEST_SUITE_END();
