#include "test_support.hpp"

#include "hallmark/attest/signing.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <sys/stat.h>

using namespace hallmark;
namespace fs = std::filesystem;

namespace {

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 256> buf{};
  while (fgets(buf.data(), int(buf.size()), p)) out += buf.data();
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

const KeyType kAllTypes[] = {KeyType::ed25519, KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::rsa_3072};

}  // namespace

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::key_type_names") {
  for (KeyType t : kAllTypes) CHECK(key_type_from_string(to_string(t)) == t);
  CHECK_FALSE(key_type_from_string("dsa").has_value());
}

TEST_CASE("attest::sign_verify_every_key_type") {
  for (KeyType t : kAllTypes) {
    CAPTURE(to_string(t));
    auto key = generate_key(t);
    REQUIRE(key.ok());
    CHECK(key->type() == t);
    auto sig = sign_message(*key, "message");
    REQUIRE(sig.ok());
    VerifyingKey pub = key->public_key();
    CHECK(pub.keyid() == key->keyid());
    CHECK(verify_message(pub, "message", *sig).ok());
    CHECK_FALSE(verify_message(pub, "messagE", *sig).ok());
    auto other = generate_key(t);
    REQUIRE(other.ok());
    CHECK_FALSE(verify_message(other->public_key(), "message", *sig).ok());
  }
}

TEST_CASE("attest::keyid_matches_openssl_cli") {
  test::ScratchDir dir;
  for (KeyType t : {KeyType::ed25519, KeyType::ecdsa_p256}) {
    auto key = generate_key(t);
    REQUIRE(key.ok());
    fs::path pub = dir.path / (std::string(to_string(t)) + ".pub");
    REQUIRE(write_file_atomic(pub, key->public_pem()).ok());
    std::string expected =
        run_capture("openssl pkey -pubin -in '" + pub.string() + "' -outform DER | sha256sum | cut -d' ' -f1");
    CHECK(expected.size() == 64);
    CHECK(key->keyid() == expected);
  }
}

TEST_CASE("attest::ecdsa_signatures_are_der_and_raw_is_rejected") {
  auto key = generate_key(KeyType::ecdsa_p256);
  REQUIRE(key.ok());
  auto sig = sign_message(*key, "m");
  REQUIRE(sig.ok());
  CHECK(static_cast<unsigned char>((*sig)[0]) == 0x30);  // ASN.1 SEQUENCE

  // The DSSE spec's own test vector carries a raw r||s P-256 signature.
  const char* spec_pub = "-----BEGIN PUBLIC KEY-----\n"
                         "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr\n"
                         "CrzAH3CVTAOQ0jgMeCvVTiaRJaRPRDOv8UMs6U4SvKc6pnrIDOoSYI3fdA==\n"
                         "-----END PUBLIC KEY-----\n";
  auto pub = verifying_key_from_pem(spec_pub, "spec");
  REQUIRE(pub.ok());
  auto raw = base64_decode("A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==");
  REQUIRE(raw.has_value());
  std::string pae = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
  Status strict = verify_message(*pub, pae, *raw);
  CHECK_FALSE(strict.ok());
  CHECK(strict.message().find("raw r||s") != std::string::npos);
  CHECK(verify_message(*pub, pae, *raw, SignatureCheck{true}).ok());
  CHECK_FALSE(verify_message(*pub, pae + "x", *raw, SignatureCheck{true}).ok());
}

TEST_CASE("attest::private_key_file_permissions") {
  test::ScratchDir dir;
  auto key = generate_key(KeyType::ed25519);
  REQUIRE(key.ok());
  auto pem = key->private_pem("");
  REQUIRE(pem.ok());
  fs::path path = dir.path / "k.key";
  REQUIRE(write_file_atomic(path, *pem, {0600, false}).ok());
  auto loaded = load_signing_key(path, "");
  REQUIRE(loaded.ok());
  CHECK(loaded->keyid() == key->keyid());

  ::chmod(path.c_str(), 0644);
  auto refused = load_signing_key(path, "");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().find(path.string()) != std::string::npos);
  CHECK(refused.message().find("chmod 600") != std::string::npos);
  ::chmod(path.c_str(), 0640);
  CHECK_FALSE(load_signing_key(path, "").ok());
}

TEST_CASE("attest::encrypted_private_key") {
  test::ScratchDir dir;
  auto key = generate_key(KeyType::ecdsa_p256);
  REQUIRE(key.ok());
  auto pem = key->private_pem("s3cret");
  REQUIRE(pem.ok());
  CHECK(pem->find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
  fs::path path = dir.path / "k.key";
  REQUIRE(write_file_atomic(path, *pem, {0600, false}).ok());
  auto no_pass = load_signing_key(path, "");
  REQUIRE_FALSE(no_pass.ok());
  CHECK(no_pass.message().find("HALLMARK_KEY_PASSWORD") != std::string::npos);
  auto wrong = load_signing_key(path, "nope");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.message().find("passphrase") != std::string::npos);
  auto right = load_signing_key(path, "s3cret");
  REQUIRE(right.ok());
  CHECK(right->keyid() == key->keyid());
  // openssl(1) reads it too: PKCS#8 with PBES2/AES-256-CBC.
  std::string out = run_capture("openssl pkey -in '" + path.string() + "' -passin pass:s3cret -noout 2>&1 && echo ok");
  CHECK(out == "ok");
}

TEST_CASE("attest::key_passphrase_sources") {
  test::ScratchDir dir;
  EnvMap env{{"HALLMARK_KEY_PASSWORD", "from-env"}};
  CHECK(*key_passphrase(env, "") == "from-env");
  fs::path f = dir.path / "pw";
  REQUIRE(write_file_atomic(f, "from-file\r\nsecond\n").ok());
  CHECK(*key_passphrase(env, f.string()) == "from-file");
  CHECK(*key_passphrase({}, "") == "");
  CHECK_FALSE(key_passphrase({}, (dir.path / "missing").string()).ok());
}

TEST_CASE("attest::public_key_loading") {
  CHECK_FALSE(verifying_key_from_pem("not a key", "x").ok());
  auto key = generate_key(KeyType::ed25519);
  REQUIRE(key.ok());
  auto pub = verifying_key_from_pem(key->public_pem(), "x");
  REQUIRE(pub.ok());
  CHECK(pub->keyid() == key->keyid());
  // RSA below 3072 bits is refused.
  std::string small =
      run_capture("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | openssl pkey -pubout");
  auto weak = verifying_key_from_pem(small + "\n", "small.pub");
  REQUIRE_FALSE(weak.ok());
  CHECK(weak.message().find("3072") != std::string::npos);
}

TEST_SUITE_END();
