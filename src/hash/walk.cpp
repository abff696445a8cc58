// walk_tree: one Walker (walker.hpp), or for a second walk of one directory several that
// share it (a partitioned walk: each lists the root and claims subdirectories; walker 0 takes
// the files directly in it), their parts then merged. The walking thread hands each file that
// must be read to a HashQueue as soon as it is found, so hashing overlaps the walk.
#include "hallmark/hash/walk.hpp"

#include "walker.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <thread>

namespace hallmark {

using namespace hash::internal;
namespace fs = std::filesystem;

ptrdiff_t TreeSnapshot::find(const std::string& path) const {
  const FileEntry* e = find_entry(entries, path);
  return e == nullptr ? -1 : e - entries.data();
}

const StatKey* TreeSnapshot::reusable_key(const std::string& path) const {
  ptrdiff_t i = find(path);
  return i < 0 || size_t(i) >= keys.size() || !keys[size_t(i)] ? nullptr : &*keys[size_t(i)];
}

Result<TreeSnapshot> walk_tree(const WalkOptions& options, const TreeSnapshot* previous) {
  unsigned cores = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  struct stat st {};
  const fs::path& root = options.roots.empty() ? options.base : options.roots.front();
  // Only a second walk, which mostly stats, is split: a first walk is bound by hashing, which
  // already runs on every core while one thread lists the tree.
  if (previous == nullptr || cores < 2 || options.roots.size() > 1 || root.empty() || ::lstat(root.c_str(), &st) != 0 ||
      !S_ISDIR(st.st_mode)) {
    Walker w(options, previous);
    return w.run();
  }
  unsigned n = std::min(cores, 4u);
  WalkOptions sub = options;
  sub.threads = std::max(1u, cores / n);  // files that changed are hashed by each part's pool
  Partition part;
  std::vector<std::optional<Result<TreeSnapshot>>> results(n);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i)
    threads.emplace_back([&, i] { results[i].emplace(Walker(sub, previous, &part, i).run()); });
  results[0].emplace(Walker(sub, previous, &part, 0).run());
  for (auto& t : threads) t.join();
  std::vector<TreeSnapshot> parts;
  for (auto& r : results) {
    if (!r->ok()) return r->error();
    parts.push_back(std::move(**r));
  }
  return merge_parts(parts);
}

}  // namespace hallmark
