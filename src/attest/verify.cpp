#include "hallmark/attest/verify.hpp"

#include "json_path.hpp"
#include "verify_keyless.hpp"

#include "hallmark/attest/provenance.hpp"
#include "hallmark/attest/signing.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

namespace hallmark {

using nlohmann::json;

Result<std::string> sha256_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return make_error("cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(path.string() + " is not a regular file");
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::string buf(1 << 16, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return make_error("cannot read " + path.string() + ": " + std::strerror(e));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), size_t(n));
  }
  ::close(fd);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return to_hex(std::string_view(reinterpret_cast<char*>(md), len));
}

std::filesystem::path find_provenance_beside(const std::filesystem::path& artifact) {
  std::error_code ec;
  for (const char* suffix : {".intoto.jsonl", ".sigstore.json"}) {
    std::filesystem::path p = artifact;
    p += suffix;
    if (std::filesystem::exists(p, ec)) return p;
  }
  return {};
}

namespace {

using attest::internal::at_path;
using attest::internal::string_at;

std::string quoted_or_none(const std::string& s) { return s.empty() ? "(none)" : s; }

struct EnvelopeOutcome {
  std::vector<CheckResult> checks;
  json statement;
  std::string keyid;
  bool passed() const {
    for (const auto& c : checks)
      if (!c.passed) return false;
    return !checks.empty();
  }
  size_t passed_count() const {
    size_t n = 0;
    for (const auto& c : checks) n += c.passed;
    return n;
  }
};

bool ref_matches(const std::string& wanted, const std::string& actual) {
  if (wanted == actual) return true;
  if (wanted.rfind("refs/", 0) == 0) return false;
  return actual == "refs/heads/" + wanted || actual == "refs/tags/" + wanted;
}

// Keyid hints are not authenticated, so every trusted key is tried against every signature.
// Adds the "signature" check; sets out.keyid when one verifies.
bool check_signature(const DsseEnvelope& env, const std::vector<VerifyingKey>& keys, const VerifyOptions& o,
                     EnvelopeOutcome& out) {
  std::string trusted;
  for (const auto& k : keys) trusted += (trusted.empty() ? "" : ", ") + k.keyid();
  std::string pae = dsse_pae(env.payload_type, env.payload);
  std::vector<std::string> reasons;
  for (size_t i = 0; i < env.signatures.size() && out.keyid.empty(); ++i)
    for (const auto& k : keys) {
      Status st = verify_message(k, pae, env.signatures[i].sig, SignatureCheck{o.allow_raw_ecdsa});
      if (st) {
        out.keyid = k.keyid();
        break;
      }
      reasons.push_back("signatures[" + std::to_string(i) + "]: " + st.message());
    }
  std::string actual = env.signatures.empty() ? "no signatures in the envelope"
                                              : std::to_string(env.signatures.size()) + " signature(s), none valid";
  if (!reasons.empty() && out.keyid.empty()) {
    // Say the most specific reason once (raw ECDSA, wrong key).
    actual += " (" + reasons.front() + ")";
  }
  const bool ok = !out.keyid.empty();
  out.checks.push_back(
      {"signature", ok, "a valid signature by trusted key " + trusted, ok ? "signed by " + out.keyid : actual});
  return ok;
}

EnvelopeOutcome check_envelope(const DsseEnvelope& env, const std::vector<VerifyingKey>& keys,
                               const std::string& artifact_sha256, const VerifyOptions& o,
                               const std::optional<Policy>& policy) {
  EnvelopeOutcome out;
  auto add = [&](const char* check, bool ok, std::string expected, std::string actual) {
    out.checks.push_back({check, ok, std::move(expected), std::move(actual)});
    return ok;
  };

  // 1. The signature, with a trusted key, over PAE(payloadType, payload).
  if (!check_signature(env, keys, o, out)) return out;

  // 2. Only now the (authenticated) payload.
  if (!add("payloadType", env.payload_type == kInTotoPayloadType, kInTotoPayloadType, quoted_or_none(env.payload_type)))
    return out;
  json st = json::parse(env.payload, nullptr, false);
  if (!add("payload", !st.is_discarded() && st.is_object(), "a JSON in-toto statement",
           st.is_discarded() ? "payload is not valid JSON (truncated?)"
           : st.is_object()  ? "a JSON object"
                             : "JSON that is not an object"))
    return out;
  out.statement = st;
  if (!add("_type", string_at(st, {"_type"}) == kStatementV1, kStatementV1, quoted_or_none(string_at(st, {"_type"}))))
    return out;
  if (!add("predicateType", is_slsa_provenance(string_at(st, {"predicateType"})), kSlsaProvenanceV1,
           quoted_or_none(string_at(st, {"predicateType"}))))
    return out;

  // 3. The artifact among the subjects: exact compare with our lowercase hex.
  std::vector<std::string> seen;
  std::string hit;
  if (const json* subjects = at_path(st, {"subject"}); subjects && subjects->is_array())
    for (const auto& s : *subjects) {
      std::string d = string_at(s, {"digest", "sha256"});
      seen.push_back(string_at(s, {"name"}) + "@sha256:" + (d.empty() ? "(none)" : d));
      if (d == artifact_sha256 && hit.empty()) hit = string_at(s, {"name"});
    }
  std::string subjects_text;
  for (const auto& s : seen) subjects_text += (subjects_text.empty() ? "" : ", ") + s;
  add("subject", !hit.empty(), "sha256:" + artifact_sha256 + " among the subjects",
      hit.empty() ? "subjects " + (subjects_text.empty() ? std::string("(none)") : subjects_text) : "subject " + hit);

  // 4. Who built it, from what.
  std::string builder = string_at(st, {"predicate", "runDetails", "builder", "id"});
  if (!o.builder_id.empty()) add("builder.id", builder == o.builder_id, o.builder_id, quoted_or_none(builder));
  StatementSource source = statement_source(st);
  const std::string& uri = source.uri;
  const std::string& ref = source.ref;
  if (!o.source_uri.empty())
    add("source.uri", !uri.empty() && normalize_repo_uri(uri) == normalize_repo_uri(o.source_uri),
        normalize_repo_uri(o.source_uri), uri.empty() ? "(none)" : normalize_repo_uri(uri));
  if (!o.source_ref.empty()) add("source.ref", ref_matches(o.source_ref, ref), o.source_ref, quoted_or_none(ref));

  // 5. Policy, then checks contributed by other modules.
  // Without --policy the default one still runs: it fails a run with a failed step.
  for (auto& c : evaluate_policy(policy.value_or(Policy{}), st, o.now.value_or(std::chrono::system_clock::now())))
    out.checks.push_back(std::move(c));
  for (const auto& extra : o.extra_checks)
    for (auto& c : extra(st)) out.checks.push_back(std::move(c));
  return out;
}

// Keyless bundles: the sigstore evidence first, then the statement as for keyed provenance
// (with the builder and source matched against the certificate's claims instead).
Result<VerifyResult> verify_keyless_bundle(const VerifyOptions& o, std::string_view text,
                                           const std::optional<Policy>& policy, VerifyResult r) {
  auto kl = verify_sigstore_evidence(o, text, r.provenance.string(), r.artifact_sha256);
  if (!kl) return kl.error();
  r.format = kl->format;
  r.keyid = kl->signer;
  r.checks = std::move(kl->checks);
  // Keyless: the builder and source repository are the certificate's claims (github.cpp).
  BuildRequirement build = o.build;
  if (build.builder_id.empty()) build.builder_id = o.builder_id;
  if (build.source_uri.empty()) build.source_uri = o.source_uri;
  if (kl->passed && kl->envelope) {
    VerifyOptions rest = o;
    if (kl->keyless) {
      rest.builder_id.clear();
      rest.source_uri.clear();
    }
    EnvelopeOutcome one = check_envelope(*kl->envelope, {*kl->key}, r.artifact_sha256, rest, policy);
    for (auto& c : one.checks) r.checks.push_back(std::move(c));
    r.statement = std::move(one.statement);
  } else if (kl->passed &&
             (policy || !o.extra_checks.empty() || !o.source_ref.empty() || (!kl->keyless && !build.empty()))) {
    r.checks.push_back({"statement", false, "an in-toto statement for the policy and source checks (a DSSE bundle)",
                        "a message signature"});
  }
  if (kl->passed && kl->keyless)
    for (auto& c : github_checks(build, kl->claims, r.statement)) r.checks.push_back(std::move(c));
  r.passed = !r.checks.empty();
  for (const auto& c : r.checks) r.passed = r.passed && c.passed;
  return r;
}

Result<std::string> parse_sha256_digest(const std::string& text) {
  std::string hex = text.rfind("sha256:", 0) == 0 ? text.substr(7) : std::string{};
  if (hex.size() != 64 || !from_hex(hex) || to_hex(*from_hex(hex)) != hex)
    return make_error("--artifact-digest " + text + " is not sha256: and 64 lowercase hex digits");
  return hex;
}

}  // namespace

