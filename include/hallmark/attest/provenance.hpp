// Builds the in-toto Statement v1 with a SLSA Provenance v1 predicate that `hallmark attest`
// signs, from the step records of one pipeline run. Pure function of its inputs (plus the
// byproduct files it digests), so it is unit-tested on StepRecords built in memory. The meaning
// of every field we fill is documented for verifiers in docs/build-type.md.
#pragma once

#include "hallmark/model/step_record.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace hallmark {

inline constexpr const char* kStatementV1 = "https://in-toto.io/Statement/v1";
inline constexpr const char* kSlsaProvenanceV1 = "https://slsa.dev/provenance/v1";
inline constexpr const char* kHallmarkBuildTypeV1 = "https://hallmark.dev/buildtypes/pipeline/v1";
// builder.id outside CI when no --builder-id is given: names "a workstation, no trusted build
// platform", so a deploy policy can refuse it (docs/build-type.md).
inline constexpr const char* kLocalBuilderId = "https://hallmark.dev/builders/local/v1";

inline constexpr const char* kMediaStepRecord = "application/vnd.hallmark.step-record+json";
inline constexpr const char* kMediaMaterials = "application/vnd.hallmark.materials+json";
inline constexpr const char* kMediaOtlpJsonl = "application/vnd.hallmark.otlp+jsonl";
inline constexpr const char* kMediaCycloneDx = "application/vnd.cyclonedx+json";
inline constexpr const char* kMediaSpdx = "application/spdx+json";

// A file whose digest goes into runDetails.byproducts.
struct ByproductFile {
  std::string name;            // as it appears in the statement
  std::filesystem::path path;  // where to read it
  std::string media_type;      // empty: guessed (SBOMs: from the content)
};

struct ProvenanceOptions {
  std::vector<std::string> subject_globs;  // --subject; empty: every product of the run
  bool materials_inline = false;           // materials in resolvedDependencies, not a list file
  std::string builder_id;                  // --builder-id; overrides the CI detector's
  std::string hallmark_version;
  std::string run_id;
  std::string run_started;                // RFC 3339, from run.json
  std::vector<ByproductFile> step_files;  // the step records, digested as byproducts
  std::vector<ByproductFile> sboms;       // issue 5 (`attest --sbom`) adds these
  std::filesystem::path telemetry_log;    // events.otlp.jsonl; absent or empty: none
  std::string materials_list_name = "materials.json";
  // Found by attest's own check of the record dir's seal; a "record-dir" byproduct names them.
  std::vector<RecordTampering> record_tampering;
};

struct Provenance {
  nlohmann::json statement;
  // When !materials_inline: the materials list (JSON) to write beside the provenance as a
  // byproduct; resolvedDependencies holds its digest.
  std::string materials_list;
  std::vector<std::string> subject_names;
};

Result<Provenance> build_provenance(const std::vector<StepRecord>& steps, const ProvenanceOptions& options);

// The bytes that get signed: compact JSON, UTF-8, keys sorted (nlohmann's default).
std::string statement_payload(const nlohmann::json& statement);

// "git+https://host/repo@refs/heads/main" from a remote URL and a ref; `repo_root` resolves a
// remote given as a relative path.
std::string git_source_uri(const std::string& remote_url, const std::string& ref, const std::string& repo_root = {});
// A file's DigestSet as statements write it (docs/build-type.md): sha256/sha512 as recorded,
// the SHA-1 git blob id under in-toto's gitBlob, gitoid:sha256 under its own name, and a
// --dirhash digest under hallmarkDirHash:<alg> (it is no digest of a file).
nlohmann::json statement_digest(const FileEntry& e);

}  // namespace hallmark
