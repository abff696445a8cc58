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
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

struct stat;

namespace hallmark {

StatKey stat_key_of(const struct stat& st);

class DigestCache {
public:
  explicit DigestCache(DigestSet set) : set_(set) {}
  const DigestSet& digests() const { return set_; }

  // Follows symlinks (an executed /usr/bin/cc is hashed as the compiler it points to). Only
  // regular files are read; anything else is an error naming the path.
  Result<DigestMap> digest(const std::filesystem::path& path);
  // The same for many files on `threads` workers (0: one per core); results in input order.
  std::vector<Result<DigestMap>> digest_all(const std::vector<std::filesystem::path>& paths,
                                            unsigned threads = 0);

  // For tree walks that stat themselves: reuse or publish a digest under their own key.
  std::optional<DigestMap> lookup(const std::string& path, const StatKey& key) const;
  void insert(const std::string& path, const StatKey& key, DigestMap digests);
  size_t size() const;

private:
  struct Entry {
    StatKey key;
    DigestMap digests;
  };
  DigestSet set_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

} // namespace hallmark
