#include "evidence.hpp"

#include "hallmark/util/time.hpp"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace hallmark::sigstore::internal {

X509Ptr x509_from_der(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, long(der.size()));
  // Trailing bytes after the certificate mean it is not the DER the signer produced.
  if (x && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    X509_free(x);
    x = nullptr;
  }
  return X509Ptr(x, X509_free);
}

X509Ptr x509_from_pem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), int(pem.size())), BIO_free);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
}

std::string der_of(X509* cert) {
  unsigned char* out = nullptr;
  int n = i2d_X509(cert, &out);
  if (n <= 0) return {};
  std::string s(reinterpret_cast<char*>(out), size_t(n));
  OPENSSL_free(out);
  return s;
}

PkeyPtr pkey_from_der(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, long(der.size()));
  if (!k) {
    p = reinterpret_cast<const unsigned char*>(der.data());
    k = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, long(der.size()));
  }
  return PkeyPtr(k, EVP_PKEY_free);
}

PkeyPtr pkey_from_pem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), int(pem.size())), BIO_free);
  return PkeyPtr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
}

std::string spki_der(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int n = i2d_PUBKEY(key, &out);
  if (n <= 0) return {};
  std::string s(reinterpret_cast<char*>(out), size_t(n));
  OPENSSL_free(out);
  return s;
}

std::string sha256(std::string_view bytes) {
  unsigned char md[32];
  EVP_Digest(bytes.data(), bytes.size(), md, nullptr, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), sizeof md);
}

std::optional<SystemTime> asn1_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

SystemTime from_unix(int64_t seconds) { return SystemTime(std::chrono::seconds(seconds)); }

std::string describe_time(SystemTime t) { return format_rfc3339_s(t); }

namespace {

const EVP_MD* digest_for(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
  case EVP_PKEY_ED25519: return nullptr;
  case EVP_PKEY_EC:
    return EVP_PKEY_get_bits(key) > 256 ? (EVP_PKEY_get_bits(key) > 384 ? EVP_sha512() : EVP_sha384()) : EVP_sha256();
  default: return EVP_sha256();
  }
}

}  // namespace

bool verify_signature(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(key), nullptr, key) != 1) return false;
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  return rc == 1;
}

bool verify_sha256_digest(EVP_PKEY* key, std::string_view digest, std::string_view signature) {
  if (!key || digest.size() != 32 || digest_for(key) != EVP_sha256() || EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519)
    return false;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key, nullptr), EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
    return false;
  return EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                         reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) == 1;
}

std::string dsse_pae(std::string_view type, std::string_view payload) {
  return "DSSEv1 " + std::to_string(type.size()) + " " + std::string(type) + " " + std::to_string(payload.size()) +
         " " + std::string(payload);
}

}  // namespace hallmark::sigstore::internal
