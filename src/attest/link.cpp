#include "hallmark/attest/link.hpp"

#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/provenance.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/json_text.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

namespace hallmark {

using nlohmann::json;

namespace {

json descriptors(const std::vector<FileEntry>& entries) {
  json out = json::array();
  for (const auto& e : entries) {
    if (e.digests.empty()) continue;
    out.push_back({{"name", e.path}, {"digest", statement_digest(e)}});
  }
  return out;
}

// Step names come from argv[0] or --step; keep file names tame whatever they hold.
std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out.empty() ? "step" : out;
}

}  // namespace

json build_link_statement(const StepRecord& step) {
  json byproducts = {{"return-value", step.exit_code}};
  if (step.signal) byproducts["signal"] = step.signal;
  if (!step.spawn_error.empty()) byproducts["spawn-error"] = step.spawn_error;
  json environment = {{"variables", step.env.vars}, {"workdir", step.cwd}};
  if (step.ci) environment["ci"] = {{"platform", step.ci->platform}, {"runId", step.ci->run_id}};
  if (step.git) environment["git"] = {{"commit", step.git->commit}, {"remote", step.git->remote_url}};
  json predicate = {{"name", step.name},
                    {"command", step.argv},
                    {"materials", descriptors(step.materials)},
                    {"byproducts", byproducts},
                    {"environment", environment}};
  json subject = descriptors(step.products);
  // in-toto Statement v1 needs one subject at least. A step that produced nothing (a test run)
  // is attested by one subject naming the step, whose digest is that of the predicate's compact
  // JSON: the link still binds what the step did (docs/signing.md, "In-toto link").
  if (subject.empty())
    subject.push_back(
        {{"name", "hallmark-step:" + step.name}, {"digest", {{"sha256", sha256_hex(dump_json(predicate))}}}});
  return {{"_type", kStatementV1}, {"subject", subject}, {"predicateType", kInTotoLinkV03}, {"predicate", predicate}};
}

Status prepare_link_signing(LinkSigning& s, const EnvMap& env) {
  if (!s.enabled) {
    if (!s.key.empty()) return make_error("--key is only used with --sign: add --sign or drop --key");
    return ok_status();
  }
  if (s.key.empty()) return make_error("--sign needs --key PRIVATE_KEY (create one with `hallmark keygen`)");
  auto pass = key_passphrase(env, s.password_file);
  if (!pass) return pass.error();
  auto key = load_signing_key(s.key, *pass);
  if (!key) return key.error();
  s.signing_key = std::move(*key);
  return ok_status();
}

Result<std::filesystem::path> write_signed_link(const StepRecord& step, const SigningKey& key,
                                                const std::filesystem::path& links_dir) {
  auto env = sign_dsse(kInTotoPayloadType, statement_payload(build_link_statement(step)), key);
  if (!env) return env.error();
  std::error_code ec;
  std::filesystem::create_directories(links_dir, ec);
  if (ec) return make_error("cannot create " + links_dir.string() + ": " + ec.message());
  // A step name used twice in a run (retries, matrix jobs) keeps both links: the later one
  // gets the first free number instead of replacing the earlier.
  std::string stem = file_safe(step.name) + "." + key.keyid().substr(0, 8);
  auto path = links_dir / (stem + ".link.intoto.jsonl");
  for (int n = 2; std::filesystem::exists(path, ec) && n < 10000; ++n)
    path = links_dir / (stem + "." + std::to_string(n) + ".link.intoto.jsonl");
  HALLMARK_TRY(write_file_atomic(path, dsse_to_line(*env) + "\n"));
  return path;
}

}  // namespace hallmark
