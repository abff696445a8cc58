#include "hallmark/attest/signing.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hallmark {

namespace {

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, size_t(n)) : std::string();
}

// Which digest the signature scheme of each key type uses (nullptr: Ed25519 signs the message
// itself, "pure" EdDSA per RFC 8032, which DSSE and Sigstore expect).
const EVP_MD* digest_for(KeyType t) {
  switch (t) {
  case KeyType::ed25519: return nullptr;
  case KeyType::ecdsa_p256: return EVP_sha256();
  case KeyType::ecdsa_p384: return EVP_sha384();
  case KeyType::rsa_3072: return EVP_sha256();
  }
  return nullptr;
}

size_t ecdsa_field_bytes(KeyType t) { return t == KeyType::ecdsa_p384 ? 48 : 32; }

bool is_ecdsa(KeyType t) { return t == KeyType::ecdsa_p256 || t == KeyType::ecdsa_p384; }

// A signature is strict DER when it parses and re-encodes to the same bytes: BER leniency
// would make one signature have several encodings.
bool is_strict_der_ecdsa(std::string_view sig) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &p, long(sig.size()));
  if (!parsed) {
    ERR_clear_error();
    return false;
  }
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(parsed, &der);
  bool same = n > 0 && size_t(n) == sig.size() && std::memcmp(der, sig.data(), sig.size()) == 0;
  OPENSSL_free(der);
  ECDSA_SIG_free(parsed);
  return same;
}

std::optional<std::string> raw_ecdsa_to_der(std::string_view raw) {
  size_t half = raw.size() / 2;
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), int(half), nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + half, int(half), nullptr);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (!r || !s || !sig || !ECDSA_SIG_set0(sig, r, s)) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), size_t(n));
  OPENSSL_free(der);
  return out;
}

struct PassphraseRequest {
  const std::string* passphrase;
  bool asked = false;
};

int passphrase_callback(char* buf, int size, int, void* user) {
  auto* req = static_cast<PassphraseRequest*>(user);
  req->asked = true;
  if (req->passphrase->empty() || int(req->passphrase->size()) > size) return -1;
  std::memcpy(buf, req->passphrase->data(), req->passphrase->size());
  return int(req->passphrase->size());
}

}  // namespace

const char* to_string(KeyType t) {
  switch (t) {
  case KeyType::ed25519: return "ed25519";
  case KeyType::ecdsa_p256: return "ecdsa-p256";
  case KeyType::ecdsa_p384: return "ecdsa-p384";
  case KeyType::rsa_3072: return "rsa-3072";
  }
  return "?";
}

std::optional<KeyType> key_type_from_string(std::string_view s) {
  for (KeyType t : {KeyType::ed25519, KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::rsa_3072})
    if (s == to_string(t)) return t;
  return std::nullopt;
}

std::string keyid_of(EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey, &der);
  if (n <= 0) return {};
  std::string out = sha256_hex(std::string_view(reinterpret_cast<char*>(der), size_t(n)));
  OPENSSL_free(der);
  return out;
}

Result<std::pair<std::shared_ptr<EVP_PKEY>, KeyType>> Key::adopt(EVP_PKEY* raw) {
  std::shared_ptr<EVP_PKEY> pkey(raw, EVP_PKEY_free);
  switch (EVP_PKEY_get_base_id(raw)) {
  case EVP_PKEY_ED25519: return std::pair{pkey, KeyType::ed25519};
  case EVP_PKEY_EC: {
    char group[64] = {0};
    size_t len = 0;
    if (!EVP_PKEY_get_utf8_string_param(raw, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len))
      return make_error("EC key without a named curve (want P-256 or P-384)");
    std::string g(group, len);
    if (g == "prime256v1" || g == "P-256") return std::pair{pkey, KeyType::ecdsa_p256};
    if (g == "secp384r1" || g == "P-384") return std::pair{pkey, KeyType::ecdsa_p384};
    return make_error("EC curve " + g + " is not supported (want P-256 or P-384)");
  }
  case EVP_PKEY_RSA:
    if (EVP_PKEY_get_bits(raw) < 3072)
      return make_error("RSA key of " + std::to_string(EVP_PKEY_get_bits(raw)) +
                        " bits is too short (want at least 3072)");
    return std::pair{pkey, KeyType::rsa_3072};
  default:
    return make_error(std::string("key type ") + EVP_PKEY_get0_type_name(raw) +
                      " is not supported (want ed25519, ecdsa-p256, ecdsa-p384 or rsa-3072)");
  }
}

Key::Key(std::shared_ptr<EVP_PKEY> pkey, KeyType type)
    : pkey_(std::move(pkey)), type_(type), keyid_(keyid_of(pkey_.get())) {}

std::string Key::public_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PUBKEY(bio.get(), pkey_.get())) return {};
  return bio_contents(bio.get());
}

std::string Key::public_der() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey_.get(), &der);
  if (n <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), size_t(n));
  OPENSSL_free(der);
  return out;
}

VerifyingKey SigningKey::public_key() const {
  // Round-trip through DER so the VerifyingKey really holds no private material.
  std::string der = public_der();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, long(der.size()));
  return VerifyingKey(std::shared_ptr<EVP_PKEY>(pub, EVP_PKEY_free), type());
}

