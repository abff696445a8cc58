// The certificate chain (sigstore-go pkg/verify/certificate.go): the leaf must chain, through
// the intermediates of a Fulcio CA of the trusted root, to that CA's root, with the CA's validity
// window and every certificate's own validity covering the signing time.
#include "evidence.hpp"

#include <openssl/x509v3.h>

namespace hallmark::sigstore::internal {

namespace {

using StorePtr = std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)>;
using StackPtr = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)>;

void free_stack(STACK_OF(X509) * s) { sk_X509_free(s); }  // the certificates are owned elsewhere

// One attempt against one CA: X509_verify_cert at time `t`.
bool chains_to(X509* leaf, const std::vector<X509Ptr>& bundle_certs, const CertificateAuthority& ca, SystemTime t,
               X509Ptr* issuer, std::string& why) {
  StorePtr store(X509_STORE_new(), X509_STORE_free);
  X509_STORE_add_cert(store.get(), ca.chain.back().get());
  StackPtr untrusted(sk_X509_new_null(), free_stack);
  for (size_t i = 0; i + 1 < ca.chain.size(); ++i) sk_X509_push(untrusted.get(), ca.chain[i].get());
  for (size_t i = 1; i < bundle_certs.size(); ++i) sk_X509_push(untrusted.get(), bundle_certs[i].get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) return false;
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(t));
  if (X509_verify_cert(ctx.get()) != 1) {
    why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    return false;
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  if (sk_X509_num(chain) < 2) return false;
  X509* up = sk_X509_value(chain, 1);
  X509_up_ref(up);
  *issuer = X509Ptr(up, X509_free);
  return true;
}

}  // namespace

Status check_no_root_in_bundle(const std::vector<X509Ptr>& bundle_certs) {
  if (bundle_certs.empty()) return make_error("the bundle carries no certificate");
  for (const auto& c : bundle_certs)
    if (X509_get_extension_flags(c.get()) & EXFLAG_SS)
      return make_error("the bundle carries a self-signed (root) certificate; trust comes only from the trusted root");
  return ok_status();
}

Status verify_chain(const std::vector<X509Ptr>& bundle_certs, const TrustedRoot& root, SystemTime t, X509Ptr* issuer) {
  std::string why = "no Fulcio CA of the trusted root is valid at " + describe_time(t);
  for (const auto& ca : root.certificate_authorities) {
    if (!ca.valid_for.contains(t) || ca.chain.empty()) continue;
    std::string one;
    if (chains_to(bundle_certs.front().get(), bundle_certs, ca, t, issuer, one)) return ok_status();
    why = one + " (CA " + ca.uri + ", at " + describe_time(t) + ")";
  }
  return make_error(why);
}

Status check_leaf_profile(X509* leaf) {
  if (X509_check_ca(leaf) != 0) return make_error("the signing certificate is a CA certificate");
  uint32_t flags = X509_get_extension_flags(leaf);
  if (!(flags & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN))
    return make_error("the signing certificate lacks the code-signing extended key usage");
  if ((flags & EXFLAG_KUSAGE) && !(X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE))
    return make_error("the signing certificate's key usage does not allow digital signatures");
  return ok_status();
}

}  // namespace hallmark::sigstore::internal
