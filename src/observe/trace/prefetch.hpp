// Prefetcher: hashes what the traced build reads from outside the workspace (its toolchain:
// executables, shared libraries, system headers) on a background thread while the build runs,
// into the step's DigestCache, so TraceLog::finish() finds those digests there instead of
// reading tens of megabytes of compiler after the build has ended. The thread runs at a lower
// priority (nice +10): it takes idle CPU, not the build's. submit() only queues, so the
// tracer's stop loop never waits for it; what is still queued when the build ends is left to
// finish(), which hashes it anyway.
#pragma once

#include "hallmark/hash/digest_cache.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

namespace hallmark {

class Prefetcher {
public:
  explicit Prefetcher(DigestCache& cache);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // Hash `path` (and the file it names through symlinks) soon; repeated paths are ignored.
  void submit(const std::string& path);
  // Stops after the file being hashed; the rest of the queue is dropped.
  void stop();

private:
  void work();

  DigestCache& cache_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> seen_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hallmark
