#include "stop_loop.hpp"

#include "seccomp_filter.hpp"
#include "tracee_io.hpp"

#include "hallmark/observe/dns.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <pthread.h>
#include <cstring>
#include <ctime>
#include <optional>
#include <vector>

namespace hallmark::observe::internal {

namespace {

using SyscallInfo = __ptrace_syscall_info;

bool syscall_info(pid_t tid, SyscallInfo& info) {
  std::memset(&info, 0, sizeof info);
  return ::ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0;
}

SystemTime now() { return std::chrono::system_clock::now(); }

// Interrupts the tracer thread's waitpid every 50 ms (a thread-directed timer signal with a
// handler that does nothing), for as long as it lives; nothing else on that thread.
class ReadWatchTimer {
public:
  ReadWatchTimer() {
    // The signal is blocked on this thread except inside waitpid (Unblocked): it exists to
    // interrupt that one call, so it has no SA_RESTART, and no other blocking call of the
    // tracer thread (the process listener's, a write of the log) may ever see its EINTR.
    sigemptyset(&set_);
    sigaddset(&set_, signo());
    ::pthread_sigmask(SIG_BLOCK, &set_, &old_mask_);
    struct sigaction sa {};
    sa.sa_handler = [](int) {};
    sigemptyset(&sa.sa_mask);
    ::sigaction(signo(), &sa, &old_);
    sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = signo();
    ev._sigev_un._tid = ::gettid();
    if (::timer_create(CLOCK_MONOTONIC, &ev, &timer_) != 0) return;
    armed_ = true;
    itimerspec every{{0, 50'000'000}, {0, 50'000'000}};
    ::timer_settime(timer_, 0, &every, nullptr);
  }
  ~ReadWatchTimer() {
    if (armed_) ::timer_delete(timer_);
    // A tick still pending is discarded, not delivered to the restored handler.
    timespec zero{0, 0};
    while (::sigtimedwait(&set_, nullptr, &zero) > 0) {
    }
    ::sigaction(signo(), &old_, nullptr);
    ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  ReadWatchTimer(const ReadWatchTimer&) = delete;
  ReadWatchTimer& operator=(const ReadWatchTimer&) = delete;

  // The tick may interrupt this scope only (a tick pending on entry is taken at once, and the
  // wait then lasts until the next one at most).
  class Unblocked {
  public:
    explicit Unblocked(const ReadWatchTimer* t) : t_(t) {
      if (t_) ::pthread_sigmask(SIG_UNBLOCK, &t_->set_, nullptr);
    }
    ~Unblocked() {
      if (t_) ::pthread_sigmask(SIG_BLOCK, &t_->set_, nullptr);
    }
    Unblocked(const Unblocked&) = delete;
    Unblocked& operator=(const Unblocked&) = delete;

  private:
    const ReadWatchTimer* t_;
  };

private:
  static int signo() { return SIGRTMIN + 4; }
  struct sigaction old_ {};
  sigset_t set_{}, old_mask_{};
  timer_t timer_{};
  bool armed_ = false;
};

bool is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

}  // namespace

StopLoop::StopLoop(pid_t root, TraceLog& log, ReadWatch* reads) : root_(root), log_(log), reads_(reads) {
  Task t;
  t.tgid = root;
  tasks_.emplace(root, t);
  log_.process_started(root, ::getpid(), now());
}

StopLoop::Task& StopLoop::task(pid_t tid) {
  auto it = tasks_.find(tid);
  if (it != tasks_.end()) return it->second;
  // First sight of a task, from its parent's fork/clone event or from its own first stop,
  // whichever the kernel reported first. /proc tells thread from process and names the parent.
  Task t;
  t.tgid = tid;
  pid_t ppid = 0;
  if (auto ids = proc_task_ids(tid)) {
    t.tgid = ids->tgid;
    ppid = ids->ppid;
  }
  if (t.tgid == tid) log_.process_started(tid, ppid, now());
  return tasks_.emplace(tid, std::move(t)).first->second;
}

void StopLoop::resume(pid_t tid, int sig) {
  auto it = tasks_.find(tid);
  const bool want_exit = it != tasks_.end() && it->second.wait != Wait::none;
  // ESRCH (the task was killed meanwhile) is harmless: its death is reported by waitpid.
  ::ptrace(want_exit ? PTRACE_SYSCALL : PTRACE_CONT, tid, 0, sig);
}

void StopLoop::drain_reads() {
  // Only the traced tree: hallmark's own hashing threads and other processes open files too.
  auto traced = [this](pid_t pid) {
    auto it = tasks_.find(pid);
    return it != tasks_.end() && it->second.tgid == pid;
  };
  reads_->drain(traced, [this](pid_t pid, const std::string& path) { log_.file(pid, path, kOpRead, true, true); });
}

int StopLoop::run() {
  // A build step that only reads (no stop for a long while) must not pile up events in the
  // kernel: a timer interrupts waitpid now and then so the queue is drained.
  std::optional<ReadWatchTimer> timer;
  if (reads_) timer.emplace();
  for (;;) {
    int status = 0;
    pid_t tid;
    int wait_errno;
    {
      ReadWatchTimer::Unblocked tick(timer ? &*timer : nullptr);
      tid = ::waitpid(-1, &status, __WALL);
      wait_errno = errno;
    }
    if (reads_) drain_reads();  // what was read (and closed) before this stop is logged before it
    if (tid < 0) {
      if (wait_errno == EINTR) continue;  // a forwarded signal or the drain timer
      break;                              // ECHILD: nothing left to wait for
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      on_death(tid, status);
      if (root_done_ && tasks_.empty()) break;
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    const int sig = WSTOPSIG(status);
    const int event = (status >> 16) & 0xffff;
    task(tid);
    switch (event) {
    case PTRACE_EVENT_SECCOMP: on_seccomp_stop(tid); break;
    case PTRACE_EVENT_EXEC: on_exec(tid); break;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: on_new_child(tid); break;
    case PTRACE_EVENT_EXIT: resume(tid, 0); break;
    case PTRACE_EVENT_STOP:
      // With PTRACE_SEIZE a group-stop is reported as an event stop carrying the stop signal;
      // PTRACE_LISTEN leaves the task stopped (as job control wants) yet still reports a later
      // SIGCONT or SIGKILL. Any other event stop (a new task's first stop) just resumes.
      if (is_stop_signal(sig)) ::ptrace(PTRACE_LISTEN, tid, 0, 0);
      else resume(tid, 0);
      break;
    default:
      if (sig == (SIGTRAP | 0x80)) on_syscall_stop(tid);
      else resume(tid, sig);  // signal-delivery-stop: deliver the signal unchanged
      break;
    }
  }
  return root_status_;
}

void StopLoop::on_death(pid_t tid, int status) {
  auto it = tasks_.find(tid);
  if (it != tasks_.end()) {
    if (it->second.tgid == tid) {
      const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      log_.process_exited(tid, code, sig, now());
      dns_sockets_.erase(tid);  // its descriptors are gone; the pid may be reused
    }
    tasks_.erase(it);
  }
  if (tid == root_) {
    root_status_ = status;
    root_done_ = true;
  }
}

void StopLoop::on_new_child(pid_t parent) {
  unsigned long child = 0;
  if (::ptrace(PTRACE_GETEVENTMSG, parent, 0, &child) == 0 && child != 0) task(pid_t(child));
  resume(parent, 0);
}

void StopLoop::on_exec(pid_t pid) {
  // After a successful execve the kernel reports the event under the thread group id. When a
  // non-leader thread exec'd, GETEVENTMSG names its former tid: that task is now `pid`, and the
  // old leader (and every other thread) is gone without a separate death report for the leader.
  unsigned long former = 0;
  ::ptrace(PTRACE_GETEVENTMSG, pid, 0, &former);
  std::string exec_path;
  if (former != 0 && pid_t(former) != pid) {
    auto it = tasks_.find(pid_t(former));
    if (it != tasks_.end()) {
      exec_path = std::move(it->second.exec_path);
      tasks_.erase(it);
    }
  }
  Task& t = task(pid);
  if (exec_path.empty()) exec_path = std::move(t.exec_path);
  t.exec_path.clear();
  t.wait = Wait::none;
  t.tgid = pid;
  // /proc shows the new image only now: exe, argv and cwd are read here, not at syscall entry.
  const std::string exe = proc_link(pid, "exe");
  struct stat st {};
  const bool setuid = !exe.empty() && ::stat(exe.c_str(), &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID));
  log_.process_exec(pid, exe, exec_path, proc_cmdline(pid), proc_link(pid, "cwd"), setuid, now());
  resume(pid, 0);
}

std::string StopLoop::resolve(pid_t tid, long dirfd, uint64_t addr) {
  auto s = read_tracee_string(tid, addr);
  if (!s || s->empty()) return {};
  if ((*s)[0] == '/') return normalize_path("/", *s);
  std::string base;
  if (int(dirfd) == AT_FDCWD) {
    base = proc_link(tid, "cwd");
  } else {
    char what[32];
    std::snprintf(what, sizeof what, "fd/%d", int(dirfd));
    base = proc_link(tid, what);
  }
  if (base.empty() || base[0] != '/') return {};
  return normalize_path(base, *s);
}

bool StopLoop::decode_open(pid_t tid, Task& t, long dirfd, uint64_t path, uint64_t flags) {
  // O_PATH reads nothing; a directory opened for readdir is not a file the build consumed.
  if (flags & (O_PATH | O_DIRECTORY)) return false;
  t.path = resolve(tid, dirfd, path);
  if (t.path.empty()) return false;
  unsigned ops = 0;
  switch (flags & O_ACCMODE) {
  case O_RDONLY: ops = kOpRead; break;
  case O_WRONLY: ops = kOpWrite; break;
  default: ops = kOpRead | kOpWrite; break;
  }
  if (flags & O_TRUNC) ops |= kOpWrite;
  // /proc, /sys and /dev are only counted (TraceLog summarises them); their opens need no
  // syscall-exit stop, which keeps e.g. a toolchain's /proc/self reads cheap.
  if (pseudo_fs_root(t.path)) {
    log_.file(t.tgid, t.path, ops, true, true);
    return false;
  }
  if (ops == kOpRead && !(flags & (O_CREAT | O_NOFOLLOW))) {
    // A read-only open changes nothing, so whether it will succeed is known now, with the
    // tracee stopped: a file this step already opened and has not removed, or one readable
    // here. That spares the syscall-exit stop for most opens of a build (headers, libraries,
    // and the thousands of failed include-path probes). A race with another process creating
    // or removing the file between this check and the open is the accepted cost.
    const bool ok = log_.known_present(t.path) ||
                    (!log_.known_absent(t.path) && ::faccessat(AT_FDCWD, t.path.c_str(), R_OK, AT_EACCESS) == 0);
    log_.file(t.tgid, t.path, ops, ok, true);
    return false;
  }
  if (flags & O_CREAT) {
    // Whether this open creates the file is only knowable before it runs.
    struct stat st {};
    if (::lstat(t.path.c_str(), &st) != 0) ops |= kOpCreate | kOpWrite;
  }
  t.ops = ops;
  t.is_open = true;
  t.wait = Wait::file;
  return true;
}

bool StopLoop::decode_sockaddr(pid_t tid, Task& t, int fd, uint64_t addr, uint64_t len) {
  if (addr == 0 || len < sizeof(sa_family_t)) return false;
  sockaddr_storage ss{};
  const size_t n = std::min<uint64_t>(len, sizeof ss);
  if (!read_tracee_bytes(tid, addr, &ss, n)) return false;
  Connection c;
  c.pid = t.tgid;
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET && n >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    c.family = "inet";
    c.address = ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) ? text : "";
    c.port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6 && n >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    c.family = "inet6";
    c.address = ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text) ? text : "";
    c.port = ntohs(in6->sin6_port);
  } else if (ss.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
    const size_t path_len = n - offsetof(sockaddr_un, sun_path);
    if (path_len == 0) return false;  // unnamed
    c.family = "unix";
    if (un->sun_path[0] == '\0') {  // abstract namespace, shown as ss(8) does
      std::string name(un->sun_path, strnlen(un->sun_path + 1, path_len - 1) + 1);
      name[0] = '@';
      c.address = std::move(name);
    } else c.address = std::string(un->sun_path, strnlen(un->sun_path, path_len));
  } else {
    return false;  // netlink, packet, ...: not a connection to anything the build depends on
  }
  // Connects are rare next to opens: two extra syscalls here are cheap.
  c.transport = socket_transport(t.tgid, fd);
  if (c.family != "unix" && c.port == 53) dns_sockets_[t.tgid][fd] = c.transport == "tcp";
  t.conn = std::move(c);
  t.wait = Wait::connect;
  return true;
}

