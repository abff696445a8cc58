// Internal to src/hash: the Walker behind walk_tree (walk.cpp). One Walker walks one snapshot, or
// one part of a partitioned one, in three phases: the stat pass on this thread (walker.cpp),
// hashing on the pool's workers (walker.cpp) and the assembly of the snapshot (walk_assembly.cpp).
#pragma once

#include "hallmark/hash/walk.hpp"
#include "hallmark/util/thread_pool.hpp"
#include "ignore_rules.hpp"
#include "walk_queue.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace hallmark::hash::internal {

constexpr uint64_t kSequentialHint = 1ull << 20;
constexpr int kMaxDirHandles = 256;
constexpr int64_t kRacyWindowNs = 50'000'000;  // several coarse clock ticks at any HZ

FileKind kind_of(mode_t m);
int64_t realtime_ns();  // CLOCK_REALTIME in ns

// Closes a descriptor on every way out of its scope, exceptions included.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

std::string join(const std::string& a, const char* b);

// A directory kept open for the workers so that they open its files with openat(fd, name): one
// path component for the kernel to resolve instead of the whole path, whose lookup showed as
// ~10% of a 20,000-file walk. The walker holds one reference while it may still hand out files
// of the directory, each queued file one more; the last release closes it.
struct DirHandle {
  int fd = -1;
  std::atomic<int> refs{1};
};

// One thing the walk met. Nodes live in a deque (stable addresses while it grows); a worker
// writes only the `out` part and `entry.digests` of a node it was handed, and the walking thread
// reads them only after the workers are done, so neither needs a lock.
struct Node {
  FileEntry entry;
  StatKey key;  // from the walk's fstatat
  uint32_t root = 0;
  int32_t group = -1;                     // dirhash group this node belongs to, -1 for a top-level entry
  const struct Node* alias_of = nullptr;  // hard link: take the digests of that node
  DirHandle* dir = nullptr;               // its directory, when one could be kept open
  bool needs_hash = false;                // regular file with no reusable digests
  bool queued = false;                    // handed to the workers
  struct {
    StatKey key;  // from fstat after open: what was actually read
    bool hashed = false;
    bool failed = false;  // could not be hashed: dropped, `error` becomes a warning
    std::string error;
  } out;
};

struct Group {  // a --dirhash directory
  Node* node;   // its dirhash entry
  std::vector<Node*> members;
  std::vector<DirHandle*> dirs;  // released when the group has been queued
  std::string fingerprint;
  bool reused = false;
};

struct Root {
  std::string abs;  // as given, made absolute (not canonical: links above it stay)
  std::string rel;  // relative to base, '/'-separated, "" for base itself
};

// A second walk (products) is a stat pass: one thread's syscalls are its whole cost. Several
// Walkers then share the root: each lists it, walker 0 takes the files directly in it, and the
// subdirectories go, one at a time, to whichever walker claims each first.
struct Partition {
  std::mutex mu;
  std::set<std::string, std::less<>> claimed;
  bool claim(const std::string& rel) {
    std::lock_guard lock(mu);
    return claimed.insert(rel).second;
  }
};

bool has_all(const DigestMap& d, const std::vector<std::string>& names);

const FileEntry* find_entry(const std::vector<FileEntry>& sorted, const std::string& path);

std::string errno_reason(int e);

class Walker {
public:
  Walker(const WalkOptions& o, const TreeSnapshot* previous, Partition* part = nullptr, unsigned part_index = 0)
      : opt_(o), prev_(previous), part_(part), part_index_(part_index) {
    names_ = o.digests.names();
    member_set_ = o.digests;
    member_set_.gitoid = false;  // a dirhash digest is built from sha256/sha512 only
    member_names_ = member_set_.names();
    // "Racy" files (git's term): file times advance in coarse ticks (up to 10 ms), so a file
    // rewritten with the same size in the same tick as it was hashed would keep its StatKey, and
    // a later walk would reuse a stale digest. A file whose ctime is that close to (or after)
    // the start of this walk is therefore hashed but not offered for reuse. ctime, because
    // unlike mtime no user can set it.
    racy_after_ns_ = (o.clock_ns ? o.clock_ns() : realtime_ns()) - kRacyWindowNs;
    if (o.omit_unchanged && previous != nullptr) unchanged_.assign(previous->entries.size(), false);
  }

