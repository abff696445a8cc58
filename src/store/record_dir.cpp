#include "hallmark/util/json_text.hpp"
#include "hallmark/store/record_dir.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/time.hpp"

#include "dir_lock.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/file.h>
#include <unistd.h>

namespace hallmark {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string random_hex(size_t bytes) {
  std::random_device rd;
  std::string raw;
  for (size_t i = 0; i < bytes; ++i) raw.push_back(char(rd() & 0xff));
  return to_hex(raw);
}

bool valid_run_id(const std::string& id) {
  return !id.empty() && id.find('/') == std::string::npos && id != "." && id != "..";
}

json run_to_json(const RunInfo& r) {
  return {{"_type", "https://hallmark.dev/record/run/v1"},
          {"id", r.id},
          {"started", r.started},
          {"trace_id", r.trace_id},
          {"ci_platform", r.ci_platform},
          {"closed", r.closed}};
}

Result<RunInfo> run_from_file(const fs::path& file) {
  auto text = read_file(file, 1 << 20);
  if (!text) return text.error();
  try {
    json j = json::parse(*text);
    RunInfo r;
    r.id = j.at("id").get<std::string>();
    r.started = j.value("started", std::string());
    r.trace_id = j.value("trace_id", std::string());
    r.ci_platform = j.value("ci_platform", std::string());
    r.closed = j.value("closed", false);
    if (!valid_run_id(r.id)) return make_error(file.string() + ": invalid run id; delete the file to start a new run");
    return r;
  } catch (const json::exception& e) {
    return make_error(file.string() + " is corrupt (" + e.what() + "); delete it to start a new run");
  }
}

std::string sanitize_for_filename(const std::string& s) {
  std::string out;
  for (char c : s)
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_');
  if (out.size() > 60) out.resize(60);
  return out.empty() ? "step" : out;
}

}  // namespace

std::string generate_run_id(std::chrono::system_clock::time_point now) {
  std::string ts = format_rfc3339_ms(now);  // 2026-11-26T10:21:45.123Z
  std::string compact;
  for (char c : ts)
    if (std::isdigit(static_cast<unsigned char>(c))) compact.push_back(c);
  // yyyymmddhhmmssmmm: sorts by time; the random part keeps parallel starts apart.
  return compact.substr(0, 8) + "T" + compact.substr(8, 9) + "Z-" + random_hex(6);
}

fs::path RecordDir::locate(const fs::path& workspace, const std::string& flag, const EnvMap& env) {
  if (!flag.empty()) return fs::absolute(flag).lexically_normal();
  std::string e = env_get(env, "HALLMARK_DIR");
  if (!e.empty()) return fs::absolute(e).lexically_normal();
  return (workspace / ".hallmark").lexically_normal();
}

Status RecordDir::ensure_dirs() const {
  std::error_code ec;
  fs::create_directories(dir_ / "steps", ec);
  if (ec) return make_error("cannot create record dir " + (dir_ / "steps").string() + ": " + ec.message());
  return ok_status();
}

Result<RunInfo> RecordDir::open_run(const std::string& ci_run_id, const std::string& ci_platform,
                                    const std::string& trace_id) {
  HALLMARK_TRY(ensure_dirs());
  DirLock lock(dir_ / ".lock");
  HALLMARK_TRY(lock.status());
  fs::path run_file = dir_ / "run.json";
  std::error_code ec;
  if (fs::exists(run_file, ec)) {
    auto current = run_from_file(run_file);
    if (!current) return current.error();
    bool same = !current->closed && (ci_run_id.empty() || ci_run_id == current->id);
    if (same) return current;
    // Archive the finished run so its records stay available (nothing is lost).
    fs::path archive = dir_ / "runs" / current->id;
    fs::create_directories(archive, ec);
    if (ec) return make_error("cannot create " + archive.string() + ": " + ec.message());
    for (const char* name : {"run.json", "steps", "events.otlp.jsonl", kSealName}) {
      fs::path from = dir_ / name;
      if (!fs::exists(from, ec)) continue;
      fs::path to = archive / name;
      if (fs::exists(to, ec)) to += "." + random_hex(4);
      fs::rename(from, to, ec);
      if (ec) return make_error("cannot archive " + from.string() + " to " + to.string() + ": " + ec.message());
    }
    HALLMARK_TRY(ensure_dirs());
  }
  RunInfo run;
  run.id = ci_run_id.empty() ? generate_run_id() : ci_run_id;
  run.started = format_rfc3339_ms(std::chrono::system_clock::now());
  run.trace_id = trace_id.size() == 32 ? trace_id : random_hex(16);
  run.ci_platform = ci_platform;
  HALLMARK_TRY(write_file_atomic(run_file, dump_json(run_to_json(run), 2) + "\n"));
  return run;
}

