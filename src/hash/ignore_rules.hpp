// Internal to src/hash: the enclosing git repository's ignore rules (.gitignore, info/exclude,
// core.excludesFile) through libgit2, asked per entry during the walk so an ignored directory is
// never entered.
#pragma once

#include <optional>
#include <string>

struct git_repository;

namespace hallmark::detail {

class IgnoreRules {
public:
  // Opens the repository enclosing `dir` (searching upwards); no repository means nothing is
  // ignored, which is not an error.
  explicit IgnoreRules(const std::string& dir);
  ~IgnoreRules();
  IgnoreRules(const IgnoreRules&) = delete;
  IgnoreRules& operator=(const IgnoreRules&) = delete;

  bool active() const { return repo_ != nullptr; }
  // The path of `abs` relative to the work tree: "" for the work tree itself, nullopt outside it
  // (nothing there is ignored).
  std::optional<std::string> workdir_relative(const std::string& abs) const;
  bool ignored(const std::string& workdir_rel, bool is_dir) const;

private:
  git_repository* repo_ = nullptr;
  std::string workdir_;  // canonical, with a trailing '/'
};

} // namespace hallmark::detail
