// Composes the evidence checks (sigstore-go pkg/verify/signed_entity.go). Thresholds: at least
// one transparency log entry, and every entry and timestamp present must verify (one bad piece
// of evidence fails the bundle rather than being outvoted); at least one verified signing time
// for a certificate; at least one valid SCT.
#include "hallmark/sigstore/verify.hpp"

#include "evidence.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

namespace hallmark::sigstore {

using namespace internal;

namespace {

struct Run {
  BundleVerification& r;
  bool add(const char* check, bool ok, std::string expected, std::string actual) {
    r.checks.push_back({check, ok, std::move(expected), std::move(actual)});
    return ok;
  }
  bool add(const char* check, const Status& st, std::string expected, std::string actual_ok) {
    return add(check, st.ok(), std::move(expected), st.ok() ? std::move(actual_ok) : st.message());
  }
};

// The signature over the artifact (messageSignature) or over PAE(payloadType, payload).
bool signature_verifies(EVP_PKEY* key, const Bundle& b, const BundleVerifyOptions& o) {
  if (b.is_dsse) return verify_signature(key, dsse_pae(b.payload_type, b.payload), b.dsse_signatures[0].sig);
  if (verify_sha256_digest(key, o.artifact_sha256, b.signature)) return true;
  // Ed25519 and P-384 sign the message itself, so they need the file, not only its digest.
  if (o.artifact.empty() || (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) <= 256)) return false;
  auto content = read_file(o.artifact);
  return content && sha256(*content) == o.artifact_sha256 && verify_signature(key, *content, b.signature);
}

std::string join_times(const std::vector<SystemTime>& ts) {
  std::string s;
  for (auto t : ts) s += (s.empty() ? "" : ", ") + describe_time(t);
  return s;
}

// Material: the certificates (keyless) or the trusted key that verifies (managed key).
bool read_material(Run& run, const Bundle& b, const BundleVerifyOptions& o, std::vector<X509Ptr>& certs,
                   EntryExpectation& x) {
  BundleVerification& r = run.r;
  if (b.has_public_key) {
    if (o.keys.empty())
      return run.add("sigstore.key", false, "a trusted key (--key) for this publicKey bundle", "no key given");
    for (const auto& k : o.keys)
      if (signature_verifies(k.get(), b, o)) r.signing_key = k;
    x.key = r.signing_key.get();
    return run.add("sigstore.key", bool(r.signing_key),
                   "a signature by one of the " + std::to_string(o.keys.size()) + " trusted key(s)",
                   r.signing_key ? "signed by a trusted key" : "no trusted key verifies the signature");
  }
  for (size_t i = 0; i < b.certificates.size(); ++i) {
    certs.push_back(x509_from_der(b.certificates[i]));
    if (!certs.back())
      return run.add("sigstore.certificate", false, "DER X.509 certificates",
                     "certificate " + std::to_string(i) + " does not parse");
  }
  if (!run.add("sigstore.certificate", check_no_root_in_bundle(certs), "a leaf certificate without its root",
               "leaf and " + std::to_string(certs.size() - 1) + " intermediate(s)"))
    return false;
  x.leaf = certs.front().get();
  return true;
}

bool check_evidence(Run& run, const Bundle& b, const BundleVerifyOptions& o, const EntryExpectation& x) {
  BundleVerification& r = run.r;
  if (b.tlog_entries.empty())
    return run.add("sigstore.tlog", false, "at least one transparency log entry", "none in the bundle");
  std::string logs;
  for (const auto& e : b.tlog_entries) {
    auto out = verify_tlog_entry(e, *o.root, x);
    if (!out) return run.add("sigstore.tlog", false, "a verified entry in a log of the trusted root", out.message());
    if (out->integrated_time) r.signing_times.push_back(*out->integrated_time);
    logs += (logs.empty() ? "" : ", ") + out->log + " #" + std::to_string(e.log_index);
  }
  run.add("sigstore.tlog", true, "a verified entry in a log of the trusted root", logs);
  const std::string& signed_bytes = b.is_dsse ? b.dsse_signatures[0].sig : b.signature;
  for (size_t i = 0; i < b.rfc3161_timestamps.size(); ++i) {
    auto t = verify_rfc3161(b.rfc3161_timestamps[i], signed_bytes, *o.root);
    if (!t)
      return run.add("sigstore.timestamp", false, "RFC 3161 timestamps from a TSA of the trusted root",
                     "timestamp " + std::to_string(i) + ": " + t.message());
    r.signing_times.push_back(*t);
  }
  if (!b.rfc3161_timestamps.empty())
    run.add("sigstore.timestamp", true, "RFC 3161 timestamps from a TSA of the trusted root",
            std::to_string(b.rfc3161_timestamps.size()) + " verified");
  return true;
}

bool check_certificate(Run& run, const BundleVerifyOptions& o, const std::vector<X509Ptr>& certs) {
  BundleVerification& r = run.r;
  if (r.signing_times.empty())
    return run.add("sigstore.time", false, "a verified signing time (SET-backed integrated time or RFC 3161 timestamp)",
                   "none");
  const std::string chain_rule = "the leaf chains to a Fulcio CA of the trusted root at every signing time";
  X509Ptr issuer;
  for (auto t : r.signing_times)
    if (Status st = verify_chain(certs, *o.root, t, &issuer); !st)
      return run.add("sigstore.chain", false, chain_rule, st.message());
  run.add("sigstore.chain", true, chain_rule, "valid at " + join_times(r.signing_times));
  X509* leaf = certs.front().get();
  if (!run.add("sigstore.leaf", check_leaf_profile(leaf), "a code-signing, non-CA leaf certificate",
               "code-signing leaf"))
    return false;
  if (!run.add("sigstore.sct", verify_embedded_scts(leaf, issuer.get(), *o.root),
               "an embedded SCT from a CT log of the trusted root", "verified"))
    return false;
  EVP_PKEY* key = X509_get0_pubkey(leaf);
  EVP_PKEY_up_ref(key);
  r.signing_key = PkeyPtr(key, EVP_PKEY_free);
  return true;
}

}  // namespace

