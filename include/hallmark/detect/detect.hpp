// Detection: what a step did that its baseline never had. A step's behaviour (network
// destinations, programs run, toolchain digests, writes outside the workspace, dependencies,
// environment names) is extracted from its record and normalised (temp names, random cache
// names, ephemeral loopback ports), compared with the union of the last N successful runs of
// the same (pipeline, step) in the evidence store, and each new value becomes an Anomaly in the
// record (hence in telemetry and provenance). The CLI hands detect_anomalies to the step runner
// as its before-record hook: the run module below never sees the store. docs/detection.md.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/evidence/baseline.hpp"
#include "hallmark/model/step_record.hpp"
#include "hallmark/util/result.hpp"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hallmark {

// The kinds, in the order anomalies are reported.
const std::vector<std::string>& anomaly_kinds();
// "egress,exec" or "all" -> the kinds; an unknown kind is an error naming the accepted ones.
Result<std::set<std::string>> parse_anomaly_kinds(const std::string& csv);

// What varies legitimately between identical runs, and where the step ran.
struct BehaviourContext {
  std::string workspace;               // absolute
  std::vector<std::string> temp_dirs;  // $TMPDIR, /tmp, /var/tmp, /dev/shm
  std::string home;
  static BehaviourContext from(const StepRecord& r, const EnvMap& env);
};

// A path as the baseline keeps it: $WORKSPACE/, $TMPDIR/ and $HOME/ prefixes; under a temp dir
// only the file name survives (directories become '*'); random-looking names (long hex, many
// digits) become '*'.
std::string normalise_path(const std::string& path, const BehaviourContext& ctx);

// The step's normalised behaviour, deduplicated. Dependencies are read from the lockfiles and
// manifests among the step's materials and products (node_modules/vendor trees left out).
std::vector<BehaviourValue> step_behaviour(const StepRecord& r, const BehaviourContext& ctx);

// Every value of `now` the baseline lacks, as anomalies (a program at a new path is one exec
// anomaly, not also a toolchain one; a known path with a new digest is a toolchain anomaly).
std::vector<Anomaly> compare_behaviour(const std::vector<BehaviourValue>& now, const Baseline& baseline);

// The (pipeline, step) a record belongs to: CI repository + workflow/pipeline name; locally the
// git remote (if any) + the workspace.
BaselineKey baseline_key(const StepRecord& r);

struct DetectOptions {
  std::string store_flag;         // --store (else $HALLMARK_STORE, else the SQLite default)
  int baseline_runs = 10;         // --baseline-runs
  std::set<std::string> fail_on;  // --fail-on-anomaly
};

struct DetectReport {
  std::vector<std::string> lines;  // for stderr: anomalies, "no baseline yet", store warnings
  bool fail = false;               // an anomaly of a --fail-on-anomaly kind
  bool store_off = false;
  int64_t elapsed_us = 0;
  // The store, still open: closing a SQLite store checkpoints its WAL (two fsyncs, ~10 ms on a
  // busy disk); a caller that ends the process with _Exit skips that, and the next opener
  // carries on from the WAL.
  std::unique_ptr<EvidenceStore> store;
};

// Compares `r` with its baseline, puts the anomalies in `r.anomalies`, and adds a successful
// step (exit 0) to the baseline. A store that cannot be opened is one warning line; it never
// fails the step.
DetectReport detect_anomalies(StepRecord& r, const DetectOptions& options, const EnvMap& env);

}  // namespace hallmark
