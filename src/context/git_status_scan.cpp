#include "git_status_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <string_view>
#include <thread>

namespace hallmark::context::internal {
namespace {

constexpr size_t kMinEntries = 5000;  // below this libgit2's own status is already fast

struct Entry {
  const git_index_entry* e;
  std::string_view path;
};

std::string_view dir_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

int64_t ns(int64_t s, int64_t n) { return s * 1000000000 + n; }

// Whether the work-tree file `st` is what index entry `e` recorded: git's stat-cache check
// (size, times, inode, type and executable bit), and not racily clean (written in the same
// instant as the index, when equal stat data does not prove equal content).
bool matches(const git_index_entry& e, const struct stat& st, int64_t index_mtime_ns) {
  unsigned type = e.mode & 0170000;
  if (type == 0100000) {
    if (!S_ISREG(st.st_mode) || ((e.mode & 0100) != 0) != ((st.st_mode & S_IXUSR) != 0)) return false;
  } else if (type == 0120000) {
    if (!S_ISLNK(st.st_mode)) return false;
  } else {
    return false;
  }
  if (e.file_size != uint32_t(st.st_size) || e.ino != uint32_t(st.st_ino)) return false;
  if (e.mtime.seconds != int32_t(st.st_mtim.tv_sec) || e.mtime.nanoseconds != uint32_t(st.st_mtim.tv_nsec))
    return false;
  if (e.ctime.seconds != int32_t(st.st_ctim.tv_sec) || e.ctime.nanoseconds != uint32_t(st.st_ctim.tv_nsec))
    return false;
  return ns(e.mtime.seconds, e.mtime.nanoseconds) < index_mtime_ns;
}

uint32_t be32(const unsigned char* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// Whether the index file's cache-tree (the TREE extension git and libgit2 maintain: for each
// directory the tree object its index entries make, invalidated on every change below it) says
// the whole index is the tree `head`. Then HEAD and the index do not differ and the
// tree-to-index diff, which reads every tree object of HEAD, is not needed: `git commit` trusts
// the same record to name the tree it commits. Anything unexpected (a version 4 index, a sparse
// index, no or an invalid root, the file changed since `expected` was taken) answers false and
// the diff runs as before.
bool cache_tree_is(const char* index_path, const struct stat& expected, const git_oid& head) {
  constexpr size_t kOid = GIT_OID_RAWSZ;
  int fd = ::open(index_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  std::string data;
  if (::fstat(fd, &st) == 0 && st.st_size == expected.st_size && st.st_ino == expected.st_ino &&
      st.st_mtim.tv_sec == expected.st_mtim.tv_sec && st.st_mtim.tv_nsec == expected.st_mtim.tv_nsec &&
      st.st_size > 12 + long(kOid)) {
    data.resize(size_t(st.st_size));
    size_t got = 0;
    while (got < data.size()) {
      ssize_t n = ::read(fd, data.data() + got, data.size() - got);
      if (n <= 0) break;
      got += size_t(n);
    }
    if (got != data.size()) data.clear();
  }
  ::close(fd);
  if (data.empty()) return false;
  const auto* b = reinterpret_cast<const unsigned char*>(data.data());
  const size_t end = data.size() - kOid;  // the trailing checksum
  if (std::memcmp(b, "DIRC", 4) != 0) return false;
  const uint32_t version = be32(b + 4), count = be32(b + 8);
  if (version != 2 && version != 3) return false;
  size_t at = 12;
  for (uint32_t i = 0; i < count; ++i) {
    const size_t fixed = 40 + kOid + 2;
    if (at + fixed > end) return false;
    const unsigned flags = unsigned(b[at + 40 + kOid]) << 8 | b[at + 40 + kOid + 1];
    const size_t head_len = fixed + ((flags & 0x4000) ? 2 : 0);
    if (at + head_len > end) return false;
    size_t name = flags & 0xfff;
    if (name == 0xfff) {
      const void* nul = std::memchr(b + at + head_len, 0, end - at - head_len);
      if (nul == nullptr) return false;
      name = size_t(static_cast<const unsigned char*>(nul) - (b + at + head_len));
    }
    at += (head_len + name + 8) & ~size_t(7);  // NUL-padded to a multiple of eight
  }
  while (at + 8 <= end) {
    const uint32_t size = be32(b + at + 4);
    if (size > end - at - 8) return false;
    if (std::memcmp(b + at, "sdir", 4) == 0) return false;  // a sparse index: entries are trees
    if (std::memcmp(b + at, "TREE", 4) == 0) {
      // The root comes first: "" NUL entry_count SP subtrees LF oid (no oid when invalid: -1).
      std::string_view ext(data.data() + at + 8, size);
      if (ext.empty() || ext[0] != '\0') return false;
      size_t lf = ext.find('\n');
      if (lf == std::string_view::npos || ext[1] == '-' || lf + 1 + kOid > ext.size()) return false;
      return std::memcmp(ext.data() + lf + 1, head.id, kOid) == 0;
    }
    at += 8 + size;
  }
  return false;
}

struct Scan {
  const std::vector<Entry>& entries;
  const std::set<std::string_view>& dirs;  // every directory the index has files under
  int root_fd;
  int64_t index_mtime_ns;

  bool tracked(const std::string& path) const {
    auto it = std::lower_bound(entries.begin(), entries.end(), path,
                               [](const Entry& a, const std::string& p) { return a.path < p; });
    return it != entries.end() && it->path == path;
  }

  // Names in directory `dir` (open as `d`) that the index does not have (untracked or ignored:
  // the status decides), and tracked directories that are no longer directories.
  void list(DIR* d, std::string_view dir, std::vector<std::string>& out) const {
    while (dirent* de = ::readdir(d)) {
      const char* name = de->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (std::strcmp(name, ".git") == 0) continue;
      std::string child = dir.empty() ? std::string(name) : std::string(dir) + "/" + name;
      if (dirs.count(child)) {
        if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) out.push_back(child);  // dir became a file
        continue;
      }
      if (tracked(child)) continue;
      // A directory as "name/": libgit2's literal pathspec then takes it (and reports it once).
      // A file below the root as its directory: libgit2 1.5 does not report an untracked file
      // named literally inside a tracked directory (it does for the directory).
      if (de->d_type == DT_DIR) out.push_back(child + "/");
      else out.push_back(dir.empty() ? child : std::string(dir) + "/");
    }
  }

  DIR* open_dir(std::string_view dir) const {
    int fd = ::openat(root_fd, dir.empty() ? "." : std::string(dir).c_str(),
                      O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return nullptr;
    DIR* d = ::fdopendir(fd);
    if (d == nullptr) ::close(fd);
    return d;
  }

  // Entries [begin, end): each directory is opened once, listed, and its files stat'ed relative
  // to it; appends the paths that may differ.
  void stat_range(size_t begin, size_t end, std::vector<std::string>& out) const {
    std::string_view open;
    DIR* d = nullptr;
    for (size_t i = begin; i < end; ++i) {
      const Entry& en = entries[i];
      std::string_view dir = dir_of(en.path);
      // Entries are sorted by path: each directory's files come in one run.
      if (i == begin || dir != open) {
        if (d != nullptr) ::closedir(d);
        open = dir;
        d = open_dir(dir);
        if (d != nullptr) list(d, dir, out);
      }
      std::string_view base = dir.empty() ? en.path : en.path.substr(dir.size() + 1);
      struct stat st {};
      if (d == nullptr || ::fstatat(::dirfd(d), std::string(base).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
          !matches(*en.e, st, index_mtime_ns))
        out.emplace_back(en.path);
    }
    if (d != nullptr) ::closedir(d);
  }
};

// Paths that differ between HEAD and the index (a tree-to-index diff: no work-tree access,
// ~200 ms for 10,000 trees). False when HEAD is unborn (everything staged) or unreadable: the
// caller then falls back to a full status.
bool staged_paths(git_repository* repo, git_index* index, const char* index_path, const struct stat& ist,
                  std::vector<std::string>& out) {
  bool diff_ok = false;
  git_object* head_tree = nullptr;
  if (git_revparse_single(&head_tree, repo, "HEAD^{tree}") == 0 &&
      cache_tree_is(index_path, ist, *git_object_id(head_tree))) {
    diff_ok = true;  // the index is HEAD's tree: nothing staged
    git_object_free(head_tree);
  } else if (head_tree != nullptr) {
    git_diff* diff = nullptr;
    if (git_diff_tree_to_index(&diff, repo, reinterpret_cast<git_tree*>(head_tree), index, nullptr) == 0) {
      diff_ok = true;
      for (size_t i = 0, d = git_diff_num_deltas(diff); i < d; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff, i);
        out.emplace_back(delta->old_file.path);
        if (std::strcmp(delta->old_file.path, delta->new_file.path) != 0) out.emplace_back(delta->new_file.path);
      }
      git_diff_free(diff);
    }
    git_object_free(head_tree);
  }
  if (!diff_ok) git_error_clear();
  return diff_ok;
}

// Directories that hold only directories are listed here; the others by their stat thread.
void list_dirs_without_files(const Scan& scan, const std::vector<Entry>& entries,
                             const std::set<std::string_view>& dirs, std::vector<std::string>& out) {
  std::set<std::string_view> with_files;
  std::string_view last;
  for (size_t i = 0; i < entries.size(); ++i)
    if (std::string_view d = dir_of(entries[i].path); i == 0 || d != last) with_files.insert(last = d);
  for (std::string_view dir : dirs)
    if (!with_files.count(dir))
      if (DIR* d = scan.open_dir(dir)) {
        scan.list(d, dir, out);
        ::closedir(d);
      }
}

}  // namespace

std::optional<std::vector<std::string>> status_candidates(git_repository* repo, unsigned threads,
                                                          size_t max_candidates) {
  const char* workdir = git_repository_workdir(repo);
  if (workdir == nullptr) return std::nullopt;
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  std::unique_ptr<git_index, void (*)(git_index*)> index(raw_index, git_index_free);
  size_t n = git_index_entrycount(index.get());
  if (n < kMinEntries || git_index_has_conflicts(index.get())) return std::nullopt;

  std::vector<std::string> out;
  struct stat ist {};
  const char* index_path = git_index_path(index.get());
  if (index_path == nullptr || ::stat(index_path, &ist) != 0) return std::nullopt;
  int64_t index_mtime_ns = ns(ist.st_mtim.tv_sec, ist.st_mtim.tv_nsec);

  std::vector<Entry> entries;
  entries.reserve(n);
  std::set<std::string_view> dirs{std::string_view()};
  for (size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index.get(), i);
    if ((e->mode & 0170000) == 0160000) continue;  // a submodule: not part of the status asked for
    if (e->flags_extended & (GIT_INDEX_ENTRY_INTENT_TO_ADD | GIT_INDEX_ENTRY_SKIP_WORKTREE)) {
      out.emplace_back(e->path);
      continue;
    }
    entries.push_back({e, e->path});
    for (std::string_view d = dir_of(entries.back().path); !d.empty() && dirs.insert(d).second; d = dir_of(d)) {
    }
  }

  int root_fd = ::open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return std::nullopt;
  Scan scan{entries, dirs, root_fd, index_mtime_ns};
  threads = std::max(1u, threads);
  std::vector<std::vector<std::string>> found(threads + 1);
  std::vector<std::thread> pool;
  size_t per = (entries.size() + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    size_t b = std::min(entries.size(), t * per), e = std::min(entries.size(), b + per);
    pool.emplace_back([&scan, &found, t, b, e] { scan.stat_range(b, e, found[t]); });
  }
  // Index vs HEAD and the directories without files on this thread while the others stat: it
  // only reads the index, as they do.
  const bool diff_ok = staged_paths(repo, index.get(), index_path, ist, found[threads]);
  list_dirs_without_files(scan, entries, dirs, found[threads]);
  for (auto& th : pool) th.join();
  ::close(root_fd);
  if (!diff_ok) return std::nullopt;
  for (auto& f : found)
    for (auto& p : f) out.push_back(std::move(p));
  if (out.size() > max_candidates) return std::nullopt;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace hallmark::context::internal