void StopLoop::expect_dns(Task& t, int fd, uint64_t buf, size_t room) {
  auto group = dns_sockets_.find(t.tgid);
  if (group == dns_sockets_.end() || buf == 0 || room == 0) return;
  auto sock = group->second.find(fd);
  if (sock == group->second.end()) return;
  t.dns_buf = buf;
  t.dns_room = room;
  t.dns_tcp = sock->second;
  t.wait = Wait::dns;
}

// The operand of a syscall that changes a file (rename's source, unlink, truncate, mknod).
void StopLoop::file_op(pid_t tid, Task& t, long dirfd, uint64_t addr, unsigned ops) {
  t.path = resolve(tid, dirfd, addr);
  t.ops = ops;
  t.is_open = false;
  if (!t.path.empty()) t.wait = Wait::file;
}

// The second operand: rename's target, the name link and symlink create.
void StopLoop::second_path(pid_t tid, Task& t, long dirfd, uint64_t addr, unsigned ops) {
  t.path2 = resolve(tid, dirfd, addr);
  t.ops2 = ops;
  if (!t.path2.empty()) t.wait = Wait::file;
}

void StopLoop::decode_openat2(pid_t tid, Task& t, long dirfd, uint64_t path, uint64_t how) {
  uint64_t flags = 0;  // struct open_how starts with the u64 flags
  if (read_tracee_bytes(tid, how, &flags, sizeof flags)) decode_open(tid, t, dirfd, path, flags);
}

