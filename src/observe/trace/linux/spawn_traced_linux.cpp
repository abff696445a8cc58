// spawn_traced() on Linux: fork, let the child wait until the parent has seized it, install
// the seccomp filter in the child, exec, and run the stop loop until the whole tree is gone.
#include "hallmark/observe/trace.hpp"

#include "../prefetch.hpp"
#include "../trace_log.hpp"
#include "read_watch.hpp"
#include "seccomp_filter.hpp"
#include "stop_loop.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace hallmark {

namespace {

constexpr long kPtraceOptions = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                                PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;

// What the child reports through the CLOEXEC pipe when it fails before exec succeeds.
struct ChildFailure {
  int stage;  // 1: seccomp filter, 2: exec
  int err;
};

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

Rusage children_rusage_delta(const rusage& before, const rusage& after) {
  auto secs = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
  Rusage r;
  r.user_cpu_s = secs(after.ru_utime) - secs(before.ru_utime);
  r.sys_cpu_s = secs(after.ru_stime) - secs(before.ru_stime);
  r.max_rss_kb = after.ru_maxrss;  // the largest of any reaped descendant
  return r;
}

// fanotify read watching when asked and permitted; it names files by their real path, and the
// record uses the path it was given.
std::unique_ptr<observe::internal::ReadWatch> start_read_watch(const TraceOptions& options, std::string& note) {
  if (!options.watch_reads) return nullptr;
  auto started = observe::internal::ReadWatch::start();
  if (!started) {
    note = started.message();
    return nullptr;
  }
  std::unique_ptr<observe::internal::ReadWatch> reads = std::move(*started);
  if (reads)
    for (const auto& root : {options.workspace, options.record_dir}) {
      std::error_code ec;
      const auto real = std::filesystem::weakly_canonical(root, ec);
      if (!ec && !root.empty() && real != root) reads->alias(real.string(), root.lexically_normal().string());
    }
  return reads;
}

// What the child needs between fork and exec, all prepared before fork: only async-signal-safe
// calls are allowed there (the parent may have hashing threads).
struct ChildExec {
  const char* program;
  char* const* argv;
  char* const* envp;
  char* const* sh_argv;  // the ENOEXEC fallback: the script under /bin/sh
  const std::vector<sock_filter>* filter;
  bool need_nnp;
};

// The child: waits until the parent has seized it (a RET_TRACE syscall without a tracer fails
// ENOSYS), installs the filter and execs; a failure before exec is reported on `report_fd`.
[[noreturn]] void child_main(const ChildExec& x, int go_fd, int report_fd) {
  ChildFailure f{1, 0};
  if (x.need_nnp && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) f.err = errno;
  char byte;
  while (f.err == 0 && ::read(go_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  if (f.err == 0) f.err = observe::internal::install_seccomp_filter(*x.filter);
  if (f.err == 0) {
    ::execve(x.program, x.argv, x.envp);
    if (errno == ENOEXEC) ::execve(kEnoexecShell, x.sh_argv, x.envp);
    f = ChildFailure{2, errno};
  }
  (void)!::write(report_fd, &f, sizeof f);
  ::_exit(f.stage == 2 && f.err == ENOENT ? 127 : 126);
}

// The command could not be found or executed: no process, an empty trace.
TracedOutcome not_started(TracedOutcome& out, TraceLog& log, const TraceOptions& options, int err) {
  out.child.spawn_errno = err;
  out.child.exit_code = err == EACCES ? 126 : 127;
  out.child.finished = out.child.started;
  DigestCache cache(options.digests);
  out.trace = log.finish(options.cache ? *options.cache : cache);
  return std::move(out);
}

// `go` lets the seized child exec; `report` carries a failure before exec back (close-on-exec).
Status open_pipes(int go[2], int report[2]) {
  if (::pipe2(go, O_CLOEXEC) != 0) return make_error(std::string("trace: pipe: ") + std::strerror(errno));
  if (::pipe2(report, O_CLOEXEC) != 0) {
    const int e = errno;
    ::close(go[0]);
    ::close(go[1]);
    return make_error(std::string("trace: pipe: ") + std::strerror(e));
  }
  return ok_status();
}

// Follows the process tree until the child exits; its wait status. Files the tracer will want
// hashed are read ahead on the prefetcher's threads meanwhile.
int stop_loop(pid_t child, TraceLog& log, DigestCache& cache, observe::internal::ReadWatch* reads) {
  Prefetcher prefetch(cache);
  log.set_prefetch([&prefetch](const std::string& path) { prefetch.submit(path); });
  observe::internal::StopLoop loop(child, log, reads);
  const int status = loop.run();
  log.set_prefetch({});
  return status;
}

// Forks the child and seizes it, then lets it go on to its exec. The forwarded signals stay
// blocked across fork so none is lost before the handlers exist. Of the pipes, only report[0]
// stays open, and only on success.
Result<pid_t> start_child(const ChildExec& x, int go[2], int report[2]) {
  sigset_t block, old_mask;
  sigemptyset(&block);
  for (int s : kForwarded) sigaddset(&block, s);
  ::sigprocmask(SIG_BLOCK, &block, &old_mask);
  const pid_t child = ::fork();
  if (child < 0) {
    const int e = errno;
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    for (int fd : {go[0], go[1], report[0], report[1]}) ::close(fd);
    return make_error(std::string("trace: fork: ") + std::strerror(e));
  }
  if (child == 0) {
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::close(go[1]);
    ::close(report[0]);
    child_main(x, go[0], report[1]);
  }
  ::close(go[0]);
  ::close(report[1]);
  if (::ptrace(PTRACE_SEIZE, child, 0, kPtraceOptions) != 0) {
    const int e = errno;
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::kill(child, SIGKILL);
    ::close(go[1]);
    ::close(report[0]);
    ::waitpid(child, nullptr, 0);
    return make_error(std::string("trace: ptrace(PTRACE_SEIZE) refused: ") + std::strerror(e) +
                      " (run without --trace, or allow ptrace in the container)");
  }
  forward_signals_to(child);
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  ::close(go[1]);  // lets the child go on
  return child;
}

// After the stop loop: the child's end time, exit status and resource usage, and what it
// reported on `report_fd` if it failed before exec (closed here). A filter that could not be
// installed is an error: the command never ran.
Status child_ended(ChildOutcome& child, int status, int report_fd, const rusage& ru_before) {
  child.finished = std::chrono::system_clock::now();
  ChildFailure f{0, 0};
  const bool failed_before_exec = ::read(report_fd, &f, sizeof f) == ssize_t(sizeof f);
  ::close(report_fd);
  rusage ru_after{};
  ::getrusage(RUSAGE_CHILDREN, &ru_after);
  child.rusage = children_rusage_delta(ru_before, ru_after);

  child.exit_code = shell_exit_status(status, &child.signal);
  if (failed_before_exec) {
    if (f.stage == 1)
      return make_error(std::string("trace: installing the seccomp filter failed: ") + std::strerror(f.err) +
                        " (run without --trace)");
    child.spawn_errno = f.err;
    child.exit_code = f.err == ENOENT ? 127 : 126;
  }
  return ok_status();
}

void finish_trace(TracedOutcome& out, TraceLog& log, DigestCache& cache, const observe::internal::ReadWatch* reads) {
  out.trace = log.finish(cache);
  out.record_tampering = log.take_record_tampering();
  if (reads) {
    out.trace.summary.read_opens = "fanotify";
    out.trace.summary.reads_lost = reads->lost();
  }
}

}  // namespace

Result<TracedOutcome> spawn_traced(const SpawnOptions& spawn, const TraceOptions& options) {
  if (spawn.argv.empty()) return make_error("trace: no command to run");
  TracedOutcome out;
  TraceLog log(options.workspace, options.record_dir, options.on_process_end);

  int err = 0;
  const std::string program = resolve_program(spawn.argv[0], spawn.env, err);
  out.child.started = std::chrono::system_clock::now();
  if (err != 0) return not_started(out, log, options, err);

  // Everything the child touches is prepared before fork: between fork and exec only
  // async-signal-safe calls are allowed (the parent may have hashing threads).
  std::vector<char*> argv, envp;
  for (const auto& a : spawn.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spawn.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::vector<char*> sh_argv = enoexec_shell_argv(program, spawn.argv);
  // Watching starts before fork so that the command's first opens are seen.
  std::unique_ptr<observe::internal::ReadWatch> reads = start_read_watch(options, out.read_watch_note);
  const auto filter = observe::internal::build_seccomp_filter(reads != nullptr);
  // Root may install a filter without NO_NEW_PRIVS (CAP_SYS_ADMIN), which keeps setuid
  // programs working; anyone else needs it (docs/requirements/trace-setuid.md).
  const bool need_nnp = ::geteuid() != 0;

  int go[2], report[2];
  HALLMARK_TRY(open_pipes(go, report));
  rusage ru_before{};
  ::getrusage(RUSAGE_CHILDREN, &ru_before);

  Result<pid_t> started =
      start_child(ChildExec{program.c_str(), argv.data(), envp.data(), sh_argv.data(), &filter, need_nnp}, go, report);
  if (!started.ok()) return started.error();
  const pid_t child = *started;
  DigestCache own_cache(options.digests);
  DigestCache& cache = options.cache ? *options.cache : own_cache;
  const int status = stop_loop(child, log, cache, reads.get());
  forward_signals_to(0);
  HALLMARK_TRY(child_ended(out.child, status, report[0], ru_before));
  finish_trace(out, log, cache, reads.get());
  return out;
}

}  // namespace hallmark
