// The evidence store: every run's evidence (runs, steps, artifacts, SBOM components, programs
// run, network destinations, signature status) in one database across runs and pipelines, so
// that "which of our artifacts contain pkg:npm/x@1.2, and what built them?" is one query.
//
// Two backends behind one interface (store/evidence/backend.hpp), as ccache keeps its local and
// remote storage: an embedded SQLite file (the default, $XDG_DATA_HOME/hallmark/evidence.db) and
// a shared PostgreSQL server (libpq). The schema, its version and every query are written once
// (store/evidence/schema.cpp, queries.cpp) and run on both. Opening a store migrates it; a store
// whose schema is newer than this binary is refused. Ingest is one transaction per file, keyed
// by the file's SHA-256, so ingesting the same file twice changes nothing.
#pragma once

#include "hallmark/attest/signing.hpp"
#include "hallmark/context/environment.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hallmark {

namespace evidence {
class Backend;
}

// Where the store is: `--store URL`, else $HALLMARK_STORE, else the SQLite default.
struct StoreLocation {
  enum class Kind { off, sqlite, postgres };
  Kind kind = Kind::sqlite;
  std::string url;  // as given (postgresql://...), for libpq
  std::filesystem::path sqlite_path;
  // The URL without its password, for messages.
  std::string display() const;
};

// "off", "sqlite:///ABS/PATH.db", "postgresql://..." / "postgres://..."; empty: the default under
// $XDG_DATA_HOME (else $HOME/.local/share). Anything else is an error naming the accepted forms.
Result<StoreLocation> resolve_store(const std::string& flag, const EnvMap& env);

// The schema version this binary writes and reads.
int evidence_schema_version();

class EvidenceStore {
public:
  // Opens (creating a SQLite file and its directory) and migrates to evidence_schema_version().
  // Errors: the server is down, the file is not a database, the schema is newer than this binary.
  static Result<std::unique_ptr<EvidenceStore>> open(const StoreLocation& where);
  ~EvidenceStore();
  EvidenceStore(const EvidenceStore&) = delete;
  EvidenceStore& operator=(const EvidenceStore&) = delete;

  int schema_version() const { return version_; }
  evidence::Backend& backend() { return *backend_; }
  const StoreLocation& location() const { return where_; }

private:
  EvidenceStore(std::unique_ptr<evidence::Backend> backend, StoreLocation where, int version);
  std::unique_ptr<evidence::Backend> backend_;
  StoreLocation where_;
  int version_ = 0;
};

// ---- ingest -----------------------------------------------------------------------------------

struct IngestOptions {
  std::vector<std::filesystem::path> paths;  // record dirs, provenance, SBOMs, event logs
  std::vector<VerifyingKey> keys;            // trusted keys for provenance signatures
  std::string data_dir;                      // $HALLMARK_DATA_DIR (schemas), read once by the caller
};

struct IngestedFile {
  std::filesystem::path path;
  std::string kind;    // record, provenance, cyclonedx, spdx, events
  std::string sha256;  // of the file's bytes: the idempotency key
  bool added = false;  // false: already in the store
  size_t rows = 0;     // component, exec and egress rows written
};

struct IngestReport {
  std::vector<IngestedFile> files;
  size_t added() const;
};

// Every file is checked (parsed, schema-validated, signature checked) before any is written, and
// all are written in one transaction: a bad file ingests nothing and the error names it.
Result<IngestReport> ingest(EvidenceStore& store, const IngestOptions& options);

// `hallmark attest`'s automatic ingest of the run it closed into the store `store_flag` / env
// name. With the store off it does nothing (no report). The caller turns an error into a
// warning: a store that is down never fails the CI step.
Result<std::optional<IngestReport>> ingest_into_configured_store(const std::string& store_flag, const EnvMap& env,
                                                                 const IngestOptions& options);

// ---- queries ----------------------------------------------------------------------------------

// A query's answer: named columns and rows of text, printed as a table or a JSON array.
struct QueryTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  nlohmann::json to_json() const;  // [{"column": "value", ...}, ...]
  std::string to_text() const;     // aligned columns with a header line
};

// Every artifact whose SBOM or provenance contains a component whose purl matches `glob`
// ('*', '?' span any characters), with the run that produced it.
Result<QueryTable> query_component(EvidenceStore& store, const std::string& purl_glob);
// What produced the artifact `sha256:HEX`.
Result<QueryTable> query_artifact(EvidenceStore& store, const std::string& digest);
// Steps that connected to a host name or address matching `glob`.
Result<QueryTable> query_egress(EvidenceStore& store, const std::string& glob);
// Steps that ran a program whose path matches `glob`, or whose content is `sha256:HEX`.
Result<QueryTable> query_exec(EvidenceStore& store, const std::string& path_glob_or_digest);
struct RunsFilter {
  std::string pipeline;  // exact; empty: all
  std::string since;     // "7d", "12h", "30m" or an RFC 3339 time; empty: all
};
Result<QueryTable> query_runs(EvidenceStore& store, const RunsFilter& filter, const std::string& now_rfc3339);

}  // namespace hallmark
