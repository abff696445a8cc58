// Process-tree observation for `hallmark run --trace`: the portable face of the Linux tracer
// in src/observe/trace/linux/ (seccomp-bpf filter + PTRACE_SEIZE). On other systems
// trace_available() says why not and the step runs untraced.
#pragma once

#include "hallmark/hash/digest.hpp"
#include "hallmark/hash/digest_cache.hpp"
#include "hallmark/model/trace_section.hpp"
#include "hallmark/observe/spawn.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace hallmark {

// Called on the tracer's thread as each process record is complete (the process exited, or
// exec'd again and continues as a new record), so telemetry can stream it during the step.
// `index` is the record's position in TraceSection::processes; `parent` is the index of the
// parent process's record when it was created, or kNoParent. It must return quickly: the
// traced build waits while it runs.
inline constexpr size_t kNoParent = size_t(-1);
using ProcessEndListener = std::function<void(const ProcessRecord& record, size_t index, size_t parent)>;

struct TraceOptions {
  std::filesystem::path workspace;   // paths inside it are recorded relative to it
  std::filesystem::path record_dir;  // summarised, never listed
  DigestSet digests;
  // Shared with `run`'s tree walks so a file both traced and walked is hashed once; when null
  // the tracer uses its own cache for this step.
  DigestCache* cache = nullptr;
  ProcessEndListener on_process_end;
  // Successful read-only opens seen through fanotify, without a stop each, when permitted
  // (CAP_SYS_ADMIN); false stops for every open (and counts the failed ones).
  bool watch_reads = true;
};

struct TracedOutcome {
  ChildOutcome child;
  TraceSection trace;
  std::string read_watch_note;  // why reads were not watched through fanotify, if asked to
  // Traced processes that wrote, created, renamed or deleted something in the record dir.
  std::vector<RecordTampering> record_tampering;
};

// Whether ptrace + seccomp can be used here; the error says what is missing.
Status trace_available();
// Returns an error only when the command was never started (the caller then runs it untraced);
// once started, the command runs to completion and its outcome is returned with what was seen.
Result<TracedOutcome> spawn_traced(const SpawnOptions& spawn, const TraceOptions& options);

}  // namespace hallmark
