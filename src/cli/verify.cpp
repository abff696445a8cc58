#include "command.hpp"

#include "hallmark/attest/verify.hpp"

#include <cstdio>
#include <memory>

namespace hallmark::cli {

Runner setup_verify(CLI::App& sub, Globals& g) {
  struct Opts {
    VerifyOptions verify;
    std::string artifact, provenance, policy;
    std::vector<std::string> keys;
    bool print_provenance = false;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.footer("Checks, in order: the signature with a trusted key, payloadType, _type, predicateType,\n"
             "the artifact's sha256 among the subjects, builder.id, source, then the policy.\n"
             "Exit status: 0 passed, 1 verification failed, 2 usage or I/O error.");
  sub.add_option("--artifact,-a", o->artifact, "The file to deploy")->required();
  sub.add_option("--provenance,-p", o->provenance, "DSSE envelope, .intoto.jsonl or Sigstore bundle (default: beside the artifact)");
  sub.add_option("--key,-k", o->keys, "Trusted public key (SPKI PEM); repeatable")->required();
  sub.add_option("--builder-id", o->verify.builder_id, "Require this builder.id");
  sub.add_option("--source-uri", o->verify.source_uri, "Require this source repository");
  sub.add_option("--source-ref", o->verify.source_ref, "Require this source ref (branch/tag name or refs/...)");
  sub.add_option("--policy", o->policy, "Policy JSON (docs/policy.md)");
  sub.add_flag("--allow-raw-ecdsa", o->verify.allow_raw_ecdsa, "Accept raw r||s ECDSA signatures (not DSSE conformant)");
  sub.add_flag("--print-provenance", o->print_provenance, "Print the verified statement");
  sub.add_flag("--json", o->json, "Print the result as JSON");

  return [o, &g] {
    VerifyOptions v = o->verify;
    v.artifact = o->artifact;
    v.provenance = o->provenance;
    v.policy = o->policy;
    for (const auto& k : o->keys) v.keys.emplace_back(k);
    auto r = verify_artifact(v);
    if (!r) {
      say_error(r.message());
      return 2;
    }
    if (o->json) {
      nlohmann::json j = r->to_json();
      if (o->print_provenance && r->passed) j["statement"] = r->statement;
      std::printf("%s\n", j.dump(2).c_str());
    } else {
      for (const auto& line : r->lines(v.artifact)) std::printf("%s\n", line.c_str());
      if (o->print_provenance && r->passed) std::printf("%s\n", r->statement.dump(2).c_str());
    }
    (void)g;
    return r->passed ? 0 : 1;
  };
}

} // namespace hallmark::cli
