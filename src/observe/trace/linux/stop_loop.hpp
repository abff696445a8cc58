// The ptrace stop loop: waits for every stop of every task of the traced tree, decodes the few
// syscalls the seccomp filter lets through, reports them to the TraceLog and resumes the task
// at once. It holds the tree's bookkeeping (tid -> thread group, syscalls awaiting their exit
// stop) and the rules that make a traced build behave like an untraced one: signals are
// re-injected, group-stops are kept with PTRACE_LISTEN, events are accepted in any order.
// See docs/requirements/trace-*.md.
#pragma once

#include "../trace_log.hpp"
#include "read_watch.hpp"

#include <sys/types.h>

#include <string>
#include <unordered_map>

namespace hallmark::observe::internal {

class StopLoop {
public:
  // With `reads`, successful read-only opens come from it (the filter lets them through) and
  // are logged before each stop is handled, so the log sees them in the order they happened
  // (a dying process's last reads are queued before its death is reported).
  StopLoop(pid_t root, TraceLog& log, ReadWatch* reads = nullptr);
  // Returns when every traced task has exited (like strace -f): the root's wait status.
  int run();

private:
  enum class Wait { none, file, connect, dns };
  struct Task {
    pid_t tgid = 0;
    Wait wait = Wait::none;   // a syscall whose result is read at its exit stop
    std::string path, path2;  // file: the operand(s); rename: from, to
    unsigned ops = 0, ops2 = 0;
    bool is_open = false;
    Connection conn;
    std::string exec_path;  // the file name of the last execve, read at its entry
    uint64_t dns_buf = 0;   // dns: where the answer is being received, and its room
    size_t dns_room = 0;
    bool dns_tcp = false;
  };

  Task& task(pid_t tid);  // creates the entry on first sight
  void on_seccomp_stop(pid_t tid);
  void on_syscall_stop(pid_t tid);
  void on_exec(pid_t tid);
  void on_new_child(pid_t parent);
  void on_death(pid_t tid, int status);
  void resume(pid_t tid, int sig);
  void drain_reads();

  std::string resolve(pid_t tid, long dirfd, uint64_t addr);
  bool decode_open(pid_t tid, Task& t, long dirfd, uint64_t path, uint64_t flags);
  bool decode_sockaddr(pid_t tid, Task& t, int fd, uint64_t addr, uint64_t len);
  // A receive on a socket that sent to port 53: its exit stop reads the answer.
  void expect_dns(Task& t, int fd, uint64_t buf, size_t room);
  // The entry-stop decoders of on_seccomp_stop's syscalls that take more than one call.
  void file_op(pid_t tid, Task& t, long dirfd, uint64_t addr, unsigned ops);
  void second_path(pid_t tid, Task& t, long dirfd, uint64_t addr, unsigned ops);
  void decode_openat2(pid_t tid, Task& t, long dirfd, uint64_t path, uint64_t how);
  void decode_execveat(pid_t tid, Task& t, long dirfd, uint64_t path, uint64_t flags);
  void decode_sendmsg(pid_t tid, Task& t, int fd, uint64_t msg);
  void decode_recvmsg(pid_t tid, Task& t, int fd, uint64_t msg);

  pid_t root_;
  TraceLog& log_;
  ReadWatch* reads_;
  std::unordered_map<pid_t, Task> tasks_;
  // Per thread group: the sockets that sent to port 53 (fd -> TCP), whose answers are decoded.
  std::unordered_map<pid_t, std::unordered_map<int, bool>> dns_sockets_;
  int root_status_ = 0;
  bool root_done_ = false;
};

}  // namespace hallmark::observe::internal
