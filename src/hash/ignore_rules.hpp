// Internal to src/hash: the enclosing git repository's ignore rules (.gitignore files,
// info/exclude, core.excludesFile), evaluated by libgit2 and consulted per entry during the walk
// so that an ignored directory is never entered.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

struct git_repository;

namespace hallmark::hash::internal {

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
  // walk root before asking about paths below it. When the rules cannot be read safely or fully,
  // nothing below `prefix` is ignored (the walk then records more, never less) and the returned
  // problem says which file and why, for the walk's warnings.
  struct Problem {
    std::string file;  // work-tree-relative, or absolute outside the work tree
    std::string message;
  };
  std::optional<Problem> load(const std::string& prefix);
  bool ignored(const std::string& workdir_rel) const;

private:
  git_repository* repo_ = nullptr;
  std::string workdir_;  // canonical, with a trailing '/'
  std::string gitdir_;   // with a trailing '/'
  std::vector<std::string> loaded_;
  std::unordered_set<std::string> ignored_;
};

// libgit2 1.5 (Debian 12's) loops forever on an ignore line whose pattern is empty before a
// vertical tab or form feed ("\v/", " \f", "!\v"): its parser reports "no pattern" without
// moving past the character. The first line of `text` holding either character (1-based), or 0;
// such a file is never handed to libgit2. Found by tests/fuzz/fuzz_ignore.cpp.
size_t line_libgit2_cannot_parse(std::string_view text);

} // namespace hallmark::hash::internal