Result<RunInfo> RecordDir::current_run() const {
  fs::path run_file = dir_ / "run.json";
  std::error_code ec;
  if (!fs::exists(run_file, ec))
    return make_error("no pipeline run in " + dir_.string() + "; record a step first with 'hallmark run -- CMD'");
  return run_from_file(run_file);
}

Status RecordDir::close_run() {
  DirLock lock(dir_ / ".lock");
  HALLMARK_TRY(lock.status());
  auto run = current_run();
  if (!run) return run.error();
  run->closed = true;
  return write_file_atomic(dir_ / "run.json", dump_json(run_to_json(*run), 2) + "\n");
}

Result<fs::path> RecordDir::write_step(const StepRecord& record) {
  if (!valid_run_id(record.run_id))
    return make_error("step record '" + record.name + "' names no valid run id ('" + record.run_id + "')");
  HALLMARK_TRY(ensure_dirs());
  // Under the lock, so that `attest` cannot close the run, nor the next step archive it,
  // between the check and the rename.
  DirLock lock(dir_ / ".lock");
  HALLMARK_TRY(lock.status());
  auto run = current_run();
  bool current = run.ok() && run->id == record.run_id && !run->closed;
  std::string compact;
  for (char c : record.started)
    if (std::isdigit(static_cast<unsigned char>(c))) compact.push_back(c);
  // Start time first so a directory listing is chronological; pid + random keep parallel
  // steps with the same name and start apart.
  std::string name = compact + "-" + std::to_string(::getpid()) + "-" + random_hex(3) + "-" +
                     sanitize_for_filename(record.name) + ".json";
  // A step that outlived its run (closed by `attest`, or replaced by a new CI run) must not
  // join the next run: it is kept beside the archived run, outside anything attested.
  fs::path folder = current ? dir_ / "steps" : dir_ / "runs" / record.run_id / "late-steps";
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return make_error("cannot create " + folder.string() + ": " + ec.message());
  fs::path file = folder / name;
  HALLMARK_TRY(write_file_atomic(file, [&record](const ChunkSink& write) { write_record_text(record, write); }));
  if (!current)
    return make_error("run " + record.run_id + (run.ok() && run->id == record.run_id ? " was closed" : " ended") +
                      " before step '" + record.name + "' finished; its record is kept at " + file.string() +
                      " and is not part of any attestation");
  return file;
}

std::vector<fs::path> RecordDir::step_files() const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir_ / "steps", ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    // Skip temp files of writes in progress (".json.tmp.<pid>.<rand>").
    if (p.extension() == ".json" && it->is_regular_file(ec)) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<StoredStep>> RecordDir::read_run_steps() const {
  auto run = current_run();
  if (!run) return run.error();
  std::vector<StoredStep> steps;
  for (const fs::path& f : step_files()) {
    auto text = read_file(f, size_t(1) << 31);
    if (!text) return text.error();
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded()) return make_error(f.string() + " is not valid JSON; remove it or re-run the step");
    auto rec = step_record_from_json(j);
    if (!rec) return make_error(f.string() + ": " + rec.message());
    // Only the current run's steps: a record of another run is not this run's evidence.
    if (rec->run_id != run->id) continue;
    steps.push_back({f, std::move(*rec)});
  }
  return steps;
}

Result<std::vector<StepRecord>> RecordDir::read_steps() const {
  auto stored = read_run_steps();
  if (!stored) return stored.error();
  return steps_by_start(std::move(*stored));
}

std::vector<StepRecord> steps_by_start(std::vector<StoredStep> stored) {
  std::vector<StepRecord> steps;
  steps.reserve(stored.size());
  for (auto& s : stored) steps.push_back(std::move(s.record));
  std::stable_sort(steps.begin(), steps.end(),
                   [](const StepRecord& a, const StepRecord& b) { return a.started < b.started; });
  return steps;
}

}  // namespace hallmark
