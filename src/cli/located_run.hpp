// The current pipeline run as the read-only subcommands (`steps`, `telemetry close`) need it:
// found through --record-dir, $HALLMARK_DIR or ./.hallmark, with its steps read.
#pragma once

#include "command.hpp"

#include "hallmark/model/step_record.hpp"
#include "hallmark/store/record_dir.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hallmark::cli {

struct LocatedRun {
  RecordDir dir;
  RunInfo run;
  std::vector<StepRecord> steps;  // ordered by start time
};

// The run, or nullopt after printing why there is none (no run.json, an unreadable record):
// the caller then exits 2.
std::optional<LocatedRun> locate_run_or_say(const std::string& record_dir_flag, const Globals& g);

}  // namespace hallmark::cli
