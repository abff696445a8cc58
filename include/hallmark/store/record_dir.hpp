// The record dir holds the current pipeline run: run.json (id, start, trace id, closed flag)
// and one file per step under steps/. `hallmark run` processes running in parallel in one
// workspace each write their own step file atomically, and agree on the run through an flock'd
// run.json, so no record is ever lost or torn. A closed run (after `attest`) or a run whose CI
// run id differs from the current one is moved to runs/<id>/ when the next step starts.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/model/step_record.hpp"
#include "hallmark/util/result.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hallmark {

// The record dir's seal (docs/record-format.md): what hallmark last left there.
inline constexpr const char* kSealName = "seal.json";

struct RunInfo {
  std::string id;           // CI run id (+ "-" attempt) or a generated time-ordered id
  std::string started;      // RFC 3339 ms
  std::string trace_id;     // 32 hex: the telemetry trace of this run
  std::string ci_platform;  // empty outside CI
  bool closed = false;
};

// A step record with the file it was read from.
struct StoredStep {
  std::filesystem::path file;
  StepRecord record;
};

class RecordDir {
public:
  // --record-dir, else $HALLMARK_DIR, else <workspace>/.hallmark.
  static std::filesystem::path locate(const std::filesystem::path& workspace, const std::string& flag,
                                      const EnvMap& env);

  explicit RecordDir(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& path() const { return dir_; }

  // Opens the current run, starting a new one if there is none, it is closed, or `ci_run_id`
  // (non-empty) differs from its id. `trace_id` seeds a new run's trace id (empty: random).
  Result<RunInfo> open_run(const std::string& ci_run_id, const std::string& ci_platform, const std::string& trace_id);
  // The current run without creating one.
  Result<RunInfo> current_run() const;
  Status close_run();

  // Writes a step record atomically under steps/ and returns its path, if run.json still names
  // `record.run_id` as the open run. Otherwise the record is kept under
  // runs/<run_id>/late-steps/ and the error says so.
  Result<std::filesystem::path> write_step(const StepRecord& record);
  // Steps of the current run (records naming another run are skipped), ordered by start time;
  // unreadable files are errors naming them.
  Result<std::vector<StepRecord>> read_steps() const;
  // The same records in file-name order, each with its file.
  Result<std::vector<StoredStep>> read_run_steps() const;
  std::vector<std::filesystem::path> step_files() const;

  // Tampering between hallmark's own commands, which no tracer sees (an untraced step, or a
  // process outside any step). After each step, update_seal records every step file of the run
  // (size, inode, ctime, sha256) and the event log's end (its size and the SHA-256 of its last
  // line, the chain head); check_seal reports what changed since: a step file modified or gone,
  // the event log truncated or its sealed line rewritten. Growth is not tampering: parallel
  // steps add files and lines. The seal only moves forward over intact state, so a change is
  // reported again until a step has reported it (`reported`, which update_seal accepts).
  std::vector<RecordTampering> check_seal(const std::filesystem::path& event_log) const;
  Status update_seal(const std::filesystem::path& event_log, const std::vector<RecordTampering>& reported);

private:
  Status ensure_dirs() const;
  std::filesystem::path dir_;
};

// The records of `stored`, ordered by start time (ties keep file order).
std::vector<StepRecord> steps_by_start(std::vector<StoredStep> stored);

// A time-ordered unique id: 20261126T102145123Z-<12 hex random> (`now` to the millisecond).
std::string generate_run_id(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace hallmark
