// Signing keys through OpenSSL 3 EVP: generate, write (PKCS#8 / SPKI PEM), load, sign, verify.
// The algorithms are the ones DSSE, in-toto (securesystemslib) and Sigstore verifiers accept:
// Ed25519 pure (no pre-hash), ECDSA P-256/SHA-256 and P-384/SHA-384 with ASN.1 DER signatures,
// RSA-3072 RSASSA-PKCS#1 v1.5 with SHA-256 (what sigstore-js checks for PKIX_RSA_PKCS1V15_3072;
// securesystemslib calls it "rsa-pkcs1v15-sha256"). The keyid everywhere is the lowercase hex
// SHA-256 of the DER SubjectPublicKeyInfo. docs/signing.md says why for each choice.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace hallmark {

enum class KeyType { ed25519, ecdsa_p256, ecdsa_p384, rsa_3072 };
const char* to_string(KeyType t);  // "ed25519", "ecdsa-p256", ...
std::optional<KeyType> key_type_from_string(std::string_view s);

// An EVP_PKEY with its type and keyid. A SigningKey holds a private key; a VerifyingKey only the
// public half. Both are cheap to copy (shared ownership of the OpenSSL object).
class Key {
public:
  // Takes ownership of `pkey`; fails for key types hallmark does not sign with.
  static Result<std::pair<std::shared_ptr<EVP_PKEY>, KeyType>> adopt(EVP_PKEY* pkey);
  Key(std::shared_ptr<EVP_PKEY> pkey, KeyType type);

  KeyType type() const { return type_; }
  const std::string& keyid() const { return keyid_; }
  EVP_PKEY* pkey() const { return pkey_.get(); }
  std::string public_pem() const;  // SPKI PEM ("-----BEGIN PUBLIC KEY-----")
  std::string public_der() const;  // DER SubjectPublicKeyInfo

private:
  std::shared_ptr<EVP_PKEY> pkey_;
  KeyType type_;
  std::string keyid_;
};

class VerifyingKey : public Key {
public:
  using Key::Key;
};

class SigningKey : public Key {
public:
  using Key::Key;
  VerifyingKey public_key() const;
  // PKCS#8 PEM; encrypted with AES-256-CBC (PBKDF2, PKCS#5 v2) when `passphrase` is non-empty.
  Result<std::string> private_pem(const std::string& passphrase) const;
};

Result<SigningKey> generate_key(KeyType type);

// Loads a PKCS#8 (or traditional) PEM private key. Refuses a file that group or others can read,
// naming the file and the fix (chmod 600). `passphrase` is used only if the key is encrypted;
// an encrypted key without one is an error that says how to supply it.
Result<SigningKey> load_signing_key(const std::filesystem::path& path, const std::string& passphrase);
Result<SigningKey> signing_key_from_pem(std::string_view pem, const std::string& passphrase, const std::string& origin);
// Loads an SPKI PEM public key; a private key file is accepted too (its public half is used).
Result<VerifyingKey> load_verifying_key(const std::filesystem::path& path);
Result<VerifyingKey> verifying_key_from_pem(std::string_view pem, const std::string& origin);

// The key passphrase: the first line of `password_file` when given, else $HALLMARK_KEY_PASSWORD,
// else empty (unencrypted key).
Result<std::string> key_passphrase(const EnvMap& env, const std::string& password_file);

// The signature over `message` (ECDSA: DER; Ed25519: 64 bytes; RSA: PKCS#1 v1.5 SHA-256).
Result<std::string> sign_message(const SigningKey& key, std::string_view message);

struct SignatureCheck {
  bool allow_raw_ecdsa = false;  // accept a 64/96-byte IEEE P1363 r||s ECDSA signature
};
// ok() when `signature` is valid for `message` under `key`; the error says why not.
Status verify_message(const VerifyingKey& key, std::string_view message, std::string_view signature,
                      SignatureCheck check = {});

// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
std::string keyid_of(EVP_PKEY* pkey);

}  // namespace hallmark
