// `hallmark attest` as a library call: reads the current pipeline run from the record dir,
// builds the SLSA v1 statement, signs it (DSSE), writes the .intoto.jsonl line or the Sigstore
// bundle (plus the materials list byproduct), then closes the run so the next `hallmark run`
// starts a new one.
//
// Default output (docs/signing.md): with one subject, `<subject>.intoto.jsonl` beside it, so
// `hallmark verify --artifact <subject>` finds it with no flag; with several, the pipeline's
// name (CI workflow/pipeline name, else "provenance") + ".intoto.jsonl" in the current
// directory. `--bundle` uses ".sigstore.json" instead.
#pragma once

#include "hallmark/attest/provenance.hpp"
#include "hallmark/context/environment.hpp"
#include "hallmark/sbom/component.hpp"
#include "hallmark/telemetry/otel_config.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hallmark {

struct AttestOptions {
  std::filesystem::path record_dir;
  std::filesystem::path key;
  std::string passphrase;
  std::vector<std::string> subject_globs;
  std::filesystem::path output;  // empty: the default above
  bool bundle = false;
  bool materials_inline = false;
  std::string builder_id;
  std::vector<ByproductFile> sboms;  // SBOM files to list among the byproducts
  bool sbom = false;                 // --sbom: generate and sign SBOMs (sbom_attestation.hpp)
  bool close_run = true;
  // --statement-only: write the unsigned in-toto statement to `output` (required) for another
  // signer (GitHub's actions/attest, keyless); no key is read and the run stays open.
  bool statement_only = false;
  // `attest --image`: the image (name, sha256 of its manifest or index) is the only subject, in
  // place of the run's products (attest/image.hpp).
  std::string image_name, image_sha256;
  // With --sbom and an image subject: the image's own SBOM (attest/image.cpp builds it).
  std::function<Result<sbom::Bom>(Diagnostics&)> image_bom;
  bool allow_failed_steps = false;  // off: a run with a failed step is refused
  // The run's root span is appended to the event log (once per run) after every check passed
  // and before the log's chain head is signed; `env` configures its export. --no-telemetry
  // clears telemetry.enabled.
  TelemetryOptions telemetry;
  EnvMap env;
};

struct AttestOutcome {
  std::filesystem::path output;
  std::filesystem::path materials_list;  // empty with materials_inline
  std::vector<std::string> subjects;
  std::string keyid;
  std::string builder_id;
  size_t steps = 0;
  std::vector<std::filesystem::path> sbom_files;     // with --sbom
  std::vector<std::filesystem::path> extra_outputs;  // --sbom --bundle: one bundle per SBOM
  std::vector<RecordTampering> record_tampering;     // attest's check of the record dir's seal
  // Non-empty: nothing was signed or written, the run stays open (exit 1). A step failed, or a
  // subject changed on disk since the step that produced it (both digests named).
  std::string refused;
};

// `diag`: the catalogers' findings with --sbom (notes, subject "sbom") and telemetry's problems
// (warnings, subject "telemetry").
Result<AttestOutcome> attest_run(const AttestOptions& options, const std::string& hallmark_version, Diagnostics& diag);

}  // namespace hallmark
