// Reading a stopped tracee: strings and structs from its memory (process_vm_readv, one or two
// syscalls per string, never PEEKDATA word by word) and what /proc says about it (cwd, fds,
// exe, cmdline, tgid). Every function tolerates a tracee that died meanwhile: it returns empty.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hallmark::observe::internal {

// A NUL-terminated string of at most `max` bytes at `addr`; nullopt when unreadable/too long.
std::optional<std::string> read_tracee_string(pid_t tid, uint64_t addr, size_t max = 4096);
bool read_tracee_bytes(pid_t tid, uint64_t addr, void* out, size_t len);

// readlink("/proc/TID/<what>"), e.g. "cwd", "exe", "fd/3"; empty on failure.
std::string proc_link(pid_t tid, const char* what);
std::vector<std::string> proc_cmdline(pid_t pid);

// The OpenTelemetry network.transport of socket `fd` of process `tgid` ("tcp", "udp", "unix"),
// from a duplicate of the descriptor (pidfd_getfd: the tracer may); empty when unknown.
std::string socket_transport(pid_t tgid, int fd);

struct TaskIds {
  pid_t tgid = 0, ppid = 0;
};
std::optional<TaskIds> proc_task_ids(pid_t tid);

}  // namespace hallmark::observe::internal
