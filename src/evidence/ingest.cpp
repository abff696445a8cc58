// `hallmark store ingest PATH...`: recognise each path (record dir, provenance, CycloneDX,
// SPDX, event log), read and check them all, then write them all in one transaction. A bad
// file therefore ingests nothing, and the error names it.
#include "hallmark/evidence/evidence.hpp"

#include "document.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/time.hpp"

#include <nlohmann/json.hpp>

namespace hallmark {

using nlohmann::json;
namespace fs = std::filesystem;
using evidence::Document;

namespace {

bool is_event_log(const std::string& text) {
  std::string first = text.substr(0, text.find('\n'));
  json j = json::parse(first, nullptr, false);
  return j.is_object() && (j.contains("resourceSpans") || j.contains("resourceLogs"));
}

Result<std::vector<Document>> read_path(const fs::path& path, const IngestOptions& o) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return evidence::read_record_dir(path);
  if (!fs::exists(path, ec)) return make_error(path.string() + ": no such file or directory");
  auto text = read_file(path);
  if (!text) return text.error();
  Result<Document> doc = make_error("");
  if (is_event_log(*text)) {
    doc = evidence::read_event_log(path, *text);
  } else {
    json j = json::parse(*text, nullptr, false);
    if (j.is_object() && j.value("bomFormat", "") == "CycloneDX") doc = evidence::read_cyclonedx(path, j, o.data_dir);
    else if (j.is_object() && j.contains("spdxVersion")) doc = evidence::read_spdx(path, j);
    else if (j.is_discarded() || (j.is_object() && (j.contains("payloadType") || j.contains("dsseEnvelope"))))
      doc = evidence::read_provenance(path, *text, o.keys);  // .intoto.jsonl is not one JSON document
    else return make_error(path.string() + ": not a record dir, provenance, CycloneDX/SPDX SBOM or event log");
  }
  if (!doc) return doc.error();
  doc->sha256 = sha256_hex(*text);
  return std::vector<Document>{std::move(*doc)};
}

}  // namespace

Result<IngestReport> ingest(EvidenceStore& store, const IngestOptions& o) {
  if (o.paths.empty()) return make_error("nothing to ingest: name record dirs, provenance, SBOMs or event logs");
  std::vector<Document> docs;
  for (const auto& p : o.paths) {
    auto read = read_path(p, o);
    if (!read) return read.error();
    for (auto& d : *read) docs.push_back(std::move(d));
  }
  IngestReport report;
  evidence::Backend& b = store.backend();
  evidence::Transaction tx(b);
  HALLMARK_TRY(tx.begin());
  std::string now = format_rfc3339_ms(std::chrono::system_clock::now());
  for (const auto& d : docs) {
    auto added = evidence::write_document(b, d, now);
    if (!added) return make_error(d.path.string() + ": " + added.message());
    report.files.push_back({d.path, d.kind, d.sha256, *added, *added ? d.rows() : 0});
  }
  HALLMARK_TRY(tx.commit());
  return report;
}

Result<std::optional<IngestReport>> ingest_into_configured_store(const std::string& store_flag, const EnvMap& env,
                                                                 const IngestOptions& options) {
  auto where = resolve_store(store_flag, env);
  if (!where) return where.error();
  if (where->kind == StoreLocation::Kind::off) return std::optional<IngestReport>();
  auto store = EvidenceStore::open(*where);
  if (!store) return store.error();
  auto report = ingest(**store, options);
  if (!report) return report.error();
  return std::optional<IngestReport>(std::move(*report));
}

}  // namespace hallmark