void StopLoop::decode_execveat(pid_t tid, Task& t, long dirfd, uint64_t path, uint64_t flags) {
  auto name = read_tracee_string(tid, path);
  if ((flags & AT_EMPTY_PATH) && name && name->empty()) {
    char what[32];
    std::snprintf(what, sizeof what, "fd/%d", int(dirfd));
    t.exec_path = proc_link(tid, what);
  } else {
    t.exec_path = resolve(tid, dirfd, path);
  }
}

void StopLoop::decode_sendmsg(pid_t tid, Task& t, int fd, uint64_t msg) {
  msghdr m{};
  if (read_tracee_bytes(tid, msg, &m, sizeof m))
    decode_sockaddr(tid, t, fd, reinterpret_cast<uint64_t>(m.msg_name), m.msg_namelen);
}

void StopLoop::decode_recvmsg(pid_t tid, Task& t, int fd, uint64_t msg) {
  // The first buffer only: resolvers receive a message into one.
  msghdr m{};
  iovec v{};
  if (dns_sockets_.count(t.tgid) && read_tracee_bytes(tid, msg, &m, sizeof m) && m.msg_iovlen > 0 &&
      read_tracee_bytes(tid, reinterpret_cast<uint64_t>(m.msg_iov), &v, sizeof v))
    expect_dns(t, fd, reinterpret_cast<uint64_t>(v.iov_base), v.iov_len);
}

