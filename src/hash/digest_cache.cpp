#include "hallmark/hash/digest_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

namespace hallmark {

StatKey stat_key_of(const struct stat& st) {  // declared in walk.hpp
  StatKey k;
  k.dev = uint64_t(st.st_dev);
  k.ino = uint64_t(st.st_ino);
  k.size = uint64_t(st.st_size);
  k.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  k.ctime_ns = int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return k;
}

Result<DigestMap> DigestCache::digest(const std::filesystem::path& path) {
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0)
    return make_error(path.string() + ": " + std::strerror(errno));
  if (!S_ISREG(before.st_mode)) return make_error(path.string() + ": not a regular file");
  const StatKey key = stat_key_of(before);
  if (auto hit = lookup(path.string(), key)) return *hit;
  auto d = digest_file(path, set_);
  if (!d) return d;
  // Publish only if the file did not change while it was read: a digest must describe the
  // content its key names.
  struct stat after {};
  if (::stat(path.c_str(), &after) == 0 && stat_key_of(after) == key) insert(path.string(), key, *d);
  return d;
}

std::vector<Result<DigestMap>> DigestCache::digest_all(const std::vector<std::filesystem::path>& paths,
                                                       unsigned threads) {
  std::vector<std::optional<Result<DigestMap>>> slots(paths.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<size_t>(threads, std::max<size_t>(1, paths.size())));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < paths.size();) slots[i] = digest(paths[i]);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  std::vector<Result<DigestMap>> out;
  out.reserve(paths.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

std::optional<DigestMap> DigestCache::lookup(const std::string& path, const StatKey& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end() || !(it->second.key == key)) return std::nullopt;
  return it->second.digests;
}

void DigestCache::insert(const std::string& path, const StatKey& key, DigestMap digests) {
  std::lock_guard lock(mu_);
  entries_[path] = Entry{key, std::move(digests)};
}

size_t DigestCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

} // namespace hallmark
