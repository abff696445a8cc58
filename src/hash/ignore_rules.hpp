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

// Ignore lines libgit2 1.5 (Debian 12's) mishandles, found by tests/fuzz/fuzz_ignore.cpp; a
// file holding one is never handed to libgit2:
// - a vertical tab or form feed where a pattern is empty before it ("\v/", " \f", "!\v"): the
//   parser reports "no pattern" without moving past the character and loops forever;
// - "!//" (trailing blanks allowed) after a rule that matches: the pattern is empty once both
//   slashes are taken off, and the negation dereferences NULL.
struct BadIgnoreLine {
  size_t line = 0;  // 1-based
  std::string why;  // "holds a vertical tab or form feed, on which libgit2 1.5 never returns"
};
std::optional<BadIgnoreLine> line_libgit2_mishandles(std::string_view text);

}  // namespace hallmark::hash::internal
