// Per-step baselines in the evidence store: the normalised behaviour (network destinations,
// programs, toolchain digests, writes outside the workspace, dependencies, environment names)
// of each successful run of a (pipeline, step), so that the next run can be compared with the
// last N of them (src/detect/, docs/detection.md). Values are opaque text here: what they mean
// and how they are normalised is the detect module's business.
#pragma once

#include "hallmark/evidence/evidence.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace hallmark {

// One behaviour: kind ("egress", "exec", ...) and its normalised value.
using BehaviourValue = std::pair<std::string, std::string>;

struct BaselineKey {
  std::string pipeline;
  std::string step;
};

struct Baseline {
  int64_t runs = 0;  // how many runs it holds (0: no baseline yet)
  // kind -> every value seen in those runs
  std::unordered_map<std::string, std::unordered_set<std::string>> values;
  bool has(const std::string& kind, const std::string& value) const;
};

// The union of the last `max_runs` runs' behaviour (newest by finish time).
Result<Baseline> load_baseline(EvidenceStore& store, const BaselineKey& key, int max_runs);

// Adds one successful run (`run_key`: unique per step execution) and drops runs beyond the newest
// `keep` of the same (pipeline, step), in one transaction. Adding the same run twice changes
// nothing.
Status add_to_baseline(EvidenceStore& store, const BaselineKey& key, const std::string& run_key,
                       const std::string& finished, const std::vector<BehaviourValue>& values, int keep);

// Without a step: one row per (pipeline, step) with its run count and last run (pipeline
// filters when not empty). With a step: its values, with how many of the last `max_runs` runs had each.
Result<QueryTable> show_baselines(EvidenceStore& store, const std::string& pipeline, const std::string& step,
                                  int max_runs);
// Forgets the baselines of `pipeline` (all when empty) and `step` (all when empty); returns how
// many runs were forgotten.
Result<int64_t> reset_baselines(EvidenceStore& store, const std::string& pipeline, const std::string& step);

}  // namespace hallmark