BundleVerification verify_bundle(const Bundle& b, const BundleVerifyOptions& o) {
  BundleVerification r;
  Run run{r};
  std::vector<X509Ptr> certs;
  EntryExpectation x;
  x.dsse = b.is_dsse;
  x.artifact_sha256 = o.artifact_sha256;
  x.signature = b.is_dsse ? b.dsse_signatures[0].sig : b.signature;
  x.payload = b.payload;
  x.payload_type = b.payload_type;
  if (!o.root) {
    run.add("sigstore.trustedRoot", false, "a trusted root", "none loaded");
    return r;
  }
  if (!read_material(run, b, o, certs, x) || !check_evidence(run, b, o, x)) return r;
  if (!b.has_public_key) {
    if (!check_certificate(run, o, certs)) return r;
    bool valid = signature_verifies(r.signing_key.get(), b, o);
    if (!run.add("sigstore.signature", valid,
                 b.is_dsse ? "the DSSE signature by the certificate's key"
                           : "the artifact's signature by the certificate's key",
                 valid ? "valid" : "does not verify"))
      return r;
  }
  if (!b.is_dsse && b.message_digest_algorithm == "SHA2_256" &&
      !run.add("sigstore.messageDigest", b.message_digest == o.artifact_sha256, "sha256:" + to_hex(o.artifact_sha256),
               "sha256:" + to_hex(b.message_digest)))
    return r;
  if (!b.has_public_key) {
    r.claims = read_claims(certs.front().get());
    if (o.identity.empty()) {
      run.add("sigstore.identity", false, "an identity requirement (--certificate-identity[-regexp])", "none given");
      return r;
    }
    for (auto& c : identity_checks(r.claims, o.identity)) r.checks.push_back(std::move(c));
  }
  r.passed = true;
  for (const auto& c : r.checks) r.passed = r.passed && c.passed;
  return r;
}

}  // namespace hallmark::sigstore
