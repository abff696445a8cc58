// Embedded SCTs (RFC 6962 §3.2, precertificate entries). OpenSSL's CT API parses the SCT list;
// the signature is checked here against the CT logs of the trusted root rather than OpenSSL's
// CTLOG_STORE, which only loads from files. The signed data covers the SCT's extensions, so
// SCTs with extensions (Static CT) verify like any other.
#include "evidence.hpp"

#include <openssl/ct.h>
#include <openssl/x509v3.h>

namespace hallmark::sigstore::internal {

namespace {

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(char((v >> (8 * i)) & 0xff));
}

// The TBSCertificate without the SCT list extension: what the log signed (the precertificate).
std::string precert_tbs(X509* leaf) {
  std::unique_ptr<X509, decltype(&X509_free)> copy(X509_dup(leaf), X509_free);
  if (!copy) return {};
  int idx = X509_get_ext_by_NID(copy.get(), NID_ct_precert_scts, -1);
  if (idx < 0) return {};
  X509_EXTENSION_free(X509_delete_ext(copy.get(), idx));
  unsigned char* out = nullptr;
  int n = i2d_re_X509_tbs(copy.get(), &out);
  if (n <= 0) return {};
  std::string s(reinterpret_cast<char*>(out), size_t(n));
  OPENSSL_free(out);
  return s;
}

std::string signed_data(const SCT* sct, std::string_view issuer_key_hash, std::string_view tbs) {
  std::string d;
  d.push_back(0);  // version v1
  d.push_back(0);  // certificate_timestamp
  put_be(d, SCT_get_timestamp(sct), 8);
  put_be(d, 1, 2);  // precert_entry
  d += issuer_key_hash;
  put_be(d, tbs.size(), 3);
  d += tbs;
  unsigned char* ext = nullptr;
  size_t ext_len = SCT_get0_extensions(sct, &ext);
  put_be(d, ext_len, 2);
  d.append(reinterpret_cast<char*>(ext), ext_len);
  return d;
}

}  // namespace

Status verify_embedded_scts(X509* leaf, X509* issuer, const TrustedRoot& root) {
  std::unique_ptr<STACK_OF(SCT), void (*)(STACK_OF(SCT)*)> scts(
      static_cast<STACK_OF(SCT)*>(X509_get_ext_d2i(leaf, NID_ct_precert_scts, nullptr, nullptr)), SCT_LIST_free);
  if (!scts || sk_SCT_num(scts.get()) == 0) return make_error("the signing certificate has no embedded SCT");
  std::string tbs = precert_tbs(leaf);
  std::string issuer_key_hash = sha256(spki_der(X509_get0_pubkey(issuer)));
  std::string why = "no SCT is from a CT log of the trusted root";
  for (int i = 0; i < sk_SCT_num(scts.get()); ++i) {
    const SCT* sct = sk_SCT_value(scts.get(), i);
    if (SCT_get_version(sct) != SCT_VERSION_V1) continue;
    unsigned char* id = nullptr;
    size_t id_len = SCT_get0_log_id(sct, &id);
    std::string_view log_id(reinterpret_cast<char*>(id), id_len);
    SystemTime when{std::chrono::milliseconds(SCT_get_timestamp(sct))};
    for (const auto& log : root.ctlogs) {
      if (log.log_id != log_id) continue;
      if (!log.valid_for.contains(when)) {
        why = "the SCT's CT log key (" + log.base_url + ") was not valid at " + describe_time(when);
        continue;
      }
      unsigned char* sig = nullptr;
      size_t sig_len = SCT_get0_signature(sct, &sig);
      if (verify_signature(log.key.get(), signed_data(sct, issuer_key_hash, tbs),
                           std::string_view(reinterpret_cast<char*>(sig), sig_len)))
        return ok_status();
      why = "the SCT's signature does not verify with the key of CT log " + log.base_url;
    }
  }
  return make_error(why);
}

}  // namespace hallmark::sigstore::internal
