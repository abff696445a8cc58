// ReadWatch: successful read-only opens seen through fanotify instead of a ptrace stop each.
// A build's opens are mostly read-only (headers, libraries, and thousands of failed include
// probes); each seccomp stop costs the tracee and the tracer ~15-40 us on a VM, a fanotify
// event ~2 us and no stop at all. So when fanotify is permitted (CAP_SYS_ADMIN) the seccomp
// filter lets read-only open/openat through and this watch reports the ones that succeeded,
// by process id, with the opened file's path (parent directory handle + name, resolved here),
// when the file is closed (FAN_CLOSE_NOWRITE: only files opened without write access).
// What it cannot see, failed read-only opens, is then not counted (docs/record-format.md).
#pragma once

#include "hallmark/util/result.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hallmark::observe::internal {

class ReadWatch {
public:
  // Marks every non-pseudo filesystem mounted here. An error when fanotify is not permitted or
  // a filesystem cannot be watched unambiguously (no file handles, bind mounts): the caller then
  // stops for every open as before.
  static Result<std::unique_ptr<ReadWatch>> start();
  ~ReadWatch();
  ReadWatch(const ReadWatch&) = delete;
  ReadWatch& operator=(const ReadWatch&) = delete;

  // Reads what is queued without blocking and calls `on_read(pid, absolute path)` for each file
  // closed after a successful read-only open, in the order the kernel queued them. Called before
  // each ptrace stop is handled, so every read that ended before the stop is logged before it.
  // `traced`: whether an event's process is one of the traced tree's; the mark covers the whole
  // mount, so others' events are dropped before anything is resolved or counted as lost.
  void drain(const std::function<bool(pid_t)>& traced, const std::function<void(pid_t, const std::string&)>& on_read);
  // Paths under `real` are reported under `given` (a workspace reached through a symlink).
  void alias(std::string real, std::string given) { aliases_.emplace_back(std::move(real), std::move(given)); }
  // Events the kernel dropped (queue overflow) or whose directory could not be resolved.
  uint64_t lost() const { return lost_; }

private:
  ReadWatch() = default;
  std::string directory(const void* fsid, const void* handle, size_t handle_size);

  int fd_ = -1;
  // fsid -> a descriptor of that filesystem's mount point, for open_by_handle_at.
  std::vector<std::pair<std::string, int>> mounts_;
  // fsid + file handle of a directory -> its path: a build opens files in a few hundred
  // directories, so each is resolved once (a directory renamed later keeps its first name).
  std::unordered_map<std::string, std::string> dirs_;
  std::vector<std::pair<std::string, std::string>> aliases_;
  uint64_t lost_ = 0;
};

}  // namespace hallmark::observe::internal
