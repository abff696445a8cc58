#include "verify_keyless.hpp"

#include "hallmark/attest/signing.hpp"
#include "hallmark/sigstore/bundle.hpp"
#include "hallmark/util/data_dir.hpp"
#include "hallmark/util/hex.hpp"

#include <openssl/evp.h>

#include <regex>

namespace hallmark {

bool is_sigstore_evidence(std::string_view text) {
  if (!sigstore::looks_like_bundle(text)) return false;
  auto b = sigstore::parse_bundle(text, "");
  return !b || !(b->has_public_key && b->tlog_entries.empty() && b->is_dsse);
}

namespace {

Status check_regexp(const std::string& flag, const std::string& pattern) {
  if (pattern.empty()) return ok_status();
  try {
    std::regex re(pattern);
  } catch (const std::regex_error& e) {
    return make_error(flag + " " + pattern + " is not a valid regular expression: " + e.what());
  }
  return ok_status();
}

Result<sigstore::TrustedRoot> trusted_root_for(const VerifyOptions& o) {
  std::filesystem::path path = o.trusted_root;
  if (path.empty()) {
    auto found = find_data_file("data/sigstore/trusted_root.json", o.data_dir);
    if (!found) return make_error("no trusted root: " + found.message() + ", or pass --trusted-root FILE");
    path = *found;
  }
  return sigstore::load_trusted_root(path);
}

std::string bundle_format(const sigstore::Bundle& b) {
  return "Sigstore bundle v0." + std::to_string(b.minor_version) + (b.has_public_key ? " (managed key)" : " (keyless)");
}

}  // namespace

Result<KeylessOutcome> verify_sigstore_evidence(const VerifyOptions& o, std::string_view text,
                                                const std::string& origin, const std::string& artifact_sha256) {
  KeylessOutcome out;
  auto bundle = sigstore::parse_bundle(text, origin);
  if (!bundle) {
    out.format = "Sigstore bundle";
    out.checks.push_back({"provenance", false, "a Sigstore bundle v0.1-v0.3", bundle.message()});
    return out;
  }
  out.format = bundle_format(*bundle);
  out.keyless = !bundle->has_public_key;
  sigstore::BundleVerifyOptions bo;
  bo.identity = o.identity;
  if (out.keyless && bo.identity.san.empty() && bo.identity.san_regexp.empty())
    return make_error(
        "a keyless bundle needs an identity to check: --certificate-identity or --certificate-identity-regexp "
        "(and --certificate-oidc-issuer); see docs/verify.md");
  HALLMARK_TRY(check_regexp("--certificate-identity-regexp", o.identity.san_regexp));
  HALLMARK_TRY(check_regexp("--certificate-oidc-issuer-regexp", o.identity.issuer_regexp));
  auto root = trusted_root_for(o);
  if (!root) return root.error();
  bo.root = &*root;
  bo.artifact = o.artifact_digest.empty() ? o.artifact : std::filesystem::path{};
  bo.artifact_sha256 = from_hex(artifact_sha256).value_or("");
  for (const auto& k : o.keys) {
    auto key = load_verifying_key(k);
    if (!key) return key.error();
    EVP_PKEY_up_ref(key->pkey());
    bo.keys.emplace_back(key->pkey(), EVP_PKEY_free);
  }
  sigstore::BundleVerification v = sigstore::verify_bundle(*bundle, bo);
  for (auto& c : v.checks)
    out.checks.push_back({std::move(c.check), c.passed, std::move(c.expected), std::move(c.actual)});
  out.claims = v.claims;
  out.passed = v.passed;
  if (!v.passed) return out;
  EVP_PKEY_up_ref(v.signing_key.get());
  auto adopted = Key::adopt(v.signing_key.get());
  if (!adopted) {
    out.passed = false;
    out.checks.push_back({"sigstore.key", false, "a key type hallmark verifies", adopted.message()});
    return out;
  }
  out.key = VerifyingKey(adopted->first, adopted->second);
  out.signer = out.keyless ? v.claims.san : out.key->keyid();
  if (bundle->is_dsse)
    out.envelope = DsseEnvelope{bundle->payload_type,
                                bundle->payload,
                                {DsseSignature{bundle->dsse_signatures[0].keyid, bundle->dsse_signatures[0].sig}}};
  return out;
}

}  // namespace hallmark
