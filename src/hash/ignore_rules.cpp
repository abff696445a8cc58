#include "ignore_rules.hpp"

#include <git2.h>

#include <climits>
#include <cstdlib>
#include <mutex>

namespace hallmark::detail {

namespace {
std::string canonical(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) return p;
  return buf;
}
} // namespace

IgnoreRules::IgnoreRules(const std::string& dir) {
  static std::once_flag init;
  std::call_once(init, [] { git_libgit2_init(); });
  if (git_repository_open_ext(&repo_, dir.c_str(), 0, nullptr) != 0) {
    repo_ = nullptr;
    return;
  }
  const char* wd = git_repository_workdir(repo_);
  if (wd == nullptr) {  // bare repository: no work tree, no ignore rules that apply to files
    git_repository_free(repo_);
    repo_ = nullptr;
    return;
  }
  workdir_ = canonical(wd);
  if (workdir_.empty() || workdir_.back() != '/') workdir_ += '/';
}

IgnoreRules::~IgnoreRules() {
  if (repo_ != nullptr) git_repository_free(repo_);
}

std::optional<std::string> IgnoreRules::workdir_relative(const std::string& abs) const {
  if (repo_ == nullptr) return std::nullopt;
  std::string c = canonical(abs);
  if (c.size() + 1 == workdir_.size() && workdir_.compare(0, c.size(), c) == 0) return "";
  if (c.compare(0, workdir_.size(), workdir_) != 0) return std::nullopt;
  return c.substr(workdir_.size());
}

// Asking libgit2 per path (git_ignore_path_is_ignored) rebuilds the ignore stack and stats
// every .gitignore up the tree on each call: ~30 us a path, 0.6 s for 20,000 files. Instead one
// diff of an empty index against the work tree lists, in a single pass, exactly the entries the
// rules ignore (an ignored directory as one entry, not descended into); the walk then asks a
// hash set. With an empty index there is nothing to compare file contents with, so the pass
// reads no file, only directories.
void IgnoreRules::load(const std::string& prefix) {
  if (repo_ == nullptr) return;
  for (const auto& l : loaded_)
    if (l.empty() || prefix == l || prefix.compare(0, l.size() + 1, l + "/") == 0) return;
  loaded_.push_back(prefix);
  git_index* empty = nullptr;
  if (git_index_new(&empty) != 0) return;
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  o.flags = GIT_DIFF_INCLUDE_IGNORED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
            GIT_DIFF_DISABLE_PATHSPEC_MATCH;
  char* spec = const_cast<char*>(prefix.c_str());
  if (!prefix.empty()) {
    o.pathspec.strings = &spec;
    o.pathspec.count = 1;
  }
  git_diff* diff = nullptr;
  if (git_diff_index_to_workdir(&diff, repo_, empty, &o) == 0) {
    size_t n = git_diff_num_deltas(diff);
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff, i);
      if (d->status != GIT_DELTA_IGNORED || d->new_file.path == nullptr) continue;
      std::string p = d->new_file.path;
      if (!p.empty() && p.back() == '/') p.pop_back();  // an ignored directory
      ignored_.insert(std::move(p));
    }
    git_diff_free(diff);
  }
  git_index_free(empty);
}

bool IgnoreRules::ignored(const std::string& workdir_rel) const {
  return !workdir_rel.empty() && ignored_.count(workdir_rel) != 0;
}

} // namespace hallmark::detail
