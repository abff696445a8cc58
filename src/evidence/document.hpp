// What one ingested file (or one run of a record dir) contributes to the store: plain rows,
// produced by the readers (read_*.cpp) without touching the database, then written by
// write_document() in the caller's transaction. Keeping the two apart is what makes ingest
// all-or-nothing: every file is read and checked before the first row is written.
#pragma once

#include "backend.hpp"

#include "hallmark/util/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hallmark {
class VerifyingKey;
}

namespace hallmark::evidence {

struct RunRow {
  std::string run_id, pipeline, commit, repository, builder, started, finished, platform;
};
struct StepRow {
  std::string run_id, step, started, finished;
  int64_t exit_code = 0;
};
struct ArtifactRow {
  std::string sha256, run_id, name;
  int64_t materials = 0;
  std::string signer;        // keyid that verified the signature; empty if none did
  std::string verification;  // verified, failed (no trusted key verified it), unverified (no keys given)
};
struct ProductRow {
  std::string sha256, run_id, step, path;
};
// An artifact's contents: from an SBOM (its metadata.component) or a provenance's subjects.
struct SubjectRow {
  std::string sha256, name;
  std::vector<std::string> purls;
};
struct ExecRow {
  std::string run_id, step, path, sha256;
};
struct EgressRow {
  std::string run_id, step, address;
  int64_t port = 0;
  std::string host;
};

struct Document {
  std::filesystem::path path;
  std::string kind;    // record, provenance, cyclonedx, spdx, events
  std::string sha256;  // idempotency key: the file's bytes (a record run: its files' digests)
  std::vector<RunRow> runs;
  std::vector<StepRow> steps;
  std::vector<ArtifactRow> artifacts;
  std::vector<ProductRow> products;
  std::vector<SubjectRow> subjects;
  std::vector<ExecRow> execs;
  std::vector<EgressRow> egress;
  size_t rows() const;
};

// Readers: each checks its input completely and returns an error naming the file.
Result<std::vector<Document>> read_record_dir(const std::filesystem::path& dir);
Result<Document> read_provenance(const std::filesystem::path& file, const std::string& text,
                                 const std::vector<VerifyingKey>& keys);
Result<Document> read_cyclonedx(const std::filesystem::path& file, const nlohmann::json& bom,
                                const std::string& data_dir);
Result<Document> read_spdx(const std::filesystem::path& file, const nlohmann::json& doc);
Result<Document> read_event_log(const std::filesystem::path& file, const std::string& text);

// Writes a document unless its sha256 is already in `documents`; returns whether it was new.
// Runs inside the caller's transaction.
Result<bool> write_document(Backend& backend, const Document& doc, const std::string& now);

}  // namespace hallmark::evidence
