// Provenance (DSSE envelope, .intoto.jsonl, Sigstore bundle): each envelope's signature is
// checked against the trusted keys with the verifier's own primitives (PAE + verify_message),
// and the outcome is stored with every subject: verified (signer = the keyid that verified it),
// failed (keys were given, none verified it), unverified (no keys given; signer = the
// envelope's unauthenticated keyid hint). A query never shows an unchecked claim as verified.
#include "document.hpp"

#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/policy.hpp"
#include "hallmark/attest/provenance.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>

namespace hallmark::evidence {

using nlohmann::json;

namespace {

std::string str(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return {};
    cur = &(*cur)[k];
  }
  return cur->is_string() ? cur->get<std::string>() : std::string();
}

const json& sub(const json& j, std::initializer_list<const char*> path) {
  static const json null;
  const json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return null;
    cur = &(*cur)[k];
  }
  return *cur;
}

std::pair<std::string, std::string> check_signature(const DsseEnvelope& env, const std::vector<VerifyingKey>& keys) {
  if (keys.empty()) return {env.signatures.empty() ? "" : env.signatures.front().keyid, "unverified"};
  std::string pae = dsse_pae(env.payload_type, env.payload);
  for (const auto& s : env.signatures)
    for (const auto& k : keys)
      if (verify_message(k, pae, s.sig, SignatureCheck{}).ok()) return {k.keyid(), "verified"};
  return {"", "failed"};
}

RunRow run_of(const json& st) {
  RunRow r;
  const json& pred = sub(st, {"predicate"});
  r.run_id = str(pred, {"buildDefinition", "internalParameters", "ci", "runId"});
  std::string invocation = str(pred, {"runDetails", "metadata", "invocationId"});
  if (r.run_id.empty() && invocation.rfind("hallmark:run/", 0) == 0) r.run_id = invocation.substr(13);
  if (r.run_id.empty()) r.run_id = invocation;
  r.pipeline = str(pred, {"buildDefinition", "externalParameters", "pipeline"});
  r.platform = str(pred, {"buildDefinition", "internalParameters", "ci", "platform"});
  r.builder = str(pred, {"runDetails", "builder", "id"});
  r.started = str(pred, {"runDetails", "metadata", "startedOn"});
  r.finished = str(pred, {"runDetails", "metadata", "finishedOn"});
  r.repository = statement_source(st).uri;
  if (r.repository.rfind("git+", 0) == 0) r.repository = r.repository.substr(4);
  const json& deps = sub(pred, {"buildDefinition", "resolvedDependencies"});
  if (deps.is_array())
    for (const auto& d : deps)
      if (r.commit.empty()) r.commit = str(d, {"digest", "gitCommit"});
  return r;
}

void add_statement(Document& d, const json& st, const std::string& signer, const std::string& status) {
  RunRow run = run_of(st);
  const json& pred = sub(st, {"predicate"});
  int64_t materials = 0;
  std::set<std::string> purls;
  if (const json& deps = sub(pred, {"buildDefinition", "resolvedDependencies"}); deps.is_array())
    for (const auto& dep : deps) {
      if (sub(dep, {"annotations", "toolchain"}) == true) continue;
      if (str(dep, {"mediaType"}) == kMediaMaterials) {
        const json& n = sub(dep, {"annotations", "count"});
        materials += n.is_number_integer() ? n.get<int64_t>() : 0;
        continue;
      }
      if (std::string uri = str(dep, {"uri"}); uri.rfind("pkg:", 0) == 0) purls.insert(uri);
      if (str(dep, {"digest", "gitCommit"}).empty()) ++materials;
    }
  if (const json& bps = sub(pred, {"runDetails", "byproducts"}); bps.is_array())
    for (const auto& b : bps) {
      if (sub(b, {"annotations", "sbom"}) == true && sub(b, {"annotations", "components"}).is_array())
        for (const auto& c : sub(b, {"annotations", "components"}))
          if (c.is_string()) purls.insert(c.get<std::string>());
      if (str(b, {"mediaType"}) == kMediaStepRecord) {
        std::string step = str(b, {"annotations", "step"});
        const json& code = sub(b, {"annotations", "exitCode"});
        d.steps.push_back({run.run_id, step, str(b, {"annotations", "startedOn"}),
                           str(b, {"annotations", "finishedOn"}), code.is_number_integer() ? code.get<int64_t>() : 0});
        if (const json& dest = sub(b, {"annotations", "networkDestinations"}); dest.is_array())
          for (const auto& x : dest) {
            if (!x.is_string()) continue;
            std::string hp = x.get<std::string>();
            size_t colon = hp.rfind(':');
            if (colon == std::string::npos) continue;
            std::string host = hp.substr(0, colon);
            if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
            d.egress.push_back({run.run_id, step, host, std::strtoll(hp.c_str() + colon + 1, nullptr, 10), ""});
          }
      }
    }
  if (const json& subjects = sub(st, {"subject"}); subjects.is_array())
    for (const auto& s : subjects) {
      std::string sha = str(s, {"digest", "sha256"}), name = str(s, {"name"});
      if (sha.empty()) continue;
      d.artifacts.push_back({sha, run.run_id, name, materials, signer, status});
      if (!purls.empty()) d.subjects.push_back({sha, name, {purls.begin(), purls.end()}});
    }
  d.runs.push_back(std::move(run));
}

}  // namespace

Result<Document> read_provenance(const std::filesystem::path& file, const std::string& text,
                                 const std::vector<VerifyingKey>& keys) {
  auto doc = parse_provenance(text, file.string());
  if (!doc) return doc.error();
  Document d;
  d.path = file;
  d.kind = "provenance";
  d.sha256 = sha256_hex(text);
  for (size_t i = 0; i < doc->envelopes.size(); ++i) {
    const DsseEnvelope& env = doc->envelopes[i];
    auto [signer, status] = check_signature(env, keys);
    json st = json::parse(env.payload, nullptr, false);
    if (env.payload_type != kInTotoPayloadType || !st.is_object())
      return make_error(file.string() + ": envelope " + std::to_string(i + 1) + " does not carry an in-toto statement");
    // SBOM statements (attest --sbom) travel in the same file; only SLSA statements describe runs.
    if (str(st, {"predicateType"}) != kSlsaProvenanceV1) continue;
    add_statement(d, st, signer, status);
  }
  if (d.runs.empty()) return make_error(file.string() + ": no SLSA v1 provenance statement in it");
  return d;
}

}  // namespace hallmark::evidence