void StopLoop::on_seccomp_stop(pid_t tid) {
  Task& t = task(tid);
  SyscallInfo info;
  if (!syscall_info(tid, info) || info.op != PTRACE_SYSCALL_INFO_SECCOMP) return resume(tid, 0);
  if (info.arch != kNativeArch) {
    log_.foreign_abi_syscall(t.tgid);
    return resume(tid, 0);
  }
  const auto* a = info.seccomp.args;
  t.wait = Wait::none;
  t.ops = t.ops2 = 0;
  t.path.clear();
  t.path2.clear();
  switch (long(info.seccomp.nr)) {
#ifdef __NR_open
  case __NR_open: decode_open(tid, t, AT_FDCWD, a[0], a[1]); break;
#endif
#ifdef __NR_creat
  case __NR_creat: decode_open(tid, t, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC); break;
#endif
  case __NR_openat: decode_open(tid, t, long(a[0]), a[1], a[2]); break;
#ifdef __NR_openat2
  case __NR_openat2: decode_openat2(tid, t, long(a[0]), a[1], a[2]); break;
#endif
  case __NR_execve: t.exec_path = resolve(tid, AT_FDCWD, a[0]); break;
  case __NR_execveat: decode_execveat(tid, t, long(a[0]), a[1], a[4]); break;
  case __NR_connect: decode_sockaddr(tid, t, int(a[0]), a[1], a[2]); break;
  case __NR_sendto: decode_sockaddr(tid, t, int(a[0]), a[4], a[5]); break;
  case __NR_sendmsg: decode_sendmsg(tid, t, int(a[0]), a[1]); break;
  case __NR_recvfrom: expect_dns(t, int(a[0]), a[1], size_t(a[2])); break;
  case __NR_recvmsg: decode_recvmsg(tid, t, int(a[0]), a[1]); break;
#ifdef __NR_rename
  case __NR_rename:
    file_op(tid, t, AT_FDCWD, a[0], kOpRenameFrom);
    second_path(tid, t, AT_FDCWD, a[1], kOpRenameTo);
    break;
#endif
  case __NR_renameat:
  case __NR_renameat2:
    file_op(tid, t, long(a[0]), a[1], kOpRenameFrom);
    second_path(tid, t, long(a[2]), a[3], kOpRenameTo);
    break;
#ifdef __NR_unlink
  case __NR_unlink: file_op(tid, t, AT_FDCWD, a[0], kOpDelete); break;
#endif
  case __NR_unlinkat: file_op(tid, t, long(a[0]), a[1], kOpDelete); break;
#ifdef __NR_link
  case __NR_link: second_path(tid, t, AT_FDCWD, a[1], kOpCreate | kOpWrite); break;
#endif
  case __NR_linkat: second_path(tid, t, long(a[2]), a[3], kOpCreate | kOpWrite); break;
#ifdef __NR_symlink
  case __NR_symlink: second_path(tid, t, AT_FDCWD, a[1], kOpCreate | kOpWrite); break;
#endif
  case __NR_symlinkat: second_path(tid, t, long(a[1]), a[2], kOpCreate | kOpWrite); break;
  case __NR_truncate: file_op(tid, t, AT_FDCWD, a[0], kOpWrite); break;
#ifdef __NR_mknod
  case __NR_mknod: file_op(tid, t, AT_FDCWD, a[0], kOpCreate | kOpWrite); break;
#endif
  case __NR_mknodat: file_op(tid, t, long(a[0]), a[1], kOpCreate | kOpWrite); break;
  default: break;
  }
  // Restarting a seccomp stop with PTRACE_SYSCALL stops next at this syscall's exit.
  resume(tid, 0);
}

