#include "hallmark/attest/attest_run.hpp"

#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/sbom_attestation.hpp"
#include "hallmark/attest/signing.hpp"
#include "hallmark/attest/verify.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <cctype>
#include <map>

namespace hallmark {

namespace fs = std::filesystem;

namespace {

std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out;
}

fs::path default_output(const std::vector<StepRecord>& steps, const std::vector<std::string>& subjects, bool bundle) {
  const char* suffix = bundle ? ".sigstore.json" : ".intoto.jsonl";
  if (subjects.size() == 1) {
    fs::path workspace = steps.front().workspace.empty() ? fs::path(".") : fs::path(steps.front().workspace);
    return workspace / (subjects.front() + suffix);
  }
  std::string name;
  for (const auto& s : steps)
    if (s.ci && !s.ci->pipeline.empty()) {
      name = file_safe(s.ci->pipeline);
      break;
    }
  return fs::path((name.empty() ? std::string("provenance") : name) + suffix);
}

// "dist/app.tar.gz.intoto.jsonl" -> "dist/app.tar.gz.materials.json"
fs::path materials_path_for(const fs::path& output) {
  std::string s = output.string();
  for (const char* suffix : {".intoto.jsonl", ".sigstore.json", ".json", ".jsonl"}) {
    std::string suf = suffix;
    if (s.size() > suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0) {
      s.resize(s.size() - suf.size());
      break;
    }
  }
  return s + ".materials.json";
}

// A failed step means the run did not do what its pipeline says: refuse to sign unless asked.
std::string failed_step(const std::vector<StepRecord>& steps) {
  for (const auto& s : steps)
    if (s.exit_code != 0)
      return "step '" + s.name + "' exited " + std::to_string(s.exit_code) +
             (s.signal ? " (signal " + std::to_string(s.signal) + ")" : "") +
             ": refusing to attest a run with a failed step (--allow-failed-steps signs it anyway)";
  return {};
}

// The subjects' digests come from the records; the files are signed as they are now. A file
// changed or deleted since the step that produced it would be attested under a digest it no
// longer has (or one an attacker chose), so each subject is hashed again.
std::string changed_subject(const std::vector<StepRecord>& steps, const nlohmann::json& subjects) {
  std::map<std::string, fs::path> workspace_of;
  for (const auto& s : steps)
    for (const auto& p : s.products) workspace_of[p.path] = s.workspace.empty() ? fs::path(".") : fs::path(s.workspace);
  for (const auto& subject : subjects) {
    std::string name = subject.value("name", std::string());
    std::string recorded = subject.contains("digest") ? subject["digest"].value("sha256", std::string()) : "";
    auto it = workspace_of.find(name);
    fs::path file = (it == workspace_of.end() ? fs::path(".") : it->second) / name;
    auto now = sha256_file(file);
    if (!now)
      return "subject " + name + " (recorded sha256:" + recorded + ") is gone or unreadable now (" + now.message() +
             "): run the step that produces it again";
    if (recorded.empty() || *now != recorded)
      return "subject " + name + " changed since its step recorded it: recorded sha256:" + recorded +
             ", on disk sha256:" + *now + ": run the step that produces it again";
  }
  return {};
}

ProvenanceOptions provenance_options(const AttestOptions& o, const RunInfo& run,
                                     const std::vector<fs::path>& step_files, const std::string& hallmark_version) {
  ProvenanceOptions po;
  po.subject_globs = o.subject_globs;
  po.materials_inline = o.materials_inline;
  po.builder_id = o.builder_id;
  po.hallmark_version = hallmark_version;
  po.run_id = run.id;
  po.run_started = run.started;
  for (const auto& f : step_files) po.step_files.push_back({"steps/" + f.filename().string(), f, kMediaStepRecord});
  po.sboms = o.sboms;
  po.telemetry_log = o.record_dir / "events.otlp.jsonl";
  return po;
}

// The statement alone, materials inline (a byproduct file would not be signed with it).
Result<AttestOutcome> write_statement_only(const AttestOptions& o, const std::vector<StepRecord>& steps,
                                           ProvenanceOptions po) {
  if (o.output.empty()) return make_error("--statement-only needs -o FILE");
  po.materials_inline = true;
  auto prov = build_provenance(steps, po);
  if (!prov) return prov.error();
  HALLMARK_TRY(write_file_atomic(o.output, statement_payload(prov->statement) + "\n"));
  AttestOutcome out;
  out.output = o.output;
  out.subjects = prov->subject_names;
  out.builder_id = prov->statement["predicate"]["runDetails"]["builder"]["id"].get<std::string>();
  out.steps = steps.size();
  return out;
}

// --sbom: the SBOMs are byproducts of the provenance (added to `po`) and signed statements of
// their own (returned, unsigned). Files are named after the provenance's `output`.
Result<std::vector<nlohmann::json>> add_sboms(const AttestOptions& o, const StepRecord& first_step,
                                              const nlohmann::json& subjects, const fs::path& output,
                                              ProvenanceOptions& po, AttestOutcome& out, Diagnostics& diag) {
  fs::path workspace = first_step.workspace.empty() ? fs::path(".") : fs::path(first_step.workspace);
  fs::path prefix = materials_path_for(output);  // "<out>.materials.json" -> "<out>"
  prefix.replace_extension();
  prefix.replace_extension();
  auto sb = make_sbom_attestations(workspace, subjects, prefix, o.env, diag, o.image_bom);
  if (!sb) return sb.error();
  for (auto& f : sb->files) {
    out.sbom_files.push_back(f.path);
    po.sboms.push_back(std::move(f));
  }
  return std::move(sb->statements);
}

// Every statement is signed over its exact embedded payload bytes. In .intoto.jsonl they are
// lines of one file (provenance first), returned; as bundles, the provenance's is returned and
// each SBOM's is written beside its SBOM (out.extra_outputs).
Result<std::string> sign_statements(const std::vector<nlohmann::json>& statements, const SigningKey& key, bool bundle,
                                    AttestOutcome& out) {
  std::string content;
  for (size_t i = 0; i < statements.size(); ++i) {
    auto env = sign_dsse(kInTotoPayloadType, statement_payload(statements[i]), key);
    if (!env) return env.error();
    if (!bundle) {
      content += dsse_to_line(*env) + "\n";
      continue;
    }
    auto b = sigstore_bundle(*env, key.keyid());
    if (!b) return b.error();
    if (i == 0) {
      content = b->dump(2) + "\n";
    } else {
      fs::path extra = out.sbom_files[i - 1];
      extra += ".sigstore.json";
      HALLMARK_TRY(write_file_atomic(extra, b->dump(2) + "\n"));
      out.extra_outputs.push_back(extra);
    }
  }
  return content;
}

}  // namespace