namespace {

struct TrustInputs {
  std::vector<VerifyingKey> keys;
  std::optional<Policy> policy;
};

// Keys may be empty here: a keyless bundle needs none; the keyed paths ask for one.
Result<TrustInputs> load_trust(const VerifyOptions& o) {
  TrustInputs t;
  for (const auto& k : o.keys) {
    auto key = load_verifying_key(k);
    if (!key) return key.error();
    t.keys.push_back(std::move(*key));
  }
  if (!o.policy.empty()) {
    auto p = load_policy(o.policy);
    if (!p) return p.error();
    t.policy = std::move(*p);
  }
  return t;
}

// Several envelopes (an .intoto.jsonl, an image's attestations): the first that passes wins;
// otherwise the one that got furthest explains the failure.
void check_all(const std::vector<DsseEnvelope>& envelopes, const TrustInputs& t, const VerifyOptions& o,
               VerifyResult& r) {
  std::optional<EnvelopeOutcome> best;
  for (size_t i = 0; i < envelopes.size(); ++i) {
    EnvelopeOutcome one = check_envelope(envelopes[i], t.keys, r.artifact_sha256, o, t.policy);
    bool done = one.passed();
    if (!best || done || one.passed_count() > best->passed_count()) {
      best = std::move(one);
      r.envelope_index = int(i);
    }
    if (done) break;
  }
  if (!best) return;
  r.passed = best->passed();
  r.checks = std::move(best->checks);
  r.statement = std::move(best->statement);
  r.keyid = best->keyid;
}

}  // namespace

