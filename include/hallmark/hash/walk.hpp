// Tree walks for materials and products. A walk never follows symlinks, never opens FIFOs,
// sockets or devices, records unreadable and vanished files as warnings, and applies excludes
// while walking so an excluded subtree is never read. Hashing runs on a pool of worker threads
// with a bounded queue. A second walk given the first one's snapshot reuses a file's digests
// when (dev, inode, size, mtime_ns, ctime_ns) are unchanged, so an untouched tree costs a stat
// pass only.
#pragma once

#include "hallmark/hash/digest.hpp"
#include "hallmark/model/file_entry.hpp"
#include "hallmark/util/result.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace hallmark {

struct StatKey {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const StatKey&) const = default;
};

// The key of a stat(2) result (ns-resolution times); shared by the walk and the DigestCache.
StatKey stat_key_of(const struct stat& st);

struct WalkOptions {
  std::vector<std::filesystem::path> roots;  // files or directories to walk
  std::filesystem::path base;                // entry paths are relative to this (the workspace)
  std::vector<std::string> excludes;         // globs against the relative path, '**' allowed
  // Globs: a matching directory becomes one entry (kind dirhash, file_count) whose sha256 (and
  // sha512 if asked) is the digest of its members' sorted "path\0kind\0digest-or-target\0"
  // list; gitoid has no meaning for a directory and is not given.
  std::vector<std::string> dirhash;
  std::vector<std::filesystem::path> skip;  // absolute paths never entered (.git, record dir)
  bool respect_gitignore = false;           // libgit2 ignore rules of the enclosing repo
  DigestSet digests;
  unsigned threads = 0;  // 0: one per core
  // With `previous`: a regular file whose digests are reused is not put in `entries`; it is
  // marked in TreeSnapshot::unchanged instead. For a caller that only wants the diff (the step
  // runner): a stat pass over an untouched tree then allocates nothing per file, which was half
  // of its cost (page faults are ~13 us each on a 2-core VM).
  bool omit_unchanged = false;
  // The wall clock in ns since the epoch, read once at the start of the walk to find racy
  // files (TreeSnapshot::keys); empty: CLOCK_REALTIME. Tests move it instead of sleeping.
  std::function<int64_t()> clock_ns;
  // Called by a hashing worker before it reads a file (its relative path); tests throw here to
  // prove a failed read becomes a warning. Empty in production.
  std::function<void(const std::string&)> on_hash;
};

// What a walk cost; tests use it to prove reuse (no open, no read) and that excluded trees are
// never entered, bench/ prints it.
struct WalkCounts {
  uint64_t dirs_entered = 0;
  uint64_t files_hashed = 0;  // regular files opened and read
  uint64_t bytes_hashed = 0;
  uint64_t digests_reused = 0;  // files (or dirhash entries) taken from `previous` without open()
};

struct TreeSnapshot {
  std::vector<FileEntry> entries;    // sorted by path
  std::vector<Diagnostic> warnings;  // sorted by path
  // Parallel to `entries`: a regular file's stat at hashing time, for a later walk to reuse its
  // digests; nullopt for other kinds and for files changed within 50 ms of the walk ("racy":
  // same-tick rewrites keep their StatKey). A vector, not a map by path: 20,000 fewer
  // allocations and hash computations per walk.
  std::vector<std::optional<StatKey>> keys;
  // dirhash entry path -> digest of its members' (path, kind, StatKey, target): when it is
  // unchanged the next walk reuses the dirhash entry without reading any member.
  std::unordered_map<std::string, std::string> dirhash_state;
  WalkCounts counts;
  // WalkOptions::omit_unchanged: unchanged[i] says previous->entries[i] was met again, its
  // digests reused, and is therefore not in `entries`. Empty otherwise. Such a snapshot serves
  // diff_snapshots(previous, it), not as the `previous` of another walk.
  std::vector<bool> unchanged;

  // Index of `path` in `entries` (binary search), or -1.
  ptrdiff_t find(const std::string& path) const;
  // The reusable stat of `path`, or nullptr.
  const StatKey* reusable_key(const std::string& path) const;
};

// `previous`: a snapshot of the same tree taken earlier (digest reuse), or nullptr.
Result<TreeSnapshot> walk_tree(const WalkOptions& options, const TreeSnapshot* previous = nullptr);

struct TreeDiff {
  std::vector<FileEntry> products;   // created, or content (digest/type/target) changed
  std::vector<std::string> deleted;  // in `before`, gone from `after` (and not merely unreadable)
};
TreeDiff diff_snapshots(const TreeSnapshot& before, const TreeSnapshot& after);

}  // namespace hallmark