Result<std::string> SigningKey::private_pem(const std::string& passphrase) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return make_error("out of memory");
  // OpenSSL 3 encrypts PKCS#8 with PBES2: PBKDF2-HMAC-SHA256 key derivation + the given cipher.
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
  int ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey(), cipher,
                                         passphrase.empty() ? nullptr : const_cast<char*>(passphrase.data()),
                                         int(passphrase.size()), nullptr, nullptr);
  if (!ok) return make_error("cannot encode private key: " + openssl_reason());
  return bio_contents(bio.get());
}

Result<SigningKey> generate_key(KeyType type) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
  case KeyType::ed25519: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
  case KeyType::ecdsa_p256: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
  case KeyType::ecdsa_p384: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
  case KeyType::rsa_3072: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(3072)); break;
  }
  if (!raw) return make_error(std::string("cannot generate ") + to_string(type) + " key: " + openssl_reason());
  auto adopted = Key::adopt(raw);
  if (!adopted) return adopted.error();
  return SigningKey(adopted->first, adopted->second);
}

Result<SigningKey> signing_key_from_pem(std::string_view pem, const std::string& passphrase,
                                        const std::string& origin) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  PassphraseRequest req{&passphrase};
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &req);
  if (!raw) {
    std::string why = openssl_reason();
    if (req.asked && passphrase.empty())
      return make_error("private key " + origin +
                        " is encrypted: set HALLMARK_KEY_PASSWORD or pass --password-file FILE");
    if (req.asked) return make_error("cannot decrypt private key " + origin + ": wrong passphrase?");
    return make_error("cannot read private key " + origin + " (want a PKCS#8 PEM key): " + why);
  }
  auto adopted = Key::adopt(raw);
  if (!adopted) return make_error("private key " + origin + ": " + adopted.message());
  return SigningKey(adopted->first, adopted->second);
}

Result<SigningKey> load_signing_key(const std::filesystem::path& path, const std::string& passphrase) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error("cannot open private key " + path.string() + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return make_error("private key " + path.string() + " is not a regular file");
  if (st.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    return make_error("private key " + path.string() + " is accessible by group or others (mode " + mode +
                      "): run `chmod 600 " + path.string() + "`");
  }
  auto text = read_file(path, 1 << 20);
  if (!text) return text.error();
  return signing_key_from_pem(*text, passphrase, path.string());
}

Result<VerifyingKey> verifying_key_from_pem(std::string_view pem, const std::string& origin) {
  // A verifier holding the signing key is a custody mistake worth stopping: whoever can read the
  // trusted key file could also sign. Say so instead of quietly taking the public half.
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos)
    return make_error(origin + ": this is a private key; give the public one (the .pub file " +
                      "hallmark keygen wrote beside it)");
  BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!raw) return make_error("cannot read public key " + origin + " (want an SPKI PEM key): " + openssl_reason());
  auto adopted = Key::adopt(raw);
  if (!adopted) return make_error("public key " + origin + ": " + adopted.message());
  // Keep only the public half.
  SigningKey whole(adopted->first, adopted->second);
  return whole.public_key();
}

Result<VerifyingKey> load_verifying_key(const std::filesystem::path& path) {
  auto text = read_file(path, 1 << 20);
  if (!text) return text.error();
  return verifying_key_from_pem(*text, path.string());
}

Result<std::string> key_passphrase(const EnvMap& env, const std::string& password_file) {
  if (!password_file.empty()) {
    auto text = read_file(password_file, 1 << 16);
    if (!text) return text.error();
    std::string pass = text->substr(0, text->find('\n'));
    if (!pass.empty() && pass.back() == '\r') pass.pop_back();
    if (pass.empty()) return make_error("password file " + password_file + " is empty");
    return pass;
  }
  return env_get(env, "HALLMARK_KEY_PASSWORD");
}

Result<std::string> sign_message(const SigningKey& key, std::string_view message) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, digest_for(key.type()), nullptr, key.pkey()) != 1)
    return make_error("cannot start signing: " + openssl_reason());
  if (key.type() == KeyType::rsa_3072) EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
  size_t len = 0;
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1)
    return make_error("cannot sign: " + openssl_reason());
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg, message.size()) != 1)
    return make_error("cannot sign: " + openssl_reason());
  sig.resize(len);
  return sig;
}

Status verify_message(const VerifyingKey& key, std::string_view message, std::string_view signature,
                      SignatureCheck check) {
  std::string sig(signature);
  if (is_ecdsa(key.type()) && !is_strict_der_ecdsa(sig)) {
    bool raw_shaped = sig.size() == 2 * ecdsa_field_bytes(key.type());
    if (!raw_shaped) return make_error("ECDSA signature is not ASN.1 DER");
    if (!check.allow_raw_ecdsa)
      return make_error("ECDSA signature is raw r||s (IEEE P1363), not ASN.1 DER as DSSE/Sigstore require");
    auto der = raw_ecdsa_to_der(sig);
    if (!der) return make_error("ECDSA signature is malformed");
    sig = *der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, digest_for(key.type()), nullptr, key.pkey()) != 1)
    return make_error("cannot start verification: " + openssl_reason());
  if (key.type() == KeyType::rsa_3072) EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  if (rc != 1) return make_error("signature does not verify with key " + key.keyid());
  return ok_status();
}

}  // namespace hallmark
