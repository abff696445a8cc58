// DigestCache: one file's digests computed once per (path, StatKey), shared by everything that
// hashes during a step: the tracer's materials, products and toolchain, and `run`'s tree walks.
// A header read by 100 compiles, or a file both traced and walked, is read once. Thread-safe;
// digest_all() spreads a batch over worker threads that pull from a shared index, so the work
// is never dropped and memory stays bounded by the batch.
#pragma once

#include "hallmark/hash/digest.hpp"
#include "hallmark/hash/walk.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

struct stat;

namespace hallmark {

StatKey stat_key_of(const struct stat& st);

// In the record dir, beside the steps: see DigestCache::load.
inline constexpr const char* kDigestCacheName = "digest-cache";

class DigestCache {
public:
  explicit DigestCache(DigestSet set) : set_(set) {}
  const DigestSet& digests() const { return set_; }

  // Follows symlinks (an executed /usr/bin/cc is hashed as the compiler it points to). Only
  // regular files are read; anything else is an error naming the path.
  Result<DigestMap> digest(const std::filesystem::path& path);
  // The same for many files on `threads` workers (0: one per core); results in input order.
  std::vector<Result<DigestMap>> digest_all(const std::vector<std::filesystem::path>& paths, unsigned threads = 0);

  // For tree walks that stat themselves: reuse or publish a digest under their own key.
  std::optional<DigestMap> lookup(const std::string& path, const StatKey& key) const;
  void insert(const std::string& path, const StatKey& key, DigestMap digests);
  size_t size() const;

  // Carrying digests over to the run's later steps (`<record dir>/digest-cache`): a traced step
  // hashes its toolchain (compilers and the shared libraries they load, 200 MB for a C build
  // whose linker loads an LLVM plugin), which is the same for every step of the run. Entries are
  // trusted only under their full StatKey, as within a step: a file rewritten, replaced or
  // touched since (any change moves its ctime) is hashed again. A missing, unreadable or
  // malformed file (or line) just means those entries are hashed again. Returns entries loaded.
  size_t load(const std::filesystem::path& file);
  // Appends, in one locked append, the entries for which `keep(path)` holds that the file does
  // not hold yet. Lines grow by one per new toolchain file; the file is rewritten without
  // duplicates when load() finds more than half of it stale.
  Status save(const std::filesystem::path& file, const std::function<bool(const std::string&)>& keep);

private:
  struct Entry {
    StatKey key;
    DigestMap digests;
  };
  DigestSet set_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, StatKey> persisted_;  // what the cache file already holds
};

}  // namespace hallmark
