// Internal to src/hash: the enclosing git repository's ignore rules (.gitignore files,
// info/exclude, core.excludesFile), evaluated by libgit2 and consulted per entry during the walk
// so that an ignored directory is never entered.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

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
  // Loads what is ignored below `prefix` (work-tree-relative, "" for all of it); call once per
  // walk root before asking about paths below it.
  void load(const std::string& prefix);
  bool ignored(const std::string& workdir_rel) const;

private:
  git_repository* repo_ = nullptr;
  std::string workdir_;  // canonical, with a trailing '/'
  std::vector<std::string> loaded_;
  std::unordered_set<std::string> ignored_;
};

} // namespace hallmark::detail
