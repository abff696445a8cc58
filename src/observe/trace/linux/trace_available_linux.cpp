// trace_available() on Linux: asks the kernel rather than guessing from configuration. A
// short-lived child is seized with PTRACE_SEIZE and installs a seccomp filter; container
// policies (a seccomp profile denying ptrace, Yama scope 3, no CAP_SYS_PTRACE across user
// namespaces) make one of the two fail, and the error names which.
#include "hallmark/observe/trace.hpp"

#include "seccomp_filter.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

namespace hallmark {

namespace {

std::string probe() {
  const auto filter = observe::internal::build_seccomp_filter();
  const bool need_nnp = ::geteuid() != 0;
  int go[2], report[2];
  if (::pipe2(go, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  if (::pipe2(report, O_CLOEXEC) != 0) {
    ::close(go[0]);
    ::close(go[1]);
    return std::string("pipe: ") + std::strerror(errno);
  }
  const pid_t child = ::fork();
  if (child < 0) return std::string("fork: ") + std::strerror(errno);
  if (child == 0) {
    ::close(go[1]);
    ::close(report[0]);
    int err = 0;
    if (need_nnp && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) err = errno;
    char byte;
    while (::read(go[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (err == 0) err = observe::internal::install_seccomp_filter(filter);
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(0);
  }
  ::close(go[0]);
  ::close(report[1]);
  std::string why;
  if (::ptrace(PTRACE_SEIZE, child, 0, PTRACE_O_EXITKILL) != 0)
    why = std::string("ptrace is not permitted here (") + std::strerror(errno) + ")";
  ::close(go[1]);
  for (;;) {
    int status = 0;
    if (::waitpid(child, &status, __WALL) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) break;
    const bool group_stop = (status >> 16) == PTRACE_EVENT_STOP;
    ::ptrace(PTRACE_CONT, child, 0, group_stop ? 0 : WSTOPSIG(status));
  }
  int err = -1;
  if (::read(report[0], &err, sizeof err) != ssize_t(sizeof err)) err = -1;
  ::close(report[0]);
  if (why.empty() && err != 0)
    why = err > 0 ? std::string("seccomp filters are not permitted here (") + std::strerror(err) + ")"
                  : "the seccomp probe did not report";
  return why;
}

}  // namespace

Status trace_available() {
  // One probe per process: the answer does not change while hallmark runs.
  static std::once_flag once;
  static std::string reason;
  std::call_once(once, [] { reason = probe(); });
  if (!reason.empty()) return make_error(reason);
  return ok_status();
}

}  // namespace hallmark
