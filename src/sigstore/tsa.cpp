// RFC 3161 timestamps (sigstore-go pkg/verify/tsa.go) through OpenSSL's TS API: the response is
// granted, its message imprint is the hash of the bundle's signature, it is signed by a TSA of
// the trusted root whose chain is valid at the timestamp's own time (so a TSA certificate that
// expired since still counts), and that time lies in the TSA's validity window.
#include "evidence.hpp"

#include <openssl/ts.h>

namespace hallmark::sigstore::internal {

namespace {

bool verify_with(TS_RESP* resp, std::string_view signature, const CertificateAuthority& tsa, SystemTime t) {
  std::unique_ptr<TS_VERIFY_CTX, decltype(&TS_VERIFY_CTX_free)> ctx(TS_VERIFY_CTX_new(), TS_VERIFY_CTX_free);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, tsa.chain.back().get());
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), std::chrono::system_clock::to_time_t(t));
  STACK_OF(X509)* certs = sk_X509_new_null();
  for (size_t i = 0; i + 1 < tsa.chain.size(); ++i) {
    X509_up_ref(tsa.chain[i].get());
    sk_X509_push(certs, tsa.chain[i].get());
  }
  BIO* data = BIO_new_mem_buf(signature.data(), int(signature.size()));
  // The context owns the store, the certificates and the data from here on.
  TS_VERIFY_CTX_set_store(ctx.get(), store);
  TS_VERIFY_CTX_set_certs(ctx.get(), certs);
  TS_VERIFY_CTX_set_data(ctx.get(), data);
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA);
  return TS_RESP_verify_response(ctx.get(), resp) == 1;
}

// Certificates embedded in the token are not signed by it: OpenSSL takes the signer from the
// trusted root first, so an altered embedded copy would go unnoticed. Each must be one of the
// TSA's own certificates.
bool embedded_certificates_are_the_tsas(TS_RESP* resp, const CertificateAuthority& tsa) {
  PKCS7* token = TS_RESP_get_token(resp);
  if (!token || !PKCS7_type_is_signed(token) || !token->d.sign) return false;
  STACK_OF(X509)* embedded = token->d.sign->cert;
  for (int i = 0; embedded && i < sk_X509_num(embedded); ++i) {
    bool known = false;
    for (const auto& c : tsa.chain) known = known || X509_cmp(sk_X509_value(embedded, i), c.get()) == 0;
    if (!known) return false;
  }
  return true;
}

}  // namespace

Result<SystemTime> verify_rfc3161(std::string_view der, std::string_view signature, const TrustedRoot& root) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<TS_RESP, decltype(&TS_RESP_free)> resp(d2i_TS_RESP(nullptr, &p, long(der.size())), TS_RESP_free);
  if (!resp) return make_error("not a DER RFC 3161 timestamp response");
  TS_TST_INFO* info = TS_RESP_get_tst_info(resp.get());
  if (!info) return make_error("the timestamp response holds no token (not granted)");
  auto t = asn1_time(TS_TST_INFO_get_time(info));
  if (!t) return make_error("the timestamp's genTime does not parse");
  std::string why = "not signed by a timestamp authority of the trusted root";
  for (const auto& tsa : root.timestamp_authorities) {
    if (tsa.chain.empty() || !verify_with(resp.get(), signature, tsa, *t)) continue;
    if (!embedded_certificates_are_the_tsas(resp.get(), tsa)) {
      why = "the timestamp embeds a certificate that is not one of TSA " + tsa.uri + "'s";
      continue;
    }
    if (!tsa.valid_for.contains(*t)) {
      why = "time " + describe_time(*t) + " is outside the validity of TSA " + tsa.uri;
      continue;
    }
    return *t;
  }
  return make_error(why);
}

}  // namespace hallmark::sigstore::internal