  Result<TreeSnapshot> run();

private:
  // --- phase 1: stat pass -----------------------------------------------------------------

  void warn(std::string path, std::string message);
  std::string abs_of(uint32_t root, const std::string& rel) const;
  bool excluded(const std::string& rel, uint32_t root, const struct stat& st);
  bool excluded_by_rules(const std::string& rel, uint32_t root);
  std::string ignore_root_rel(uint32_t root, const std::string& rel);
  void walk_root(uint32_t root);
  void visit(uint32_t root, const std::string& rel, int dirfd, const struct stat& st, int32_t group);
  void visit_unstatted_file(uint32_t root, std::string rel, int dirfd);
  void warn_if_not_utf8(const std::string& rel);
  static const char* base_name(const std::string& rel);
  ptrdiff_t reusable(const std::string& rel, const StatKey& key) const;
  bool mark_unchanged(const std::string& rel, const StatKey& key);
  bool reuse(Node& n);
  void walk_dir(uint32_t root, const std::string& rel, const struct stat& st, int32_t group);
  template <class Stack>
  void enter_subdir(uint32_t root, const std::string& child, const struct stat& cst, int32_t group, Stack& stack);
  template <class Stack>
  bool claim_top_dir(uint32_t root, Stack& stack);
  void walk_dirhash(uint32_t root, const std::string& rel, const struct stat& st);
  DirHandle* current_dir_handle(int dirfd, int32_t group);
  void release(DirHandle* h);

  // --- phase 2: hashing -------------------------------------------------------------------

  void submit(Node& n);
  void hash_guarded(Node& n, bool more);
  void fail_hash(Node& n, std::string why);
  void release_dir(Node& n);
  void hash_one(Node& n, bool more);

  // --- phase 3: assembly ------------------------------------------------------------------

  void finish_dirhash(Group& g);
  TreeSnapshot assemble();
  const WalkOptions& opt_;
  const TreeSnapshot* prev_;
  Partition* part_;
  unsigned part_index_;
  bool top_listed_ = false;
  std::vector<std::pair<std::string, struct stat>> top_dirs_;  // a partitioned root's subdirectories
  size_t top_next_ = 0;
  std::vector<bool> unchanged_;  // omit_unchanged: over prev_->entries
  int64_t racy_after_ns_ = 0;
  std::vector<std::string> names_, member_names_;
  DigestSet member_set_;
  std::set<std::pair<uint64_t, uint64_t>> skip_;
  std::set<std::string, std::less<>> skip_names_;  // their base names: which entries need a stat
  std::unique_ptr<hash::internal::IgnoreRules> ignore_;
  std::vector<std::optional<std::optional<std::string>>> ignore_root_;  // per root, lazily
  std::vector<Root> roots_;
  std::deque<Node> nodes_;
  std::deque<Group> groups_;
  // Hard links: one read per (dev, inode) in a walk; later names copy the first one's result.
  // Decided by the workers after fstat (the walk may not have stat'ed the file). Group members
  // and top-level entries are hashed with different sets, so they do not mix.
  std::mutex links_mu_;
  std::map<std::tuple<uint64_t, uint64_t, bool>, const Node*> first_link_;
  std::deque<DirHandle> dir_handles_;
  DirHandle* current_dir_ = nullptr;
  std::atomic<int> open_dir_handles_{0};
  HashQueue queue_;
  std::unique_ptr<ThreadPool> pool_;  // declared after what its workers use: joined first
  TreeSnapshot snap_;
};

// One snapshot of the parts of a partitioned walk (walk_assembly.cpp).
TreeSnapshot merge_parts(std::vector<TreeSnapshot>& parts);

}  // namespace hallmark::hash::internal
