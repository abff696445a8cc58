// A record dir (.hallmark): its current run and every archived run under runs/<id>/, each one
// document (keyed by the digests of run.json and the step files), and each run's event log as
// a document of its own, so the same log ingested alone later is recognised.
#include "document.hpp"

#include "hallmark/attest/provenance.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <algorithm>

namespace hallmark::evidence {

namespace fs = std::filesystem;

namespace {

RunRow run_row(const RunInfo& info, const std::vector<StepRecord>& steps) {
  RunRow r;
  r.run_id = info.id;
  r.started = info.started;
  r.platform = info.ci_platform;
  for (const auto& s : steps) {
    if (s.git) {
      if (r.commit.empty()) r.commit = s.git->commit;
      if (r.repository.empty()) r.repository = s.git->remote_url;
    }
    if (s.ci) {
      if (r.pipeline.empty()) r.pipeline = s.ci->pipeline;
      if (r.commit.empty()) r.commit = s.ci->commit;
      if (r.repository.empty()) r.repository = s.ci->repository_url;
      if (r.builder.empty()) r.builder = s.ci->builder_id;
      if (r.platform.empty()) r.platform = s.ci->platform;
    }
    if (r.started.empty() || (!s.started.empty() && s.started < r.started)) r.started = s.started;
    r.finished = std::max(r.finished, s.finished);
  }
  // The same defaults attest writes into the provenance (provenance.cpp).
  if (r.pipeline.empty()) r.pipeline = "local";
  if (r.builder.empty()) r.builder = kLocalBuilderId;
  return r;
}

void add_step(Document& d, const std::string& run_id, const StepRecord& s) {
  d.steps.push_back({run_id, s.name, s.started, s.finished, s.exit_code});
  for (const auto& p : s.products)
    if (auto it = p.digests.find("sha256"); it != p.digests.end())
      d.products.push_back({it->second, run_id, s.name, p.path});
  if (!s.trace) return;
  for (const auto& p : s.trace->processes)
    if (!p.exe.empty()) d.execs.push_back({run_id, s.name, p.exe, p.exe_sha256});
  for (const auto& c : s.trace->network)
    if (c.family == "inet" || c.family == "inet6") d.egress.push_back({run_id, s.name, c.address, c.port, ""});
}

Result<std::vector<Document>> read_run(const fs::path& dir) {
  RecordDir rd(dir);
  auto info = rd.current_run();
  if (!info) return info.error();
  auto steps = rd.read_steps();
  if (!steps) return steps.error();
  auto run_json = read_file(dir / "run.json", 1 << 20);
  if (!run_json) return run_json.error();
  // The run's identity for idempotency: run.json and every step file, by content.
  std::string key = sha256_hex(*run_json);
  std::vector<fs::path> files = rd.step_files();
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = read_file(f, size_t(1) << 31);
    if (!text) return text.error();
    key += "\n" + f.filename().string() + " " + sha256_hex(*text);
  }
  Document d;
  d.path = dir;
  d.kind = "record";
  d.sha256 = sha256_hex(key);
  d.runs.push_back(run_row(*info, *steps));
  for (const auto& s : *steps) add_step(d, info->id, s);
  std::vector<Document> out{std::move(d)};

  fs::path log = dir / "events.otlp.jsonl";
  std::error_code ec;
  if (fs::is_regular_file(log, ec)) {
    auto text = read_file(log);
    if (!text) return text.error();
    auto events = read_event_log(log, *text);
    if (!events) return events.error();
    // Lines of the log that name no run (verification events) belong to this one.
    for (auto& e : events->egress)
      if (e.run_id.empty()) e.run_id = info->id;
    for (auto& e : events->execs)
      if (e.run_id.empty()) e.run_id = info->id;
    out.push_back(std::move(*events));
  }
  return out;
}

}  // namespace

Result<std::vector<Document>> read_record_dir(const fs::path& dir) {
  std::vector<Document> out;
  std::error_code ec;
  if (fs::is_regular_file(dir / "run.json", ec)) {
    auto docs = read_run(dir);
    if (!docs) return docs.error();
    for (auto& d : *docs) out.push_back(std::move(d));
  }
  std::vector<fs::path> archived;
  for (fs::directory_iterator it(dir / "runs", ec), end; !ec && it != end; it.increment(ec))
    if (fs::is_regular_file(it->path() / "run.json")) archived.push_back(it->path());
  std::sort(archived.begin(), archived.end());
  for (const auto& a : archived) {
    auto docs = read_run(a);
    if (!docs) return docs.error();
    for (auto& d : *docs) out.push_back(std::move(d));
  }
  if (out.empty()) return make_error(dir.string() + ": not a hallmark record dir (no run.json, no runs/*/run.json)");
  return out;
}

}  // namespace hallmark::evidence
