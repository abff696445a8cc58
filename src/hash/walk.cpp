// walk_tree in three phases, so that scheduling can see the whole job before hashing starts:
//   1. stat pass (this thread): readdir + fstatat, never following links, applying excludes,
//      skips, ignore rules and dirhash grouping as directories are met, and taking digests from
//      `previous` wherever the StatKey is unchanged;
//   2. hashing (ThreadPool): the remaining regular files, largest first, so ten 80 MB files run
//      side by side instead of serialising the end of the walk; small files go in batches;
//   3. assembly (this thread): hard-link aliases, dirhash digests, sorting, warnings.
// The stat pass over 20,000 files costs tens of milliseconds, far less than what ordering by
// size saves.
#include "hallmark/hash/walk.hpp"

#include "hallmark/util/glob.hpp"
#include "hallmark/util/thread_pool.hpp"
#include "ignore_rules.hpp"
#include "multi_hasher.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <tuple>
#include <unistd.h>

namespace hallmark {

namespace {

namespace fs = std::filesystem;

constexpr uint64_t kLargeFile = 4ull << 20;     // hashed as a task of its own
constexpr uint64_t kBatchBytes = 4ull << 20;    // small files per task, by bytes...
constexpr size_t kBatchFiles = 256;             // ...or by count
constexpr uint64_t kSequentialHint = 1ull << 20;

StatKey key_of(const struct stat& st) {
  StatKey k;
  k.dev = uint64_t(st.st_dev);
  k.ino = uint64_t(st.st_ino);
  k.size = uint64_t(st.st_size);
  k.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  k.ctime_ns = int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return k;
}

FileKind kind_of(mode_t m) {
  if (S_ISREG(m)) return FileKind::regular;
  if (S_ISLNK(m)) return FileKind::symlink;
  if (S_ISFIFO(m)) return FileKind::fifo;
  if (S_ISSOCK(m)) return FileKind::socket;
  if (S_ISCHR(m)) return FileKind::char_device;
  if (S_ISBLK(m)) return FileKind::block_device;
  return FileKind::other;
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

// One thing the walk met. Nodes live in a vector that stops growing before hashing starts, so
// workers write into their own node without locking.
struct Node {
  FileEntry entry;
  StatKey key;
  uint32_t root = 0;
  int32_t group = -1;        // dirhash group this node belongs to, -1 for a top-level entry
  int64_t alias_of = -1;     // hard link: take the digests of that node
  uint64_t nlink = 1;
  bool needs_hash = false;   // regular file with no reusable digests
  bool hashed = false;
  bool failed = false;       // could not be hashed: dropped, `error` becomes a warning
  std::string error;
};

struct Group {                // a --dirhash directory
  size_t node;                // its dirhash entry
  std::vector<size_t> members;
  std::string fingerprint;
  bool reused = false;
};

struct Root {
  std::string abs;            // as given, made absolute (not canonical: links above it stay)
  std::string rel;            // relative to base, '/'-separated, "" for base itself
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
  Walker(const WalkOptions& o, const TreeSnapshot* previous) : opt_(o), prev_(previous) {
    names_ = o.digests.names();
    member_set_ = o.digests;
    member_set_.gitoid = false;  // a dirhash digest is built from sha256/sha512 only
    member_names_ = member_set_.names();
  }

  Result<TreeSnapshot> run() {
    std::error_code ec;
    fs::path base = opt_.base.empty() ? fs::current_path(ec) : fs::absolute(opt_.base, ec);
    if (ec) return make_error("cannot resolve walk base '" + opt_.base.string() + "': " + ec.message());
    base = base.lexically_normal();
    for (const auto& s : opt_.skip) {
      struct stat st {};
      if (::lstat(s.c_str(), &st) == 0) skip_.insert({uint64_t(st.st_dev), uint64_t(st.st_ino)});
    }
    if (opt_.respect_gitignore) ignore_ = std::make_unique<detail::IgnoreRules>(base.string());

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
    hash_all();
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

  bool excluded(const std::string& rel, uint32_t root, bool is_dir, const struct stat& st) {
    if (skip_.count({uint64_t(st.st_dev), uint64_t(st.st_ino)})) return true;
    if (!rel.empty())
      for (const auto& g : opt_.excludes)
        if (glob_match(g, rel)) return true;
    if (ignore_ && ignore_->active()) {
      std::string wrel = ignore_root_rel(root, rel);
      if (!wrel.empty() && ignore_->ignored(wrel, is_dir)) return true;
    }
    return false;
  }

  // Work-tree-relative path of an entry ("" when outside the work tree): the root is made
  // canonical once, then each entry's tail below the root is appended.
  std::string ignore_root_rel(uint32_t root, const std::string& rel) {
    if (ignore_root_.size() <= root) ignore_root_.resize(root + 1);
    auto& prefix = ignore_root_[root];
    if (!prefix) prefix = ignore_->workdir_relative(roots_[root].abs);
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
    if (excluded(rel, root, is_dir, st)) return;
    if (is_dir) {
      if (group < 0 && !rel.empty())
        for (const auto& g : opt_.dirhash)
          if (glob_match(g, rel)) return walk_dirhash(root, rel, st);
      return walk_dir(root, rel, st, group);
    }
    Node n;
    n.entry.path = rel.empty() ? "." : rel;
    n.entry.kind = kind_of(st.st_mode);
    n.root = root;
    n.group = group;
    n.key = key_of(st);
    n.nlink = uint64_t(st.st_nlink);
    if (n.entry.kind == FileKind::symlink) {
      std::string target(size_t(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
      std::string abs = abs_of(root, rel);
      ssize_t len = dirfd >= 0 ? ::readlinkat(dirfd, base_name(rel), target.data(), target.size())
                               : ::readlink(abs.c_str(), target.data(), target.size());
      if (len < 0) {
        warn(n.entry.path, std::string("cannot read link: ") + errno_reason(errno));
        return;
      }
      target.resize(size_t(len));
      n.entry.link_target = std::move(target);
      n.entry.size = uint64_t(len);
    } else if (n.entry.kind == FileKind::regular) {
      n.entry.size = n.key.size;
      n.needs_hash = !reuse(n);
    }
    // FIFOs, sockets and devices: recorded by kind, never opened.
    nodes_.push_back(std::move(n));
    if (group >= 0) groups_[size_t(group)].members.push_back(nodes_.size() - 1);
  }

  static const char* base_name(const std::string& rel) {
    size_t slash = rel.rfind('/');
    return rel.c_str() + (slash == std::string::npos ? 0 : slash + 1);
  }

  bool reuse(Node& n) {
    if (prev_ == nullptr || n.group >= 0) return false;
    auto it = prev_->stats.find(n.entry.path);
    if (it == prev_->stats.end() || !(it->second == n.key)) return false;
    const FileEntry* old = find_entry(prev_->entries, n.entry.path);
    if (old == nullptr || old->kind != FileKind::regular || !has_all(old->digests, names_))
      return false;
    n.entry.digests = old->digests;
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
    while (!stack.empty()) {
      Pending d = std::move(stack.back());
      stack.pop_back();
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
      ++snap_.counts.dirs_entered;
      std::vector<std::pair<std::string, struct stat>> subdirs;
      errno = 0;
      while (dirent* de = ::readdir(dir)) {
        const char* name = de->d_name;
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
        std::string child = join(d.rel, name);
        struct stat cst {};
        if (::fstatat(::dirfd(dir), name, &cst, AT_SYMLINK_NOFOLLOW) != 0) {
          warn(child, errno_reason(errno));
          continue;
        }
        if (S_ISDIR(cst.st_mode))
          subdirs.emplace_back(std::move(child), cst);
        else
          visit(root, child, ::dirfd(dir), cst, group);
        errno = 0;
      }
      if (errno != 0) warn(shown, std::string("error reading directory: ") + std::strerror(errno));
      ::closedir(dir);
      // Reverse so that the stack pops them in directory order (cosmetic: entries get sorted).
      for (auto it = subdirs.rbegin(); it != subdirs.rend(); ++it) {
        const auto& [child, cst] = *it;
        if (excluded(child, root, true, cst)) continue;
        bool hashed_dir = false;
        if (group < 0)
          for (const auto& g : opt_.dirhash)
            if (glob_match(g, child)) {
              hashed_dir = true;
              break;
            }
        if (hashed_dir)
          walk_dirhash(root, child, cst);
        else
          stack.push_back({child, uint64_t(cst.st_dev), uint64_t(cst.st_ino)});
      }
    }
  }

  void walk_dirhash(uint32_t root, const std::string& rel, const struct stat& st) {
    Node n;
    n.entry.path = rel;
    n.entry.kind = FileKind::dirhash;
    n.root = root;
    n.key = key_of(st);
    nodes_.push_back(std::move(n));
    int32_t g = int32_t(groups_.size());
    groups_.push_back({nodes_.size() - 1, {}, {}, false});
    walk_dir(root, rel, st, g);

    Group& grp = groups_[size_t(g)];
    std::sort(grp.members.begin(), grp.members.end(),
              [this](size_t a, size_t b) { return nodes_[a].entry.path < nodes_[b].entry.path; });
    // The fingerprint covers what a stat pass can see; equal fingerprints mean no member was
    // created, deleted, replaced or touched.
    auto& h = detail::thread_hasher();
    h.begin(DigestSet{}, 0);
    for (size_t m : grp.members) {
      const Node& mn = nodes_[m];
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
        nodes_[grp.node].entry = *old;
        ++snap_.counts.digests_reused;
        for (size_t m : grp.members) nodes_[m].needs_hash = false;
      }
    }
  }

  // --- phase 2: hashing -------------------------------------------------------------------

  void hash_one(Node& n) {
    std::string abs = abs_of(n.root, n.entry.path);
    const DigestSet& set = n.group >= 0 ? member_set_ : opt_.digests;
    // O_NONBLOCK: if a FIFO was swapped in since the stat pass, open must not wait for a writer;
    // the fstat below then rejects it without any read.
    int fd = ::open(abs.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      n.failed = true;
      n.error = errno_reason(errno);
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      n.failed = true;
      n.error = "is no longer a regular file (changed during the walk); not read";
      return;
    }
    n.key = key_of(st);
    if (uint64_t(st.st_size) >= kSequentialHint) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    auto r = detail::digest_fd(fd, uint64_t(st.st_size), set, detail::thread_hasher());
    ::close(fd);
    if (!r) {
      n.failed = true;
      n.error = r.message();
      return;
    }
    n.entry.size = uint64_t(st.st_size);
    n.entry.digests = std::move(*r);
    n.hashed = true;
  }

  void hash_all() {
    // Hard links: one read per (dev, inode) in a walk; later names copy the first one's result.
    std::map<std::tuple<uint64_t, uint64_t, bool>, size_t> first_link;
    std::vector<size_t> jobs;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (n.entry.kind != FileKind::regular) continue;
      bool in_reused_group = n.group >= 0 && groups_[size_t(n.group)].reused;
      if (in_reused_group) continue;
      if (n.nlink > 1) {
        // A group member and a top-level entry are hashed with different sets: alias only
        // between names of the same kind.
        auto [it, inserted] = first_link.try_emplace({n.key.dev, n.key.ino, n.group >= 0}, i);
        Node& first = nodes_[it->second];
        if (!inserted && (n.needs_hash || first.needs_hash)) {
          n.alias_of = int64_t(it->second);
          n.needs_hash = false;
        }
      }
      if (n.needs_hash) jobs.push_back(i);
    }
    if (jobs.empty()) return;

    // Largest first: the biggest files start at once on separate workers, the small-file batches
    // fill the gaps, and the tail of the walk is made of the smallest tasks.
    std::stable_sort(jobs.begin(), jobs.end(),
                     [this](size_t a, size_t b) { return nodes_[a].key.size > nodes_[b].key.size; });
    unsigned threads = opt_.threads != 0 ? opt_.threads : std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
    // A few queued tasks per worker keep them busy; the job list, not the queue, holds the work.
    ThreadPool pool(threads, size_t(threads) * 4);
    std::vector<std::pair<size_t, size_t>> tasks;  // [begin, end) ranges of `jobs`
    for (size_t i = 0; i < jobs.size();) {
      size_t j = i;
      uint64_t bytes = 0;
      if (nodes_[jobs[i]].key.size >= kLargeFile) {
        j = i + 1;
      } else {
        while (j < jobs.size() && j - i < kBatchFiles && bytes < kBatchBytes) bytes += nodes_[jobs[j++]].key.size;
      }
      tasks.emplace_back(i, j);
      i = j;
    }
    for (auto [b, e] : tasks)
      pool.submit([this, &jobs, b = b, e = e] {
        for (size_t k = b; k < e; ++k) hash_one(nodes_[jobs[k]]);
      });
    pool.wait();
  }

  // --- phase 3: assembly ------------------------------------------------------------------

  void finish_dirhash(Group& g) {
    Node& dn = nodes_[g.node];
    if (g.reused) return;
    std::vector<const Node*> members;
    uint64_t bytes = 0;
    for (size_t m : g.members) {
      const Node& mn = nodes_[m];
      if (mn.failed) continue;
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
      auto& h = detail::thread_hasher();
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
      if (n.alias_of < 0) continue;
      const Node& t = nodes_[size_t(n.alias_of)];
      if (t.failed) {
        n.failed = true;
        n.error = t.error;
      } else {
        n.entry.digests = t.entry.digests;
        n.entry.size = t.entry.size;
        n.key = t.key;
      }
    }
    for (auto& n : nodes_) {
      if (n.hashed) {
        ++snap_.counts.files_hashed;
        snap_.counts.bytes_hashed += n.entry.size;
      }
      if (n.failed) warn(n.entry.path, n.error);
    }
    for (auto& g : groups_) {
      finish_dirhash(g);
      snap_.dirhash_state[nodes_[g.node].entry.path] = g.fingerprint;
    }
    snap_.entries.reserve(nodes_.size());
    for (auto& n : nodes_) {
      if (n.group >= 0 || n.failed) continue;
      if (n.entry.kind == FileKind::regular) snap_.stats[n.entry.path] = n.key;
      snap_.entries.push_back(std::move(n.entry));
    }
    nodes_.clear();
    nodes_.shrink_to_fit();
    auto by_path = [](const auto& a, const auto& b) { return a.path < b.path; };
    std::stable_sort(snap_.entries.begin(), snap_.entries.end(), by_path);
    // Overlapping roots ("." and "src") meet the same files twice.
    snap_.entries.erase(std::unique(snap_.entries.begin(), snap_.entries.end(),
                                    [](const FileEntry& a, const FileEntry& b) { return a.path == b.path; }),
                        snap_.entries.end());
    std::stable_sort(snap_.warnings.begin(), snap_.warnings.end(), by_path);
    return std::move(snap_);
  }

  const WalkOptions& opt_;
  const TreeSnapshot* prev_;
  std::vector<std::string> names_, member_names_;
  DigestSet member_set_;
  std::set<std::pair<uint64_t, uint64_t>> skip_;
  std::unique_ptr<detail::IgnoreRules> ignore_;
  std::vector<std::optional<std::optional<std::string>>> ignore_root_;  // per root, lazily
  std::vector<Root> roots_;
  std::vector<Node> nodes_;
  std::vector<Group> groups_;
  TreeSnapshot snap_;
};

} // namespace

Result<TreeSnapshot> walk_tree(const WalkOptions& options, const TreeSnapshot* previous) {
  Walker w(options, previous);
  return w.run();
}

} // namespace hallmark
