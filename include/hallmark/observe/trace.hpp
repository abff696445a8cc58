// Process-tree observation for `hallmark run --trace`: the portable face of the Linux tracer
// in src/observe/trace/linux/ (seccomp-bpf filter + PTRACE_SEIZE). On other systems
// trace_available() says why not and the step runs untraced.
#pragma once

#include "hallmark/hash/digest.hpp"
#include "hallmark/hash/digest_cache.hpp"
#include "hallmark/model/step_record.hpp"
#include "hallmark/observe/spawn.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <string>

namespace hallmark {

struct TraceOptions {
  std::filesystem::path workspace;   // paths inside it are recorded relative to it
  std::filesystem::path record_dir;  // summarised, never listed
  DigestSet digests;
  // Shared with `run`'s tree walks so a file both traced and walked is hashed once; when null
  // the tracer uses its own cache for this step.
  DigestCache* cache = nullptr;
};

struct TracedOutcome {
  ChildOutcome child;
  TraceSection trace;
};

// True when ptrace + seccomp can be used here; otherwise `why` says what is missing.
bool trace_available(std::string* why);
// Returns an error only when the command was never started (the caller then runs it untraced);
// once started, the command runs to completion and its outcome is returned with what was seen.
Result<TracedOutcome> spawn_traced(const SpawnOptions& spawn, const TraceOptions& options);

} // namespace hallmark
