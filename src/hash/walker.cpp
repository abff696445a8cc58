// The Walker's stat pass (readdir + fstatat, never following links, applying excludes, skips,
// ignore rules and dirhash grouping as directories are met, reusing digests from `previous`
// wherever the StatKey is unchanged) and its hashing on the pool's workers, which take the
// largest pending file first, or a batch of small ones (walk_queue.hpp).
#include "walker.hpp"

#include "hallmark/util/glob.hpp"
#include "hallmark/util/json_text.hpp"
#include "multi_hasher.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace hallmark::hash::internal {

namespace fs = std::filesystem;

FileKind kind_of(mode_t m) {
  if (S_ISREG(m)) return FileKind::regular;
  if (S_ISLNK(m)) return FileKind::symlink;
  if (S_ISFIFO(m)) return FileKind::fifo;
  if (S_ISSOCK(m)) return FileKind::socket;
  if (S_ISCHR(m)) return FileKind::char_device;
  if (S_ISBLK(m)) return FileKind::block_device;
  return FileKind::other;
}

int64_t realtime_ns() {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return int64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
}

std::string join(const std::string& a, const char* b) {
  if (a.empty()) return b;
  std::string out;
  out.reserve(a.size() + 1 + std::strlen(b));
  out += a;
  out += '/';
  out += b;
  return out;
}

bool has_all(const DigestMap& d, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (d.find(n) == d.end()) return false;
  return true;
}

const FileEntry* find_entry(const std::vector<FileEntry>& sorted, const std::string& path) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), path,
                             [](const FileEntry& e, const std::string& p) { return e.path < p; });
  return it != sorted.end() && it->path == path ? &*it : nullptr;
}

std::string errno_reason(int e) {
  switch (e) {
  case ENOENT: return "vanished during the walk";
  case EACCES:
  case EPERM: return std::string("unreadable: ") + std::strerror(e);
  case ELOOP: return "became a symlink during the walk (not followed)";
  default: return std::strerror(e);
  }
}

Result<TreeSnapshot> Walker::run() {
  std::error_code ec;
  fs::path base = opt_.base.empty() ? fs::current_path(ec) : fs::absolute(opt_.base, ec);
  if (ec) return make_error("cannot resolve walk base '" + opt_.base.string() + "': " + ec.message());
  base = base.lexically_normal();
  for (const auto& s : opt_.skip) {
    struct stat st {};
    if (::lstat(s.c_str(), &st) != 0) continue;
    skip_.insert({uint64_t(st.st_dev), uint64_t(st.st_ino)});
    skip_names_.insert(s.filename().string());
  }
  if (opt_.respect_gitignore) ignore_ = std::make_unique<hash::internal::IgnoreRules>(base.string());

  std::vector<fs::path> roots = opt_.roots;
  if (roots.empty()) roots.push_back(base);
  for (const auto& r : roots) {
    fs::path abs = fs::absolute(r, ec).lexically_normal();
    if (ec) {
      warn(r.string(), "cannot resolve: " + ec.message());
      continue;
    }
    std::string a = abs.string();
    while (a.size() > 1 && a.back() == '/') a.pop_back();
    std::string rel = abs.lexically_relative(base).generic_string();
    if (rel == ".") rel.clear();
    while (!rel.empty() && rel.back() == '/') rel.pop_back();
    roots_.push_back({a, rel});
    walk_root(uint32_t(roots_.size() - 1));
  }
  queue_.close();
  if (pool_) {
    pool_->wait();
    // hash_guarded() catches what a task throws; an error here escaped a worker's loop, so
    // files may be left unread: the walk fails rather than hand out an incomplete snapshot.
    if (auto errors = pool_->take_errors(); !errors.empty())
      return make_error("internal error in a hashing worker: " + errors.front());
  }
  return assemble();
}

void Walker::warn(std::string path, std::string message) {
  snap_.warnings.push_back({std::move(path), std::move(message)});
}

std::string Walker::abs_of(uint32_t root, const std::string& rel) const {
  const Root& r = roots_[root];
  if (rel.size() == r.rel.size()) return r.abs;
  return r.rel.empty() ? r.abs + "/" + rel : r.abs + rel.substr(r.rel.size());
}

bool Walker::excluded(const std::string& rel, uint32_t root, const struct stat& st) {
  if (skip_.count({uint64_t(st.st_dev), uint64_t(st.st_ino)})) return true;
  return excluded_by_rules(rel, root);
}

