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

bool IgnoreRules::ignored(const std::string& workdir_rel, bool is_dir) const {
  if (repo_ == nullptr || workdir_rel.empty()) return false;
  // A trailing '/' tells libgit2 the entry is a directory (rules like "build/"), sparing it a
  // stat of its own.
  std::string p = is_dir ? workdir_rel + "/" : workdir_rel;
  int ignored = 0;
  if (git_ignore_path_is_ignored(&ignored, repo_, p.c_str()) != 0) return false;
  return ignored != 0;
}

} // namespace hallmark::detail
