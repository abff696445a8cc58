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

namespace hallmark::detail {
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
    int fd = ::openat(root_fd, dir.empty() ? "." : std::string(dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
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

} // namespace

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
  // Index vs HEAD (a tree-to-index diff: no work-tree access, ~200 ms for 10,000 trees) on this
  // thread while the others stat: it only reads the index, as they do.
  bool diff_ok = false;
  git_object* head_tree = nullptr;
  if (git_revparse_single(&head_tree, repo, "HEAD^{tree}") == 0) {
    git_diff* diff = nullptr;
    if (git_diff_tree_to_index(&diff, repo, reinterpret_cast<git_tree*>(head_tree), index.get(), nullptr) == 0) {
      diff_ok = true;
      for (size_t i = 0, d = git_diff_num_deltas(diff); i < d; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff, i);
        found[threads].emplace_back(delta->old_file.path);
        if (std::strcmp(delta->old_file.path, delta->new_file.path) != 0) found[threads].emplace_back(delta->new_file.path);
      }
      git_diff_free(diff);
    }
    git_object_free(head_tree);
  }
  if (!diff_ok) git_error_clear();  // unborn HEAD (everything staged) or unreadable: full status
  // Directories that hold only directories are listed here; the others by their stat thread.
  std::set<std::string_view> with_files;
  std::string_view last;
  for (size_t i = 0; i < entries.size(); ++i)
    if (std::string_view d = dir_of(entries[i].path); i == 0 || d != last) with_files.insert(last = d);
  for (std::string_view dir : dirs)
    if (!with_files.count(dir))
      if (DIR* d = scan.open_dir(dir)) {
        scan.list(d, dir, found[threads]);
        ::closedir(d);
      }
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

} // namespace hallmark::detail
