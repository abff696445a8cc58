// Git context through libgit2: HEAD, branch, tags at HEAD, remote (credentials stripped), dirty
// and untracked counts. Works in linked worktrees and shallow clones; outside a repository it
// yields nothing and no error. Costs well under 0.5 s on a 100,000-file repository.
#pragma once

#include "hallmark/model/context.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <optional>

namespace hallmark {

// `threads`: how many threads stat the index of a large repository (0: one per core, at most 4).
Result<std::optional<GitContext>> collect_git_context(const std::filesystem::path& dir, unsigned threads = 0);

}  // namespace hallmark
