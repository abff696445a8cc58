// walk_tree: this thread walks (readdir + fstatat, never following links, applying excludes,
// skips, ignore rules and dirhash grouping as directories are met, reusing digests from
// `previous` wherever the StatKey is unchanged) and hands each file that must be read to a
// HashQueue as soon as it is found; ThreadPool workers take the largest pending file first, or a
// batch of small ones, so hashing overlaps the walk and the big files do not serialise its end.
// When the walk is done and the workers drain the queue, this thread assembles the snapshot:
// hard-link aliases, dirhash digests, sorting, warnings.
#include "hallmark/hash/walk.hpp"

#include "hallmark/util/glob.hpp"
#include "hallmark/util/json_text.hpp"
#include "hallmark/util/thread_pool.hpp"
#include "ignore_rules.hpp"
#include "multi_hasher.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <cerrno>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <queue>
#include <memory>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <time.h>
#include <tuple>
#include <unistd.h>

namespace hallmark {

namespace {

namespace fs = std::filesystem;

constexpr uint64_t kLargeFile = 4ull << 20;     // hashed as a task of its own
constexpr uint64_t kBatchBytes = 4ull << 20;    // small files per task, by bytes...
constexpr size_t kBatchFiles = 256;             // ...or by count
constexpr uint64_t kSequentialHint = 1ull << 20;
constexpr int kMaxDirHandles = 256;
constexpr int64_t kRacyWindowNs = 50'000'000;  // several coarse clock ticks at any HZ

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

// Closes a descriptor on every way out of its scope, exceptions included.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

std::string join(const std::string& a, const char* b) {
  if (a.empty()) return b;
  std::string out;
  out.reserve(a.size() + 1 + std::strlen(b));
  out += a;
  out += '/';
  out += b;
  return out;
}

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
  StatKey key;               // from the walk's fstatat
  uint32_t root = 0;
  int32_t group = -1;        // dirhash group this node belongs to, -1 for a top-level entry
  const struct Node* alias_of = nullptr;  // hard link: take the digests of that node
  DirHandle* dir = nullptr;  // its directory, when one could be kept open
  bool needs_hash = false;   // regular file with no reusable digests
  bool queued = false;       // handed to the workers
  struct {
    StatKey key;             // from fstat after open: what was actually read
    bool hashed = false;
    bool failed = false;     // could not be hashed: dropped, `error` becomes a warning
    std::string error;
  } out;
};

// Files waiting to be read. Largest first: the biggest files start as soon as they are found,
// on separate workers, and small files fill the gaps in batches that amortise the lock.
class HashQueue {
public:
  void push(Node* n) {
    {
      std::lock_guard lock(mu_);
      heap_.emplace(n->key.size, n);
    }
    cv_.notify_one();
  }
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // One large file or a batch of small ones; false once closed and drained.
  bool take(std::vector<Node*>& batch) {
    batch.clear();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !heap_.empty() || closed_; });
    uint64_t bytes = 0;
    while (!heap_.empty() && batch.size() < kBatchFiles && bytes < kBatchBytes) {
      auto [size, n] = heap_.top();
      if (size >= kLargeFile && !batch.empty()) break;
      heap_.pop();
      batch.push_back(n);
      bytes += size;
      if (size >= kLargeFile) break;
    }
    return !batch.empty();
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<std::pair<uint64_t, Node*>> heap_;
  bool closed_ = false;
};

struct Group {                // a --dirhash directory
  Node* node;                 // its dirhash entry
  std::vector<Node*> members;
  std::vector<DirHandle*> dirs;  // released when the group has been queued
  std::string fingerprint;
  bool reused = false;
};

struct Root {
  std::string abs;            // as given, made absolute (not canonical: links above it stay)
  std::string rel;            // relative to base, '/'-separated, "" for base itself
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

