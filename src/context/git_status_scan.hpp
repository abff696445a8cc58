// Internal to src/context: narrows a repository's status down to the paths it could report.
//
// libgit2 computes a status on one thread: an lstat per index entry by absolute path, then the
// untracked walk. On 100,000 files that was 710 ms against 380–450 ms for `git status`, which
// stats the index on many threads. The scan does the stat-cache comparison itself, on one
// thread per core, each stat relative to its directory's descriptor; it lists the work tree's
// directories for names the index does not have, and takes the index-vs-HEAD differences from a
// tree-to-index diff (no work-tree access), unless the index's cache-tree already names HEAD's
// tree (the usual case after a checkout or commit: nothing staged, no tree object read). libgit2's status then runs on
// the candidates alone (literal pathspecs), so every count still follows libgit2's (and git's) rules: ignore files,
// racy entries, untracked directories counted once, typechanges.
#pragma once

#include <git2.h>

#include <optional>
#include <string>
#include <vector>

namespace hallmark::context::internal {

// The paths that may differ from the index or HEAD, or be untracked; nullopt when narrowing
// does not pay (a small index, an unborn HEAD, or more candidates than `max_candidates`): the
// caller then runs the full status.
std::optional<std::vector<std::string>> status_candidates(git_repository* repo, unsigned threads,
                                                          size_t max_candidates = 4096);

}  // namespace hallmark::context::internal