Result<AttestOutcome> attest_run(const AttestOptions& o, const std::string& hallmark_version, Diagnostics& diag) {
  // Load the key first: a wrong passphrase or a world-readable key must fail before any output.
  // (--statement-only signs nothing and reads no key.)
  auto key = o.statement_only ? Result<SigningKey>(make_error("unused")) : load_signing_key(o.key, o.passphrase);
  if (!key && !o.statement_only) return key.error();

  RecordDir dir(o.record_dir);
  auto run = dir.current_run();
  if (!run) return make_error("no pipeline run in " + o.record_dir.string() + ": " + run.message());
  // One read gives both the records and the files they came from (the byproducts).
  auto stored = dir.read_run_steps();
  if (!stored) return stored.error();
  std::vector<fs::path> step_files;
  for (const auto& s : *stored) step_files.push_back(s.file);
  Result<std::vector<StepRecord>> steps = steps_by_start(std::move(*stored));

  ProvenanceOptions po = provenance_options(o, *run, step_files, hallmark_version);
  AttestOutcome out;
  // What changed in the record dir since its last step (docs/record-format.md): signed into
  // the provenance, where verify's forbidRecordTampering finds it.
  po.record_tampering = dir.check_seal(po.telemetry_log);
  out.record_tampering = po.record_tampering;
  if (!o.allow_failed_steps) out.refused = failed_step(*steps);
  if (!out.refused.empty()) return out;
  if (o.statement_only) return write_statement_only(o, *steps, po);

  // The output name depends on the subjects, and the materials list name on the output: build
  // once to learn the subjects, then with the final name (building is cheap; no hashing of
  // artifacts happens here).
  auto first = build_provenance(*steps, po);
  if (!first) return first.error();
  auto use_image_subject = [&](Provenance& p) {
    if (o.image_sha256.empty()) return;
    p.statement["subject"] =
        nlohmann::json::array({{{"name", o.image_name}, {"digest", {{"sha256", o.image_sha256}}}}});
    p.subject_names = {o.image_name};
  };
  use_image_subject(*first);
  // An image's subject is its manifest digest, checked when the image was read (attest/image.cpp).
  if (o.image_sha256.empty()) out.refused = changed_subject(*steps, first->statement["subject"]);
  if (!out.refused.empty()) return out;
  fs::path output = o.output.empty() ? default_output(*steps, first->subject_names, o.bundle) : o.output;
  fs::path materials = o.materials_inline ? fs::path() : materials_path_for(output);
  if (!o.materials_inline) po.materials_list_name = materials.filename().string();
  std::vector<nlohmann::json> sbom_statements;
  if (o.sbom) {
    auto sb = add_sboms(o, steps->front(), first->statement["subject"], output, po, out, diag);
    if (!sb) return sb.error();
    sbom_statements = std::move(*sb);
  }
  // Every check passed: now the run's root span joins the event log (once per run, however
  // often attest or `telemetry close` ran), so that the chain head signed below covers it.
  if (o.telemetry.enabled) {
    Diagnostics telemetry;
    close_run_telemetry(o.telemetry, *run, o.record_dir, *steps, o.env, telemetry);
    for (const auto& d : telemetry.take()) diag.warn("telemetry", to_line(d));
  }
  auto prov = build_provenance(*steps, po);
  if (!prov) return prov.error();
  use_image_subject(*prov);

  std::vector<nlohmann::json> statements{prov->statement};
  statements.insert(statements.end(), sbom_statements.begin(), sbom_statements.end());
  auto content = sign_statements(statements, *key, o.bundle, out);
  if (!content) return content.error();
  if (!materials.empty()) HALLMARK_TRY(write_file_atomic(materials, prov->materials_list));
  HALLMARK_TRY(write_file_atomic(output, *content));
  if (o.close_run) HALLMARK_TRY(dir.close_run());

  out.output = output;
  out.materials_list = materials;
  out.subjects = prov->subject_names;
  out.keyid = key->keyid();
  out.builder_id = prov->statement["predicate"]["runDetails"]["builder"]["id"].get<std::string>();
  out.steps = steps->size();
  return out;
}

}  // namespace hallmark