void StopLoop::on_syscall_stop(pid_t tid) {
  Task& t = task(tid);
  SyscallInfo info;
  if (t.wait == Wait::none || !syscall_info(tid, info) || info.op != PTRACE_SYSCALL_INFO_EXIT) {
    // An entry stop means the awaited exit never came (the task exec'd or the syscall was
    // restarted): drop it rather than misattribute the next result.
    t.wait = Wait::none;
    return resume(tid, 0);
  }
  const bool ok = !info.exit.is_error;
  if (t.wait == Wait::connect) {
    // A non-blocking connect in progress is an attempt that will most likely succeed; the
    // record says it was made.
    t.conn.success = ok || info.exit.rval == -EINPROGRESS;
    log_.connection(std::move(t.conn));
  } else if (t.wait == Wait::dns) {
    // 64 KiB is the most a DNS message can be (plus TCP's length prefix).
    const size_t n = std::min<size_t>({size_t(ok ? std::max<int64_t>(info.exit.rval, 0) : 0), t.dns_room, 65537});
    std::vector<uint8_t> bytes(n);
    if (n > 0 && read_tracee_bytes(tid, t.dns_buf, bytes.data(), n))
      if (auto answer = decode_dns_response(bytes.data(), n, t.dns_tcp))
        log_.dns_answer(answer->name, answer->addresses);
  } else {
    if (!t.path.empty()) log_.file(t.tgid, t.path, t.ops, ok, t.is_open);
    if (!t.path2.empty()) log_.file(t.tgid, t.path2, t.ops2, ok, false);
  }
  t.wait = Wait::none;
  t.is_open = false;
  resume(tid, 0);
}

}  // namespace hallmark::observe::internal
