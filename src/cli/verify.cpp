#include "hallmark/util/json_text.hpp"
#include "command.hpp"

#include "hallmark/attest/verify.hpp"
#include "hallmark/attest/image.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/metrics.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"

#include <filesystem>

#include <cstdio>
#include <memory>

namespace hallmark::cli {

void emit_cli_metrics(const Globals& g, const std::vector<otlp::Metric>& metrics);

namespace {

struct VerifyCliOptions {
  VerifyOptions verify;
  std::string artifact, provenance, policy, events, record_dir, trusted_root;
  std::vector<std::string> keys;
  bool print_provenance = false;
  bool json = false;
  std::string image;
  std::vector<std::string> insecure;
};

// A failed verification is a security event: logged where the pipeline's telemetry goes.
void log_failure(const VerifyResult& r, const VerifyOptions& v, const std::string& record_dir_flag, const Globals& g) {
  namespace fs = std::filesystem;
  fs::path dir = RecordDir::locate(fs::current_path(), record_dir_flag, g.env);
  std::error_code ec;
  bool exporting = g.env.count("OTEL_EXPORTER_OTLP_ENDPOINT") || g.env.count("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT");
  if (!fs::is_directory(dir, ec) && !exporting) return;
  VerificationFailure f;
  f.artifact = v.artifact.string();
  f.artifact_sha256 = r.artifact_sha256;
  for (const auto& c : r.checks)
    if (!c.passed) {
      f.reason = c.check + ": expected " + c.expected + ", got " + c.actual;
      break;
    }
  f.policy = v.policy.string();
  Diagnostics diag;
  emit_verification_failed(TelemetryOptions{}, dir, g.env, f, diag);
  // A denied component is its own event, one per component, for SIEM rules that key on it.
  for (const auto& c : r.checks) {
    if (c.passed || c.check != "policy.deniedComponents") continue;
    for (const auto& purl : c.offending) {
      DeniedComponent d;
      d.purl = purl;
      d.rule = c.expected;
      d.sbom_path = v.provenance.string();
      emit_sbom_denied_component(TelemetryOptions{}, dir, g.env, d, diag);
    }
  }
  if (g.verbosity >= 2)
    for (const auto& d : diag.entries()) say("warning: telemetry: " + to_line(d));
}

int verify_image_cli(const VerifyOptions& v, const std::string& image, const std::vector<std::string>& insecure,
                     bool json, bool print_provenance, const std::string& record_dir, const Globals& g) {
  ImageVerifyOptions io;
  io.verify = v;
  io.reference = image;
  io.source.env = g.env;
  io.source.insecure_registries = insecure;
  Diagnostics diag;
  auto r = verify_image(io, diag);
  if (!r) {
    say_error(r.message());
    return 2;
  }
  if (g.verbosity >= 2)
    for (const auto& line : diag.lines()) say("warning: " + line);
  if (json) {
    nlohmann::json j = r->to_json();
    if (print_provenance && r->result.passed) j["statement"] = r->result.statement;
    std::printf("%s\n", dump_json(j, 2).c_str());
  } else {
    for (const auto& line : r->lines()) std::printf("%s\n", line.c_str());
    if (print_provenance && r->result.passed) std::printf("%s\n", dump_json(r->result.statement, 2).c_str());
  }
  if (!r->result.passed) {
    VerifyOptions named = v;  // the security event names the image as the artifact
    named.artifact = image;
    log_failure(r->result, named, record_dir, g);
  }
  return r->result.passed ? 0 : 1;
}

void add_verify_options(CLI::App& sub, VerifyCliOptions& o) {
  sub.footer("Checks, in order: the signature with a trusted key (keyless bundles: certificate chain, SCT,\n"
             "transparency log, timestamps, signature, identity; docs/verify.md), payloadType, _type,\n"
             "predicateType, the artifact's sha256 among the subjects, builder.id, source, then the policy.\n"
             "Exit status: 0 passed, 1 verification failed, 2 usage or I/O error.");
  sub.add_option("--artifact,-a", o.artifact, "The file to deploy");
  sub.add_option("--artifact-digest", o.verify.artifact_digest,
                 "sha256:HEX of the artifact, instead of --artifact (needs --provenance)");
  sub.add_option("--image", o.image,
                 "Verify a container image instead: every attestation stored for its digest "
                 "(cosign tag, OCI referrers, a cosign save layout) is checked; docs/images.md");
  sub.add_option("--insecure-registry", o.insecure, "With --image: allow plain HTTP to this registry HOST[:PORT]");
  sub.add_option("--provenance,-p", o.provenance,
                 "DSSE envelope, .intoto.jsonl or Sigstore bundle (default: beside the artifact)");
  sub.add_option("--key,-k", o.keys,
                 "Trusted public key (SPKI PEM); repeatable; not needed for keyless Sigstore bundles");
  sub.add_option("--trusted-root", o.trusted_root,
                 "Sigstore trusted root JSON (default: the shipped public-good root; docs/verify.md)");
  sub.add_option("--certificate-identity", o.verify.identity.san,
                 "Keyless: the signing certificate's SAN (URI or email), exact");
  sub.add_option("--certificate-identity-regexp", o.verify.identity.san_regexp, "Keyless: the SAN matches this regexp");
  sub.add_option("--certificate-oidc-issuer", o.verify.identity.issuer,
                 "Keyless: the certificate's OIDC issuer, exact");
  sub.add_option("--certificate-oidc-issuer-regexp", o.verify.identity.issuer_regexp,
                 "Keyless: the OIDC issuer matches this regexp");
  sub.add_option("--source-branch", o.verify.build.source_branch,
                 "Keyless (GitHub): the certificate's source ref is this branch");
  sub.add_option("--source-tag", o.verify.build.source_tag,
                 "Keyless (GitHub): the certificate's source ref is this tag");
  sub.add_option("--source-versioned-tag", o.verify.build.source_versioned_tag,
                 "Keyless (GitHub): a tag with this semver prefix (v13 matches v13.0.30)");
  sub.add_option("--builder-id", o.verify.builder_id,
                 "Require this builder.id (keyless: the certificate's Build Signer URI[@ref])");
  sub.add_option("--source-uri", o.verify.source_uri,
                 "Require this source repository (keyless: the certificate's and the provenance's)");
  sub.add_option("--source-ref", o.verify.source_ref, "Require this source ref (branch/tag name or refs/...)");
  sub.add_option("--policy", o.policy, "Policy JSON (docs/policy.md)");
  sub.add_flag("--allow-raw-ecdsa", o.verify.allow_raw_ecdsa, "Accept raw r||s ECDSA signatures (not DSSE conformant)");
  sub.add_option("--events", o.events,
                 "Check that this event log (events.otlp.jsonl) is complete and unaltered against the chain head the "
                 "provenance signs");
  sub.add_option(
      "--record-dir", o.record_dir,
      "Where a failed verification is logged as a telemetry event (default: $HALLMARK_DIR or ./.hallmark, if present)");
  sub.add_flag("--print-provenance", o.print_provenance, "Print the verified statement");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

// The library's options from the flags; an error is a usage error (exit 2).
Result<VerifyOptions> prepare_verify(const VerifyCliOptions& o, const Globals& g) {
  VerifyOptions v = o.verify;
  if (int(!o.artifact.empty()) + int(!v.artifact_digest.empty()) + int(!o.image.empty()) != 1)
    return make_error("verify needs exactly one of --artifact FILE, --artifact-digest sha256:HEX and --image REF");
  v.artifact = o.artifact;
  v.trusted_root = o.trusted_root;
  if (auto d = g.env.find("HALLMARK_DATA_DIR"); d != g.env.end()) v.data_dir = d->second;
  v.provenance = o.provenance;
  v.policy = o.policy;
  for (const auto& k : o.keys) v.keys.emplace_back(k);
  if (!o.events.empty()) {
    auto check = event_log_check(o.events);
    if (!check) return check.error();
    v.extra_checks.push_back(std::move(*check));
  }
  return v;
}

// The result on stdout (lines or JSON), the failure's telemetry event, the metric; the exit status.
int report_verify(const VerifyResult& r, const VerifyOptions& v, const VerifyCliOptions& o, const Globals& g) {
  if (o.json) {
    nlohmann::json j = r.to_json();
    if (o.print_provenance && r.passed) j["statement"] = r.statement;
    std::printf("%s\n", dump_json(j, 2).c_str());
  } else {
    for (const auto& line : r.lines(v.artifact)) std::printf("%s\n", line.c_str());
    if (o.print_provenance && r.passed) std::printf("%s\n", dump_json(r.statement, 2).c_str());
  }
  if (!r.passed) log_failure(r, v, o.record_dir, g);
  // A passed verification is counted only where metrics are exported: appending to the record
  // dir's log otherwise would change a log whose head attest already signed, for nothing.
  bool exporting = g.env.count("OTEL_EXPORTER_OTLP_ENDPOINT") || g.env.count("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
  if (!r.passed || exporting)
    emit_cli_metrics(g, {verify_result_metric(r.passed, uint64_t(unix_nanos(std::chrono::system_clock::now())))});
  return r.passed ? 0 : 1;
}

}  // namespace

Runner setup_verify(CLI::App& sub, Globals& g) {
  auto o = std::make_shared<VerifyCliOptions>();
  add_verify_options(sub, *o);
  return [o, &g] {
    auto v = prepare_verify(*o, g);
    if (!v) {
      say_error(v.message());
      return 2;
    }
    if (!o->image.empty())
      return verify_image_cli(*v, o->image, o->insecure, o->json, o->print_provenance, o->record_dir, g);
    auto r = verify_artifact(*v);
    if (!r) {
      say_error(r.message());
      return 2;
    }
    return report_verify(*r, *v, *o, g);
  };
}

}  // namespace hallmark::cli
