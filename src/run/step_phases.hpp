// Internal to src/run: run_step's phases over one step context, in order: context -> materials ->
// command (traced or not) -> products -> persist. Each phase reads what the earlier ones left in
// the context and adds its own part of the record, so a test can drive any prefix of them (the
// walks without a command, the persist phase without a run).
#pragma once

#include "hallmark/hash/walk.hpp"
#include "hallmark/observe/spawn.hpp"
#include "hallmark/run/step_runner.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hallmark::run::internal {

struct StepContext {
  StepContext(const RunOptions& options, const EnvMap& env, RunScratch& scratch, RunOutcome& outcome,
              Diagnostics& diag);

  const RunOptions& options;
  const EnvMap& env;
  RunScratch& scratch;
  RunOutcome& outcome;
  Diagnostics& diag;                // the caller's: hallmark's own findings for the user, errors under --strict
  const size_t errors_before;       // in `diag` when the step began: only this step's count for --strict
  StepRecord& rec;                  // outcome.record
  std::filesystem::path workspace;  // absolute, normal
  RecordDir records;
  DigestSet digests;
  std::optional<RunInfo> run;  // the pipeline run this step joins; empty: not recorded
  std::filesystem::path event_log;
  std::vector<RecordTampering> sealed_findings;  // found by the seal check, before the command
  WalkOptions walk;                              // the materials walk; the products walk starts from it
  std::vector<std::filesystem::path> material_roots, product_roots;
  // What telemetry reports from begin() to finish(), the exporter thread included; summarised
  // into `diag` once the step is over (one line per cause, not one per batch). Declared before
  // `telemetry`, whose thread reports into it until it is destroyed.
  Diagnostics telemetry_diag;
  StepTelemetry telemetry;

  void warn(std::string subject, std::string message) { diag.warn(std::move(subject), std::move(message)); }
  // hallmark's own failure: the record is missing or incomplete (125 under --strict).
  void failed(std::string subject, std::string message) { diag.error(std::move(subject), std::move(message)); }
  bool hallmark_failed() const { return diag.count(Severity::error) > errors_before; }
  // Appends the time since the previous phase ended to outcome.phases (what -v prints).
  void phase_done(const char* name);

private:
  std::chrono::steady_clock::time_point phase_start_ = std::chrono::steady_clock::now();
};

// Identity, CI, git and environment context; opens (or joins) the run and checks the seal.
void gather_context(StepContext& s);
// The walk over material and product roots, the products' baseline.
void walk_materials(StepContext& s);
// Runs the command, traced when asked and possible. False: the step ends here (the command
// could not run, or --require-trace cannot be met); an error in `diag` says why.
bool run_command(StepContext& s);
// The second walk, diffed against the first: products, deletions; then the materials.
void walk_products(StepContext& s);
// Detection hook, step record, signed link, telemetry, tampering warnings, seal, --strict.
void persist(StepContext& s);

}  // namespace hallmark::run::internal
