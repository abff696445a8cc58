// Who signed (sigstore-go pkg/verify/certificate_identity.go): the SAN (URI or email) and the
// Fulcio extensions (docs: github.com/sigstore/fulcio/blob/main/docs/oid-info.md). The issuer is
// 1.3.6.1.4.1.57264.1.8 (a DER UTF8String); older certificates carry only .1.1 (raw bytes).
#include "evidence.hpp"

#include <openssl/x509v3.h>

#include <regex>

namespace hallmark::sigstore::internal {

namespace {

std::string extension(X509* leaf, const char* oid, bool der_string) {
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(OBJ_txt2obj(oid, 1), ASN1_OBJECT_free);
  int idx = obj ? X509_get_ext_by_OBJ(leaf, obj.get(), -1) : -1;
  if (idx < 0) return {};
  ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(leaf, idx));
  std::string raw(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)), size_t(ASN1_STRING_length(data)));
  if (!der_string) return raw;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ASN1_UTF8STRING, decltype(&ASN1_UTF8STRING_free)> s(
      d2i_ASN1_UTF8STRING(nullptr, &p, long(raw.size())), ASN1_UTF8STRING_free);
  if (!s) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s.get())),
                     size_t(ASN1_STRING_length(s.get())));
}

bool matches(const std::string& actual, const std::string& exact, const std::string& pattern) {
  if (!exact.empty() && actual != exact) return false;
  if (!pattern.empty()) {
    try {
      if (!std::regex_search(actual, std::regex(pattern))) return false;
    } catch (const std::regex_error&) {
      return false;  // reported as a usage error before verification (validate_identity)
    }
  }
  return true;
}

}  // namespace

CertificateClaims read_claims(X509* leaf) {
  CertificateClaims c;
  std::unique_ptr<GENERAL_NAMES, void (*)(GENERAL_NAMES*)> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)), GENERAL_NAMES_free);
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()) && c.san.empty(); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type == GEN_URI || n->type == GEN_EMAIL) {
      const ASN1_IA5STRING* s = n->type == GEN_URI ? n->d.uniformResourceIdentifier : n->d.rfc822Name;
      c.san.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), size_t(ASN1_STRING_length(s)));
    }
  }
  c.issuer = extension(leaf, "1.3.6.1.4.1.57264.1.8", true);
  if (c.issuer.empty()) c.issuer = extension(leaf, "1.3.6.1.4.1.57264.1.1", false);
  c.build_signer_uri = extension(leaf, "1.3.6.1.4.1.57264.1.9", true);
  c.build_signer_digest = extension(leaf, "1.3.6.1.4.1.57264.1.10", true);
  c.source_repository_uri = extension(leaf, "1.3.6.1.4.1.57264.1.12", true);
  c.source_repository_digest = extension(leaf, "1.3.6.1.4.1.57264.1.13", true);
  c.source_repository_ref = extension(leaf, "1.3.6.1.4.1.57264.1.14", true);
  c.build_config_uri = extension(leaf, "1.3.6.1.4.1.57264.1.18", true);
  c.build_trigger = extension(leaf, "1.3.6.1.4.1.57264.1.20", true);
  return c;
}

std::vector<Check> identity_checks(const CertificateClaims& c, const IdentityRequirement& want) {
  std::vector<Check> out;
  auto describe = [](const std::string& exact, const std::string& pattern) {
    return exact.empty() ? "matching /" + pattern + "/" : exact;
  };
  if (!want.san.empty() || !want.san_regexp.empty())
    out.push_back({"sigstore.identity", matches(c.san, want.san, want.san_regexp), describe(want.san, want.san_regexp),
                   c.san.empty() ? "(no URI or email SAN)" : c.san});
  if (!want.issuer.empty() || !want.issuer_regexp.empty())
    out.push_back({"sigstore.issuer", matches(c.issuer, want.issuer, want.issuer_regexp),
                   describe(want.issuer, want.issuer_regexp), c.issuer.empty() ? "(no issuer extension)" : c.issuer});
  return out;
}

}  // namespace hallmark::sigstore::internal
