// Where a step ran: the host, its resource use, and the git, CI and environment context the
// context module collects (every string already redacted). Part of the step record.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hallmark {

struct Rusage {
  double user_cpu_s = 0;
  double sys_cpu_s = 0;
  int64_t max_rss_kb = 0;
};

struct HostInfo {
  std::string hostname, os, kernel, arch;
  uint32_t uid = 0;
};

struct GitContext {
  std::string root;    // work tree root
  std::string commit;  // HEAD commit id (hex), empty on an unborn branch
  std::string branch;  // empty when detached
  bool detached = false;
  std::vector<std::string> tags;  // tags pointing at HEAD
  std::string remote_url;         // origin (or first remote), credentials stripped
  uint64_t dirty = 0;             // tracked files modified/staged/deleted
  uint64_t untracked = 0;
  bool shallow = false;
  bool worktree = false;  // a linked worktree (git worktree add)
};

struct CiContext {
  std::string platform;    // "github-actions", "gitlab-ci", ..., "generic"
  std::string builder_id;  // URI naming the build platform instance
  std::string run_id, run_attempt, run_url;
  std::string pipeline, job;  // workflow/pipeline name, job name
  std::string trigger, ref, commit, actor, repository_url;
  std::map<std::string, std::string> selected;  // platform variables worth keeping (redacted)
};

struct EnvContext {
  std::map<std::string, std::string> vars;  // values redacted as needed
  std::vector<std::string> redacted;        // names whose value was replaced
};

}  // namespace hallmark