  Result<TreeSnapshot> run() {
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
      if (rel == "." ) rel.clear();
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

private:
  // --- phase 1: stat pass -----------------------------------------------------------------

  void warn(std::string path, std::string message) {
    snap_.warnings.push_back({std::move(path), std::move(message)});
  }

  std::string abs_of(uint32_t root, const std::string& rel) const {
    const Root& r = roots_[root];
    if (rel.size() == r.rel.size()) return r.abs;
    return r.rel.empty() ? r.abs + "/" + rel : r.abs + rel.substr(r.rel.size());
  }

  bool excluded(const std::string& rel, uint32_t root, const struct stat& st) {
    if (skip_.count({uint64_t(st.st_dev), uint64_t(st.st_ino)})) return true;
    return excluded_by_rules(rel, root);
  }

  bool excluded_by_rules(const std::string& rel, uint32_t root) {
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
  std::string ignore_root_rel(uint32_t root, const std::string& rel) {
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

  void walk_root(uint32_t root) {
    const Root& r = roots_[root];
    struct stat st {};
    if (::lstat(r.abs.c_str(), &st) != 0) {
      warn(r.rel.empty() ? "." : r.rel, errno == ENOENT ? "does not exist" : std::strerror(errno));
      return;
    }
    visit(root, r.rel, -1, st, -1);
  }

  // One directory entry already lstat'ed. `dirfd` is its parent (for readlinkat), or -1.
  void visit(uint32_t root, const std::string& rel, int dirfd, const struct stat& st, int32_t group) {
    bool is_dir = S_ISDIR(st.st_mode);
    // A root named explicitly (dirfd < 0) is walked even if an exclude or ignore rule matches
    // it: `--products build` with build/ in .gitignore must still record build/.
    bool skipped = dirfd < 0 ? skip_.count({uint64_t(st.st_dev), uint64_t(st.st_ino)}) != 0
                             : excluded(rel, root, st);
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
    if (group >= 0)
      groups_[size_t(group)].members.push_back(&added);  // submitted when the group is complete
    else
      submit(added);
  }

  // A regular file of a first walk, outside dirhash groups: not lstat'ed here, as the worker's
  // fstat after open yields all of its StatKey: one syscall and name lookup fewer of five per
  // file (40 ms of a 20,000-file walk). The queue learns a large one's size from that fstat.
  void visit_unstatted_file(uint32_t root, std::string rel, int dirfd) {
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
  void warn_if_not_utf8(const std::string& rel) {
    if (!is_valid_utf8(base_name(rel)))
      warn(rel, "file name is not valid UTF-8: recorded with U+FFFD in place of the invalid bytes");
  }

  static const char* base_name(const std::string& rel) {
    size_t slash = rel.rfind('/');
    return rel.c_str() + (slash == std::string::npos ? 0 : slash + 1);
  }

  // The index in prev_->entries of a regular file at `rel` whose digests can be reused for a
  // file with `key` now, or -1.
  ptrdiff_t reusable(const std::string& rel, const StatKey& key) const {
    ptrdiff_t i = prev_->find(rel);
    if (i < 0 || size_t(i) >= prev_->keys.size() || !prev_->keys[size_t(i)] || !(*prev_->keys[size_t(i)] == key))
      return -1;
    const FileEntry& old = prev_->entries[size_t(i)];
    return old.kind == FileKind::regular && has_all(old.digests, names_) ? i : -1;
  }

  // omit_unchanged: true if `rel` is unchanged since the previous walk, now marked there.
  bool mark_unchanged(const std::string& rel, const StatKey& key) {
    ptrdiff_t i = reusable(rel, key);
    if (i < 0) return false;
    unchanged_[size_t(i)] = true;
    ++snap_.counts.digests_reused;
    return true;
  }

  bool reuse(Node& n) {
    if (prev_ == nullptr || n.group >= 0) return false;
    ptrdiff_t i = reusable(n.entry.path, n.key);
    if (i < 0) return false;
    n.entry.digests = prev_->entries[size_t(i)].digests;
    ++snap_.counts.digests_reused;
    return true;
  }

  // Depth-first with an explicit stack: no recursion limit on deep trees, and each directory is
  // read completely and closed before its children are opened, so open descriptors stay at one.
  void walk_dir(uint32_t root, const std::string& rel, const struct stat& st, int32_t group) {
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
        if (S_ISDIR(cst.st_mode))
          subdirs.emplace_back(std::move(child), cst);
        else if (!dirs_only)
          visit(root, child, ::dirfd(dir), cst, group);
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
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) enter_subdir(root, it->first, it->second, group, stack);
    }
  }

  template <class Stack>
  void enter_subdir(uint32_t root, const std::string& child, const struct stat& cst, int32_t group, Stack& stack) {
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
  bool claim_top_dir(uint32_t root, Stack& stack) {
    while (top_next_ < top_dirs_.size()) {
      const auto& [child, cst] = top_dirs_[top_next_++];
      if (!part_->claim(child)) continue;
      enter_subdir(root, child, cst, -1, stack);
      if (!stack.empty()) return true;
    }
    return false;
  }

  void walk_dirhash(uint32_t root, const std::string& rel, const struct stat& st) {
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
  DirHandle* current_dir_handle(int dirfd, int32_t group) {
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

  void release(DirHandle* h) {
    if (h != nullptr && --h->refs == 0) {
      ::close(h->fd);
      --open_dir_handles_;
    }
  }

  // --- phase 2: hashing -------------------------------------------------------------------

  void submit(Node& n) {
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
    queue_.push(&n);
  }

  // A file whose hashing threw (std::bad_alloc, or a test's on_hash hook) becomes a warning
  // naming it, and the rest of the batch is still hashed: nothing leaves with empty digests.
  void hash_guarded(Node& n, bool more) {
    try {
      hash_one(n, more);
    } catch (const std::exception& e) {
      fail_hash(n, std::string("internal error while hashing: ") + e.what());
    } catch (...) {
      fail_hash(n, "internal error while hashing: unknown exception");
    }
  }

  void fail_hash(Node& n, std::string why) {
    release_dir(n);
    n.entry.digests.clear();
    n.out.hashed = false;
    n.out.failed = true;
    n.out.error = std::move(why);
  }

  // Drops the node's reference to its directory, once.
  void release_dir(Node& n) {
    release(n.dir);
    n.dir = nullptr;
  }

  // `more`: other files of the worker's batch wait behind this one.
  void hash_one(Node& n, bool more) {
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
      queue_.push(&n);
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

  // --- phase 3: assembly ------------------------------------------------------------------

  void finish_dirhash(Group& g) {
    Node& dn = *g.node;
    if (g.reused) return;
    std::vector<const Node*> members;
    uint64_t bytes = 0;
    for (const Node* m : g.members) {
      const Node& mn = *m;
      if (mn.out.failed) continue;
      members.push_back(&mn);
      if (mn.entry.kind == FileKind::regular) bytes += mn.entry.size;
    }
    // The manifest: for each member, in byte order of its path relative to the directory,
    // "path\0kind\0value\0" where value is the member's digest in the same algorithm (regular
    // files) or its link target (symlinks) or empty (FIFOs and such).
    size_t prefix = dn.entry.path.size() + 1;
    for (const auto& alg : member_names_) {
      DigestSet one;
      one.sha256 = alg == "sha256";
      one.sha512 = alg == "sha512";
      auto& h = hash::internal::thread_hasher();
      h.begin(one, 0);
      for (const Node* mn : members) {
        std::string_view path = std::string_view(mn->entry.path).substr(prefix);
        const char* kind = to_string(mn->entry.kind);
        std::string value;
        if (mn->entry.kind == FileKind::regular) {
          auto it = mn->entry.digests.find(alg);
          if (it != mn->entry.digests.end()) value = it->second;
        } else if (mn->entry.kind == FileKind::symlink) {
          value = mn->entry.link_target;
        }
        h.update(path.data(), path.size());
        h.update("", 1);
        h.update(kind, std::strlen(kind) + 1);
        h.update(value.data(), value.size() + 1);
      }
      dn.entry.digests[alg] = h.finish()[alg];
    }
    dn.entry.size = bytes;
    dn.entry.file_count = members.size();
  }

  TreeSnapshot assemble() {
    for (auto& n : nodes_) {
      // Never handed a result (cannot happen while hash_guarded() holds; a file without
      // digests must not pass as one that has them).
      if (n.queued && !n.out.hashed && !n.out.failed && n.alias_of == nullptr) {
        n.out.failed = true;
        n.out.error = "internal error: not hashed";
      }
      if (n.out.hashed) {
        n.entry.size = n.out.key.size;
        n.key = n.out.key;
        ++snap_.counts.files_hashed;
        snap_.counts.bytes_hashed += n.entry.size;
      }
    }
    for (auto& n : nodes_) {
      if (n.alias_of == nullptr) continue;
      const Node& t = *n.alias_of;
      if (t.out.failed) {
        n.out.failed = true;
        n.out.error = t.out.error;
      } else {
        n.entry.digests = t.entry.digests;
        n.entry.size = t.entry.size;
        n.key = t.key;
      }
    }
    for (auto& n : nodes_)
      if (n.out.failed) warn(n.entry.path, n.out.error);
    for (auto& g : groups_) {
      finish_dirhash(g);
      snap_.dirhash_state[g.node->entry.path] = g.fingerprint;
    }
    // Sorted through pointers: moving whole FileEntry objects around in a sort cost more than
    // the comparisons.
    std::vector<Node*> order;
    order.reserve(nodes_.size());
    for (auto& n : nodes_)
      if (n.group < 0 && !n.out.failed) order.push_back(&n);
    std::sort(order.begin(), order.end(),
              [](const Node* a, const Node* b) { return a->entry.path < b->entry.path; });
    snap_.entries.reserve(order.size());
    snap_.keys.reserve(order.size());
    for (Node* n : order) {
      // Overlapping roots ("." and "src") meet the same files twice.
      if (!snap_.entries.empty() && snap_.entries.back().path == n->entry.path) continue;
      if (n->entry.kind == FileKind::regular && n->key.ctime_ns < racy_after_ns_)
        snap_.keys.emplace_back(n->key);
      else
        snap_.keys.emplace_back();
      snap_.entries.push_back(std::move(n->entry));
    }
    order = {};
    nodes_.clear();
    snap_.unchanged = std::move(unchanged_);
    auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
    std::stable_sort(snap_.warnings.begin(), snap_.warnings.end(), by_path);
    return std::move(snap_);
  }

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

} // namespace

ptrdiff_t TreeSnapshot::find(const std::string& path) const {
  const FileEntry* e = find_entry(entries, path);
  return e == nullptr ? -1 : e - entries.data();
}

const StatKey* TreeSnapshot::reusable_key(const std::string& path) const {
  ptrdiff_t i = find(path);
  return i < 0 || size_t(i) >= keys.size() || !keys[size_t(i)] ? nullptr : &*keys[size_t(i)];
}

namespace {

// One snapshot of the parts of a partitioned walk: each part's entries are sorted and no path is
// in two parts (they hold different subdirectories), so a merge keeps the order.
TreeSnapshot merge_parts(std::vector<TreeSnapshot>& parts) {
  TreeSnapshot out = std::move(parts[0]);
  for (size_t p = 1; p < parts.size(); ++p) {
    TreeSnapshot& b = parts[p];
    std::vector<FileEntry> entries;
    std::vector<std::optional<StatKey>> keys;
    entries.reserve(out.entries.size() + b.entries.size());
    keys.reserve(entries.capacity());
    size_t i = 0, j = 0;
    while (i < out.entries.size() || j < b.entries.size()) {
      bool take_a = j == b.entries.size() || (i < out.entries.size() && out.entries[i].path < b.entries[j].path);
      if (take_a) {
        entries.push_back(std::move(out.entries[i]));
        keys.push_back(out.keys[i++]);
      } else {
        if (i < out.entries.size() && out.entries[i].path == b.entries[j].path) {  // defensive
          ++j;
          continue;
        }
        entries.push_back(std::move(b.entries[j]));
        keys.push_back(b.keys[j++]);
      }
    }
    out.entries = std::move(entries);
    out.keys = std::move(keys);
    for (size_t k = 0; k < b.unchanged.size() && k < out.unchanged.size(); ++k)
      if (b.unchanged[k]) out.unchanged[k] = true;
    for (auto& w : b.warnings) out.warnings.push_back(std::move(w));
    for (auto& kv : b.dirhash_state) out.dirhash_state.insert(std::move(kv));
    out.counts.dirs_entered += b.counts.dirs_entered;
    out.counts.files_hashed += b.counts.files_hashed;
    out.counts.bytes_hashed += b.counts.bytes_hashed;
    out.counts.digests_reused += b.counts.digests_reused;
  }
  // A problem with the root itself is met by every part.
  auto by_path = [](const Warning& a, const Warning& b) { return a.path < b.path; };
  std::stable_sort(out.warnings.begin(), out.warnings.end(), by_path);
  out.warnings.erase(std::unique(out.warnings.begin(), out.warnings.end(),
                                 [](const Warning& a, const Warning& b) { return a.path == b.path && a.message == b.message; }),
                     out.warnings.end());
  return out;
}

} // namespace

Result<TreeSnapshot> walk_tree(const WalkOptions& options, const TreeSnapshot* previous) {
  unsigned cores = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  struct stat st {};
  const fs::path& root = options.roots.empty() ? options.base : options.roots.front();
  // Only a second walk, which mostly stats, is split: a first walk is bound by hashing, which
  // already runs on every core while one thread lists the tree.
  if (previous == nullptr || cores < 2 || options.roots.size() > 1 || root.empty() ||
      ::lstat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
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

} // namespace hallmark