bool Walker::excluded_by_rules(const std::string& rel, uint32_t root) {
  if (!rel.empty())
    for (const auto& g : opt_.excludes)
      if (glob_match(g, rel)) return true;
  if (ignore_ && ignore_->active()) {
    std::string wrel = ignore_root_rel(root, rel);
    if (!wrel.empty() && ignore_->ignored(wrel)) return true;
  }
  return false;
}

// Work-tree-relative path of an entry ("" when outside the work tree): the root is made
// canonical once, then each entry's tail below the root is appended.
std::string Walker::ignore_root_rel(uint32_t root, const std::string& rel) {
  if (ignore_root_.size() <= root) ignore_root_.resize(root + 1);
  auto& prefix = ignore_root_[root];
  if (!prefix) {
    prefix = ignore_->workdir_relative(roots_[root].abs);
    if (*prefix)
      if (auto problem = ignore_->load(**prefix)) warn(problem->file, problem->message);
  }
  if (!*prefix) return "";
  const std::string& rr = roots_[root].rel;
  std::string tail = rel.size() > rr.size() ? rel.substr(rr.empty() ? 0 : rr.size() + 1) : "";
  if ((*prefix)->empty()) return tail;
  return tail.empty() ? **prefix : **prefix + "/" + tail;
}

void Walker::walk_root(uint32_t root) {
  const Root& r = roots_[root];
  struct stat st {};
  if (::lstat(r.abs.c_str(), &st) != 0) {
    warn(r.rel.empty() ? "." : r.rel, errno == ENOENT ? "does not exist" : std::strerror(errno));
    return;
  }
  visit(root, r.rel, -1, st, -1);
}

// One directory entry already lstat'ed. `dirfd` is its parent (for readlinkat), or -1.
void Walker::visit(uint32_t root, const std::string& rel, int dirfd, const struct stat& st, int32_t group) {
  bool is_dir = S_ISDIR(st.st_mode);
  // A root named explicitly (dirfd < 0) is walked even if an exclude or ignore rule matches
  // it: `--products build` with build/ in .gitignore must still record build/.
  bool skipped = dirfd < 0 ? skip_.count({uint64_t(st.st_dev), uint64_t(st.st_ino)}) != 0 : excluded(rel, root, st);
  if (skipped) return;
  warn_if_not_utf8(rel);
  if (is_dir) {
    if (group < 0 && !rel.empty())
      for (const auto& g : opt_.dirhash)
        if (glob_match(g, rel)) return part_ != nullptr && part_index_ != 0 ? void() : walk_dirhash(root, rel, st);
    return walk_dir(root, rel, st, group);
  }
  if (!unchanged_.empty() && group < 0 && S_ISREG(st.st_mode) && mark_unchanged(rel, stat_key_of(st))) return;
  Node n;
  n.entry.path = rel.empty() ? "." : rel;
  n.entry.kind = kind_of(st.st_mode);
  n.root = root;
  n.group = group;
  n.key = stat_key_of(st);
  if (n.entry.kind == FileKind::symlink) {
    // st_size is the target's length on most filesystems, 0 on some; a link replaced since
    // the lstat may be longer: a full buffer means "maybe truncated", so retry at PATH_MAX.
    std::string target;
    ssize_t len = -1;
    for (size_t cap : {size_t(st.st_size > 0 ? st.st_size : 255) + 1, size_t(PATH_MAX) + 1}) {
      target.assign(cap, '\0');
      len = dirfd >= 0 ? ::readlinkat(dirfd, base_name(rel), target.data(), cap)
                       : ::readlink(abs_of(root, rel).c_str(), target.data(), cap);
      if (len < 0 || size_t(len) < cap) break;
    }
    if (len < 0) {
      warn(n.entry.path, std::string("cannot read link: ") + errno_reason(errno));
      return;
    }
    target.resize(size_t(len));
    target.shrink_to_fit();
    n.entry.link_target = std::move(target);
    n.entry.size = uint64_t(len);
  } else if (n.entry.kind == FileKind::regular) {
    n.entry.size = n.key.size;
    n.needs_hash = !reuse(n);
    if (n.needs_hash && dirfd >= 0) n.dir = current_dir_handle(dirfd, group);
  }
  // FIFOs, sockets and devices: recorded by kind, never opened.
  Node& added = nodes_.emplace_back(std::move(n));
  if (group >= 0) groups_[size_t(group)].members.push_back(&added);  // submitted when the group is complete
  else submit(added);
}

