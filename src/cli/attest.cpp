#include "command.hpp"

#include "hallmark/attest/attest_run.hpp"
#include "hallmark/attest/image.hpp"
#include "hallmark/attest/signing.hpp"
#include "hallmark/evidence/evidence.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"
#include "hallmark/util/version.hpp"

#include <memory>

namespace hallmark::cli {

namespace {

struct AttestCliOptions {
  AttestOptions attest;
  std::string key;
  std::string password_file;
  std::string record_dir_flag;
  std::string output;
  std::vector<std::string> sboms;  // --attach-sbom FILE
  bool no_telemetry = false;
  std::string store;
  std::string image;
  bool push = false;
  std::vector<std::string> insecure;
};

// The run just closed goes into the evidence store; the CI step's status never depends on it.
void ingest_attested(const AttestCliOptions& o, const AttestOptions& a, const AttestOutcome& out, const Globals& g) {
  IngestOptions in;
  in.paths = {a.record_dir, out.output};
  in.paths.insert(in.paths.end(), out.sbom_files.begin(), out.sbom_files.end());
  in.data_dir = env_get(g.env, "HALLMARK_DATA_DIR");
  if (auto key = load_signing_key(a.key, a.passphrase)) in.keys.push_back(key->public_key());
  auto r = ingest_into_configured_store(o.store, g.env, in);
  if (!r)
    say("warning: evidence store: " + r.message() +
        " (the run was attested; ingest it later with `hallmark store ingest`)");
  else if (*r && g.verbosity >= 2) say("ingested the run into the evidence store");
}

int attest_image_cli(const AttestOptions& a, const AttestCliOptions& o, const Globals& g) {
  ImageAttestOptions io;
  io.attest = a;
  io.reference = o.image;
  io.source.env = g.env;
  io.source.insecure_registries = o.insecure;
  io.push = o.push;
  Diagnostics diag;
  auto out = attest_image(io, hallmark_version(), diag);
  if (!out) {
    say_error(out.message());
    return 2;
  }
  if (!out->attest.refused.empty()) {
    say_error(out->attest.refused);
    return 1;
  }
  say_diagnostics(diag, g);
  if (g.verbosity >= 1) {
    say("attested image " + out->image + " (" + out->digest + ") from " + std::to_string(out->attest.steps) +
        " step(s), builder " + out->attest.builder_id + ", key " + out->attest.keyid);
    say("wrote " + out->attest.output.string());
    for (const auto& p : out->pushed) say("pushed " + p);
  }
  return 0;
}

void add_attest_options(CLI::App& sub, AttestCliOptions& o) {
  sub.footer("Signs SLSA v1 provenance for the current pipeline run and closes the run.\n"
             "Default output: <subject>.intoto.jsonl beside a single subject, else\n"
             "<pipeline>.intoto.jsonl here; --bundle writes a Sigstore bundle (.sigstore.json).");
  sub.add_option("--key,-k", o.key, "Private key (PKCS#8 PEM; passphrase from $HALLMARK_KEY_PASSWORD)");
  sub.add_flag("--statement-only", o.attest.statement_only,
               "Write the unsigned in-toto statement to -o FILE (for a keyless signer such as GitHub's\n"
               "actions/attest); no key, and the run stays open");
  sub.add_option("--password-file", o.password_file, "Read the key's passphrase from this file");
  sub.add_option("--subject", o.attest.subject_globs, "Glob of products to attest (default: every product)");
  sub.add_option("-o,--output", o.output, "Where to write the provenance");
  sub.add_flag("--bundle", o.attest.bundle, "Write a Sigstore bundle v0.3 instead of .intoto.jsonl");
  sub.add_flag("--materials-inline", o.attest.materials_inline,
               "List materials in resolvedDependencies instead of a materials list file");
  sub.add_option("--builder-id", o.attest.builder_id, "builder.id (default: the CI platform's, or the local builder)");
  sub.add_option("--record-dir", o.record_dir_flag, "Record dir (default: $HALLMARK_DIR or ./.hallmark)");
  sub.add_flag("--sbom", o.attest.sbom,
               "Also write the CycloneDX SBOM of the workspace and of each archive subject, list them\n"
               "among the byproducts and sign each as a statement (predicateType https://cyclonedx.org/bom)");
  sub.add_option("--attach-sbom", o.sboms,
                 "List this existing SBOM (CycloneDX or SPDX JSON) among the byproducts, with its\n"
                 "components; repeatable");
  sub.add_flag("--allow-failed-steps", o.attest.allow_failed_steps,
               "Sign a run in which a step failed (refused by default, exit 1)");
  sub.add_flag("--no-telemetry", o.no_telemetry, "Do not emit the run's root span before signing");
  sub.add_option("--store", o.store,
                 "Evidence store the closed run is ingested into (default: $HALLMARK_STORE, else\n"
                 "$XDG_DATA_HOME/hallmark/evidence.db; off: none); a store failure is only a warning");
  sub.add_option("--image", o.image,
                 "Attest a container image: its manifest (or index) digest is the subject "
                 "(oci:DIR[:TAG], HOST/REPO:TAG, ...; docs/images.md)");
  sub.add_flag("--push", o.push,
               "With --image: store the attestation in the registry (cosign's sha256-<hex>.att "
               "tag and an OCI 1.1 Sigstore bundle referrer); attesting again appends");
  sub.add_option("--insecure-registry", o.insecure, "With --image: allow plain HTTP to this registry HOST[:PORT]");
}

// The library's options from the flags; an error is a usage error (exit 2), found before
// anything is read or signed.
Result<AttestOptions> prepare_attest(const AttestCliOptions& o, const Globals& g) {
  if (o.key.empty() != o.attest.statement_only)
    return make_error(o.attest.statement_only ? "--statement-only signs nothing: drop --key"
                                              : "attest needs --key PRIVATE.pem (or --statement-only -o FILE)");
  auto passphrase = key_passphrase(g.env, o.password_file);
  if (!passphrase) return passphrase.error();
  AttestOptions a = o.attest;
  a.key = o.key;
  a.passphrase = *passphrase;
  a.output = o.output;
  a.record_dir = RecordDir::locate(std::filesystem::current_path(), o.record_dir_flag, g.env);
  for (const auto& s : o.sboms) a.sboms.push_back({std::filesystem::path(s).filename().string(), s, ""});
  // attest_run appends the run's root span after its checks pass, before the chain head is signed.
  a.telemetry.enabled = !o.no_telemetry;
  a.env = g.env;
  if (o.push && o.image.empty()) return make_error("attest: --push needs --image REF");
  return a;
}

// Warnings, the refusal (exit 1) or the summary of what was written.
int report_attest(const AttestOptions& a, const AttestOutcome& out, const Diagnostics& diag, const Globals& g) {
  say_diagnostics(diag, g, Severity::warning);
  for (const auto& t : out.record_tampering)
    if (g.verbosity >= 1) say("warning: record dir tampered with: " + t.path + " " + t.change + " since the last step");
  if (!out.refused.empty()) {
    say_error(out.refused);
    return 1;
  }
  say_diagnostics(diag, g, Severity::note);
  if (g.verbosity < 1) return 0;
  std::string subjects;
  for (const auto& s : out.subjects) subjects += (subjects.empty() ? "" : ", ") + s;
  say((a.statement_only ? "statement for " : "attested ") + std::to_string(out.subjects.size()) + " subject(s) (" +
      subjects + ") from " + std::to_string(out.steps) + " step(s), builder " + out.builder_id +
      (a.statement_only ? ", unsigned" : ", key " + out.keyid));
  say("wrote " + out.output.string() + (out.materials_list.empty() ? "" : " and " + out.materials_list.string()));
  for (const auto& f : out.sbom_files) say("wrote SBOM " + f.string());
  for (const auto& f : out.extra_outputs) say("wrote " + f.string());
  return 0;
}

}  // namespace

Runner setup_attest(CLI::App& sub, Globals& g) {
  auto o = std::make_shared<AttestCliOptions>();
  add_attest_options(sub, *o);
  return [o, &g] {
    auto a = prepare_attest(*o, g);
    if (!a) {
      say_error(a.message());
      return 2;
    }
    if (!o->image.empty()) return attest_image_cli(*a, *o, g);
    Diagnostics diag;
    auto out = attest_run(*a, hallmark_version(), diag);
    if (!out) {
      say_error(out.message());
      return 2;
    }
    if (int refused = report_attest(*a, *out, diag, g); refused != 0) return refused;
    ingest_attested(*o, *a, *out, g);
    return 0;
  };
}

}  // namespace hallmark::cli
