// The step record: what `hallmark run` knows about one wrapped build step. Plain data, written
// as JSON (docs/record-format.md) into the record dir and read back by `steps`, `attest`,
// telemetry and `verify`. Every string in it has already been through redaction.
#pragma once

#include "hallmark/model/context.hpp"
#include "hallmark/model/file_entry.hpp"
#include "hallmark/model/trace_section.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

// A behaviour of the step its baseline (the last N successful runs of the same pipeline and
// step) never had: written by `hallmark run` with a store configured (docs/detection.md).
struct Anomaly {
  std::string kind;           // egress, exec, toolchain, dependency, write_outside, env
  std::string value;          // the new value, normalised as the baseline keeps it
  std::string message;        // one line for people: "connected to 127.0.0.2:8443"
  int64_t baseline_runs = 0;  // how many runs the baseline held
};

struct StepRecord {
  static constexpr const char* kSchema = "https://hallmark.dev/record/step/v1";

  std::string name;
  std::string run_id;
  std::vector<std::string> argv;  // redacted
  std::string cwd;
  std::string workspace;          // root that material/product paths are relative to
  std::string started, finished;  // RFC 3339 UTC, ms
  int64_t duration_ms = 0;
  int exit_code = 0;        // as hallmark exits: 128+N when killed by signal N
  int signal = 0;           // 0 unless killed by a signal
  std::string spawn_error;  // "not found" / "not executable" when the command never ran
  Rusage rusage;
  HostInfo host;
  std::string hallmark_version;

  std::vector<std::string> digest_algorithms;
  std::vector<FileEntry> materials;
  std::vector<FileEntry> products;
  std::vector<std::string> deleted;
  std::vector<Diagnostic> warnings;

  std::optional<GitContext> git;
  std::optional<CiContext> ci;
  EnvContext env;
  std::optional<TraceSection> trace;
  std::vector<Anomaly> anomalies;                 // omitted when empty
  std::vector<RecordTampering> record_tampering;  // omitted when empty
};

nlohmann::json to_json(const StepRecord& r);
// The text of a steps/*.json file: the same document as to_json(r), written directly, with each
// file entry on a line of its own. A record of 20,000 materials took 90 ms through the DOM (five
// allocations per entry, then the pretty-printer); this writer takes a few. Invalid UTF-8 in
// any string becomes U+FFFD (a file name is any bytes but '/' and NUL).
std::string to_record_text(const StepRecord& r);
// The same text handed to `sink` in pieces of about 256 KiB, for a writer that never holds it
// whole (3 MB for 20,000 entries: 800 page faults).
void write_record_text(const StepRecord& r, const std::function<void(std::string_view)>& sink);
Result<StepRecord> step_record_from_json(const nlohmann::json& j);

}  // namespace hallmark
