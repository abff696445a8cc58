// The step runner: what `hallmark run` does, as a library call. It gathers context (CI, git,
// environment), walks the materials, runs the command (traced or not), walks the products,
// and writes the step record. The wrapped command's exit status is the outcome's exit code;
// hallmark's own failures after the command ran become warnings unless `strict` is set.
#pragma once

#include "hallmark/attest/signing.hpp"
#include "hallmark/context/env_context.hpp"
#include "hallmark/context/environment.hpp"
#include "hallmark/hash/digest_cache.hpp"
#include "hallmark/hash/walk.hpp"
#include "hallmark/model/step_record.hpp"
#include "hallmark/telemetry/otel_config.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <optional>
#include <vector>

namespace hallmark {

// hallmark's own failure under --strict (125, like env(1) and timeout(1) use for their own
// errors, so it cannot be confused with a command's status 126/127 or a signal's 128+N).
inline constexpr int kStrictFailureExit = 125;

struct RunOptions {
  std::vector<std::string> argv;
  std::string step_name;               // empty: derived from argv[0]
  std::filesystem::path workspace;     // material/product paths are relative to it
  std::string record_dir_flag;         // --record-dir
  std::vector<std::string> materials;  // empty: the workspace
  std::vector<std::string> products;   // empty: the workspace
  std::vector<std::string> excludes;
  std::vector<std::string> dirhash;
  bool respect_gitignore = false;
  std::string digests = "sha256";
  EnvFilter env_filter;
  bool strict = false;
  bool trace = false;
  bool require_trace = false;
  bool trace_watch_reads = true;  // --trace-reads auto (fanotify when permitted) / ptrace
  TelemetryOptions telemetry;     // --otlp-endpoint, --telemetry-detail, --egress-allow, ...
  // Called with the finished record just before it is written (and sent as telemetry): the CLI's
  // anomaly detection (src/detect/) fills `anomalies` here without this module seeing the store.
  std::function<void(StepRecord&)> before_record;
  // `--sign --key K`: the in-toto link of the step is signed with it and written to
  // <record dir>/links/ once the record is; failing to is hallmark's failure (125 under --strict).
  std::optional<SigningKey> link_key;
};

struct RunOutcome {
  int exit_code = 0;  // what hallmark exits with
  StepRecord record;
  std::filesystem::path record_file;  // empty if the record could not be written
  std::filesystem::path link_file;    // the signed in-toto link, when RunOptions::link_key is set
  bool command_ran = false;           // false: hallmark could not start it (an error says why)
  std::string trace_note;             // how read-only opens were observed, and why (for -v)
  // Wall-clock milliseconds of hallmark's own phases ("context", "materials", ...), in order:
  // what `-v` prints, so a slow step can be attributed to hallmark or to the build.
  std::vector<std::pair<std::string, int64_t>> phases;
};

// What run_step computes on the way and does not report: the walks' snapshots and the
// tracer's digest cache. Freeing them is ~200,000 frees on a 20,000-file tree (50 ms of a
// 0.9 s step): a caller that exits right after passes its own and ends the process without
// destroying it (cli/run.cpp).
struct RunScratch {
  std::optional<TreeSnapshot> before, after;
  std::optional<DigestCache> trace_cache;
};

// Validates options that must be right before anything runs (digest names, globs).
Status check_run_options(const RunOptions& options);

// `diag` receives hallmark's own findings: warnings (telemetry down, tracing unavailable, the
// record dir tampered with), errors when the record is missing or incomplete (they make the exit
// code 125 under `strict`), and a note when the command is not found or not executable
// ("CMD: command not found"). Findings about the step's files go into the record's warnings.
// `scratch`: where the intermediate data lives (null: freed before returning).
RunOutcome run_step(const RunOptions& options, const EnvMap& env, Diagnostics& diag, RunScratch* scratch = nullptr);

// "make" for "/usr/bin/make", "build.sh" for "./build.sh".
std::string default_step_name(const std::vector<std::string>& argv);
HostInfo collect_host_info();

}  // namespace hallmark