// A regular file of a first walk, outside dirhash groups: not lstat'ed here, as the worker's
// fstat after open yields all of its StatKey: one syscall and name lookup fewer of five per
// file (40 ms of a 20,000-file walk). The queue learns a large one's size from that fstat.
void Walker::visit_unstatted_file(uint32_t root, std::string rel, int dirfd) {
  if (excluded_by_rules(rel, root)) return;
  warn_if_not_utf8(rel);
  Node& n = nodes_.emplace_back();
  n.entry.path = std::move(rel);
  n.root = root;
  n.needs_hash = true;
  n.dir = current_dir_handle(dirfd, -1);
  submit(n);
}

// Records are JSON text: such a name is written with U+FFFD in place of each invalid byte, and
// the record says so. Only the last component: a bad directory name is warned once, itself.
void Walker::warn_if_not_utf8(const std::string& rel) {
  if (!is_valid_utf8(base_name(rel)))
    warn(rel, "file name is not valid UTF-8: recorded with U+FFFD in place of the invalid bytes");
}

const char* Walker::base_name(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return rel.c_str() + (slash == std::string::npos ? 0 : slash + 1);
}

// The index in prev_->entries of a regular file at `rel` whose digests can be reused for a
// file with `key` now, or -1.
ptrdiff_t Walker::reusable(const std::string& rel, const StatKey& key) const {
  ptrdiff_t i = prev_->find(rel);
  if (i < 0 || size_t(i) >= prev_->keys.size() || !prev_->keys[size_t(i)] || !(*prev_->keys[size_t(i)] == key))
    return -1;
  const FileEntry& old = prev_->entries[size_t(i)];
  return old.kind == FileKind::regular && has_all(old.digests, names_) ? i : -1;
}

// omit_unchanged: true if `rel` is unchanged since the previous walk, now marked there.
bool Walker::mark_unchanged(const std::string& rel, const StatKey& key) {
  ptrdiff_t i = reusable(rel, key);
  if (i < 0) return false;
  unchanged_[size_t(i)] = true;
  ++snap_.counts.digests_reused;
  return true;
}

bool Walker::reuse(Node& n) {
  if (prev_ == nullptr || n.group >= 0) return false;
  ptrdiff_t i = reusable(n.entry.path, n.key);
  if (i < 0) return false;
  n.entry.digests = prev_->entries[size_t(i)].digests;
  ++snap_.counts.digests_reused;
  return true;
}

// Depth-first with an explicit stack: no recursion limit on deep trees, and each directory is
// read completely and closed before its children are opened, so open descriptors stay at one.
void Walker::walk_dir(uint32_t root, const std::string& rel, const struct stat& st, int32_t group) {
  struct Pending {
    std::string rel;
    uint64_t dev, ino;
  };
  std::vector<Pending> stack{{rel, uint64_t(st.st_dev), uint64_t(st.st_ino)}};
  // The shared root of a partitioned walk: listed here, its subdirectories then claimed.
  bool partitioned_root = part_ != nullptr && group < 0 && rel == roots_[root].rel;
  for (;;) {
    if (stack.empty() && !(partitioned_root && claim_top_dir(root, stack))) break;
    Pending d = std::move(stack.back());
    stack.pop_back();
    bool at_top = partitioned_root && !top_listed_ && d.rel == rel;
    // Files directly in the root are walker 0's; the others list it for its subdirectories.
    bool dirs_only = at_top && part_index_ != 0;
    std::string abs = abs_of(root, d.rel);
    std::string shown = d.rel.empty() ? "." : d.rel;
    int fd = ::open(abs.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      warn(shown, std::string("cannot enter directory: ") + errno_reason(errno));
      continue;
    }
    struct stat self {};
    if (::fstat(fd, &self) != 0 || uint64_t(self.st_dev) != d.dev || uint64_t(self.st_ino) != d.ino) {
      ::close(fd);
      warn(shown, "directory replaced during the walk; not entered");
      continue;
    }
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      ::close(fd);
      warn(shown, std::string("cannot read directory: ") + std::strerror(errno));
      continue;
    }
    if (!dirs_only) ++snap_.counts.dirs_entered;
    current_dir_ = nullptr;
    std::vector<std::pair<std::string, struct stat>> subdirs;
    errno = 0;
    while (dirent* de = ::readdir(dir)) {
      const char* name = de->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (dirs_only && de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) continue;
      std::string child = join(d.rel, name);
      if (prev_ == nullptr && group < 0 && de->d_type == DT_REG && !dirs_only && !skip_names_.count(name)) {
        visit_unstatted_file(root, std::move(child), ::dirfd(dir));
        errno = 0;
        continue;
      }
      struct stat cst {};
      if (::fstatat(::dirfd(dir), name, &cst, AT_SYMLINK_NOFOLLOW) != 0) {
        warn(child, errno_reason(errno));
        continue;
      }
      if (S_ISDIR(cst.st_mode)) subdirs.emplace_back(std::move(child), cst);
      else if (!dirs_only) visit(root, child, ::dirfd(dir), cst, group);
      errno = 0;
    }
    if (errno != 0) warn(shown, std::string("error reading directory: ") + std::strerror(errno));
    ::closedir(dir);
    // A dirhash group's files are queued only when the whole group has been walked.
    if (current_dir_ != nullptr && group < 0) release(current_dir_);
    current_dir_ = nullptr;
    if (at_top) {
      top_listed_ = true;
      top_dirs_ = std::move(subdirs);
      continue;
    }
    // Reverse so that the stack pops them in directory order (cosmetic: entries get sorted).
    for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it)
      enter_subdir(root, it->first, it->second, group, stack);
  }
}