Result<VerifyResult> verify_documents(const VerifyOptions& o, const std::string& artifact_sha256,
                                      const std::vector<AttestationDocument>& documents) {
  auto trust = load_trust(o);
  if (!trust) return trust.error();
  if (trust->keys.empty() && o.identity.empty())
    return make_error("verify needs a trusted public key (--key PUB.pem) or, for keyless attestations, "
                      "--certificate-identity and --certificate-oidc-issuer");
  std::optional<VerifyResult> best;
  size_t best_passed = 0;
  for (size_t i = 0; i < documents.size(); ++i) {
    const AttestationDocument& d = documents[i];
    VerifyResult r;
    r.artifact_sha256 = artifact_sha256;
    r.provenance = d.where;
    if (is_sigstore_evidence(d.text)) {
      if (o.identity.empty()) {
        r.checks.push_back({"sigstore.identity", false,
                            "--certificate-identity/--certificate-oidc-issuer for a keyless attestation",
                            "none given"});
      } else {
        auto one = verify_keyless_bundle(o, d.text, trust->policy, std::move(r));
        if (!one) return one.error();
        r = std::move(*one);
      }
    } else if (auto doc = parse_provenance(d.text, d.where); !doc) {
      r.checks.push_back({"provenance", false, "a DSSE envelope or Sigstore bundle", doc.message()});
    } else if (trust->keys.empty()) {
      r.checks.push_back({"signature", false, "a trusted key (--key) for this keyed attestation", "none given"});
    } else {
      r.format = to_string(doc->format);
      check_all(doc->envelopes, *trust, o, r);
    }
    size_t passed = 0;
    for (const auto& c : r.checks) passed += c.passed;
    const bool done = r.passed;
    if (!best || done || passed > best_passed) {
      r.envelope_index = int(i);
      best = std::move(r);
      best_passed = passed;
    }
    if (done) break;
  }
  if (!best) {
    VerifyResult none;
    none.artifact_sha256 = artifact_sha256;
    none.checks.push_back({"attestation", false, "at least one attestation", "none found"});
    return none;
  }
  return std::move(*best);
}