template <class Stack>
void Walker::enter_subdir(uint32_t root, const std::string& child, const struct stat& cst, int32_t group,
                          Stack& stack) {
  if (excluded(child, root, cst)) return;
  warn_if_not_utf8(child);
  if (group < 0)
    for (const auto& g : opt_.dirhash)
      if (glob_match(g, child)) return walk_dirhash(root, child, cst);
  stack.push_back({child, uint64_t(cst.st_dev), uint64_t(cst.st_ino)});
}

// Takes the next subdirectory of a partitioned root that no other walker has claimed: pushes
// it on `stack` (or walks it whole, for a dirhash). False when none is left.
template <class Stack>
bool Walker::claim_top_dir(uint32_t root, Stack& stack) {
  while (top_next_ < top_dirs_.size()) {
    const auto& [child, cst] = top_dirs_[top_next_++];
    if (!part_->claim(child)) continue;
    enter_subdir(root, child, cst, -1, stack);
    if (!stack.empty()) return true;
  }
  return false;
}

void Walker::walk_dirhash(uint32_t root, const std::string& rel, const struct stat& st) {
  Node n;
  n.entry.path = rel;
  n.entry.kind = FileKind::dirhash;
  n.root = root;
  n.key = stat_key_of(st);
  Node& dn = nodes_.emplace_back(std::move(n));
  int32_t g = int32_t(groups_.size());
  groups_.emplace_back().node = &dn;
  walk_dir(root, rel, st, g);

  Group& grp = groups_[size_t(g)];
  std::sort(grp.members.begin(), grp.members.end(),
            [](const Node* a, const Node* b) { return a->entry.path < b->entry.path; });
  // The fingerprint covers what a stat pass can see; equal fingerprints mean no member was
  // created, deleted, replaced or touched.
  auto& h = hash::internal::thread_hasher();
  h.begin(DigestSet{}, 0);
  for (const Node* m : grp.members) {
    const Node& mn = *m;
    const StatKey& k = mn.key;
    h.update(mn.entry.path.data(), mn.entry.path.size() + 1);
    const char* kind = to_string(mn.entry.kind);
    h.update(kind, std::strlen(kind) + 1);
    uint64_t fields[5] = {k.dev, k.ino, k.size, uint64_t(k.mtime_ns), uint64_t(k.ctime_ns)};
    h.update(fields, sizeof fields);
    h.update(mn.entry.link_target.data(), mn.entry.link_target.size() + 1);
  }
  grp.fingerprint = h.finish()["sha256"];
  if (prev_ != nullptr) {
    auto it = prev_->dirhash_state.find(rel);
    const FileEntry* old = find_entry(prev_->entries, rel);
    if (it != prev_->dirhash_state.end() && it->second == grp.fingerprint && old != nullptr &&
        old->kind == FileKind::dirhash && has_all(old->digests, member_names_)) {
      grp.reused = true;
      grp.node->entry = *old;
      ++snap_.counts.digests_reused;
    }
  }
  if (!grp.reused)
    for (Node* m : grp.members) submit(*m);
  for (DirHandle* h : grp.dirs) release(h);
  grp.dirs.clear();
}

// The handle of the directory being listed, dup'ed from its descriptor on first use.
DirHandle* Walker::current_dir_handle(int dirfd, int32_t group) {
  if (current_dir_ != nullptr) return current_dir_;
  if (open_dir_handles_.load() >= kMaxDirHandles) return nullptr;  // open by path instead
  int fd = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  ++open_dir_handles_;
  current_dir_ = &dir_handles_.emplace_back();
  current_dir_->fd = fd;
  if (group >= 0) groups_[size_t(group)].dirs.push_back(current_dir_);
  return current_dir_;
}

void Walker::release(DirHandle* h) {
  if (h != nullptr && --h->refs == 0) {
    ::close(h->fd);
    --open_dir_handles_;
  }
}

void Walker::submit(Node& n) {
  if (n.entry.kind != FileKind::regular) return;
  if (!n.needs_hash) return;
  n.queued = true;
  if (n.dir != nullptr) ++n.dir->refs;
  if (!pool_) {
    // Started on the first file to read: a products walk of an unchanged tree needs no threads.
    unsigned threads = opt_.threads != 0 ? opt_.threads : std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
    pool_ = std::make_unique<ThreadPool>(threads, threads);
    for (unsigned i = 0; i < threads; ++i)
      pool_->submit([this] {
        std::vector<Node*> batch;
        while (queue_.take(batch))
          for (size_t i = 0; i < batch.size(); ++i) hash_guarded(*batch[i], i + 1 < batch.size());
      });
  }
  queue_.push(&n, n.key.size);
}

// A file whose hashing threw (std::bad_alloc, or a test's on_hash hook) becomes a warning
// naming it, and the rest of the batch is still hashed: nothing leaves with empty digests.
void Walker::hash_guarded(Node& n, bool more) {
  try {
    hash_one(n, more);
  } catch (const std::exception& e) {
    fail_hash(n, std::string("internal error while hashing: ") + e.what());
  } catch (...) {
    fail_hash(n, "internal error while hashing: unknown exception");
  }
}

void Walker::fail_hash(Node& n, std::string why) {
  release_dir(n);
  n.entry.digests.clear();
  n.out.hashed = false;
  n.out.failed = true;
  n.out.error = std::move(why);
}

// Drops the node's reference to its directory, once.
void Walker::release_dir(Node& n) {
  release(n.dir);
  n.dir = nullptr;
}

// `more`: other files of the worker's batch wait behind this one.
void Walker::hash_one(Node& n, bool more) {
  const DigestSet& set = n.group >= 0 ? member_set_ : opt_.digests;
  if (opt_.on_hash) opt_.on_hash(n.entry.path);
  // O_NONBLOCK: if a FIFO was swapped in since the stat pass, open must not wait for a writer;
  // the fstat below then rejects it without any read.
  constexpr int kFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
  FdCloser file{n.dir != nullptr ? ::openat(n.dir->fd, base_name(n.entry.path), kFlags)
                                 : ::open(abs_of(n.root, n.entry.path).c_str(), kFlags)};
  const int fd = file.fd;
  if (fd < 0) {
    n.out.error = errno_reason(errno);
    n.out.failed = true;
    release_dir(n);
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    release_dir(n);
    n.out.failed = true;
    n.out.error = "is no longer a regular file (changed during the walk); not read";
    return;
  }
  // A file the walk did not stat, found large with others waiting in this batch: back to the
  // queue with its size, where the next free worker takes it as a task of its own. Hashed
  // here, a directory of big files taken in one batch serialised on one worker.
  if (n.key.size == 0 && uint64_t(st.st_size) >= kLargeFile && more) {
    n.key = stat_key_of(st);
    queue_.push(&n, n.key.size);
    return;
  }
  release_dir(n);
  n.out.key = stat_key_of(st);
  if (st.st_nlink > 1) {
    std::lock_guard lock(links_mu_);
    auto [it, inserted] = first_link_.try_emplace({n.out.key.dev, n.out.key.ino, n.group >= 0}, &n);
    if (!inserted) {
      n.alias_of = it->second;
      return;
    }
  }
  if (uint64_t(st.st_size) >= kSequentialHint) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  auto& hasher = hash::internal::thread_hasher();
  auto r = hash::internal::stream_fd(fd, uint64_t(st.st_size), set, hasher);
  if (!r) {
    n.out.failed = true;
    n.out.error = r.message();
    return;
  }
  // Hex and map here, on the workers: done by the walking thread after the join, this was
  // 15 ms of a 20,000-file walk with every other core idle.
  unsigned char raw[64 + 64 + 20 + 32];
  if (hash::internal::MultiHasher::raw_size(set) > sizeof raw) {
    n.out.failed = true;
    n.out.error = "internal: digest buffer too small";
    return;
  }
  hasher.finish_raw(raw);
  n.entry.digests = hash::internal::MultiHasher::raw_to_map(set, raw);
  n.out.hashed = true;
}

}  // namespace hallmark::hash::internal