Result<VerifyResult> verify_artifact(const VerifyOptions& o) {
  auto trust = load_trust(o);
  if (!trust) return trust.error();
  auto digest = o.artifact_digest.empty() ? sha256_file(o.artifact) : parse_sha256_digest(o.artifact_digest);
  if (!digest) return make_error("artifact: " + digest.message());

  VerifyResult r;
  r.artifact_sha256 = *digest;
  r.provenance = o.provenance.empty() ? find_provenance_beside(o.artifact) : o.provenance;
  if (r.provenance.empty())
    return make_error("no provenance beside " + o.artifact.string() + " (looked for " + o.artifact.string() +
                      ".intoto.jsonl and .sigstore.json): pass --provenance FILE");
  std::error_code ec;
  auto size = std::filesystem::file_size(r.provenance, ec);
  if (ec) return make_error("cannot read provenance " + r.provenance.string() + ": " + ec.message());
  // Over the limit is an input problem like an unreadable file (exit 2): it is never parsed.
  if (size > kMaxEnvelopeBytes)
    return make_error("provenance " + r.provenance.string() + " is " + std::to_string(size) +
                      " bytes, over the 64 MB limit: pass the provenance file hallmark attest wrote");
  auto text = read_file(r.provenance, kMaxEnvelopeBytes);
  if (!text) return text.error();
  if (is_sigstore_evidence(*text)) return verify_keyless_bundle(o, *text, trust->policy, std::move(r));
  auto doc = parse_provenance(*text, r.provenance.string());
  if (!doc) {
    r.checks.push_back({"provenance", false, "a DSSE envelope, .intoto.jsonl or Sigstore bundle", doc.message()});
    return r;
  }
  if (trust->keys.empty())
    return make_error("verify needs at least one trusted public key for this provenance: --key PUB.pem");
  r.format = to_string(doc->format);
  check_all(doc->envelopes, *trust, o, r);
  return r;
}

json VerifyResult::to_json() const {
  json checks_json = json::array();
  for (const auto& c : checks)
    checks_json.push_back({{"check", c.check},
                           {"passed", c.passed},
                           {"expected", c.expected},
                           {"actual", c.actual},
                           {"warning", c.warning}});
  json out = {{"passed", passed},
              {"artifactSha256", artifact_sha256},
              {"provenance", provenance.string()},
              {"format", format},
              {"keyid", keyid},
              {"checks", checks_json}};
  if (passed) {
    out["builderId"] = string_at(statement, {"predicate", "runDetails", "builder", "id"});
    out["source"] = statement_source(statement).uri;
  }
  return out;
}

std::vector<std::string> VerifyResult::lines(const std::filesystem::path& artifact) const {
  std::vector<std::string> out;
  if (passed) {
    std::string builder = string_at(statement, {"predicate", "runDetails", "builder", "id"});
    out.push_back("PASSED: " + artifact.string() + " sha256:" + artifact_sha256 + " is a subject of " +
                  provenance.string() + " (" + format + "), signed by " + keyid + ", builder " + builder + "; " +
                  std::to_string(checks.size()) + " checks passed");
  }
  for (const auto& c : checks) {
    if (!c.passed) out.push_back("FAILED: " + c.check + ": expected " + c.expected + ", got " + c.actual);
    if (c.passed && c.warning) out.push_back("WARNING: " + c.check + ": " + c.actual + " (wanted " + c.expected + ")");
  }
  return out;
}

}  // namespace hallmark
