#include "hallmark/observe/spawn.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hallmark {

namespace {

std::atomic<int> g_child{0};
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// A signal the terminal sends (Ctrl-C) already reaches the child through its process group,
// so only signals another process sent to hallmark itself (si_code <= 0: kill, sigqueue,
// tgkill) are relayed: the child then sees each signal once, as it would without hallmark.
void relay(int sig, siginfo_t* info, void*) {
  int pid = g_child.load();
  if (pid > 0 && (info == nullptr || info->si_code <= 0)) ::kill(pid, sig);
}

std::string path_of(const std::vector<std::string>& env) {
  for (const auto& kv : env)
    if (kv.rfind("PATH=", 0) == 0) return kv.substr(5);
  return "/usr/local/bin:/usr/bin:/bin";
}

}  // namespace

void forward_signals_to(int pid) {
  g_child.store(pid);
  for (int sig : kForwarded) {
    struct sigaction sa {};
    if (pid > 0) {
      sa.sa_sigaction = relay;
      sa.sa_flags = SA_SIGINFO | SA_RESTART;
    } else {
      sa.sa_handler = SIG_DFL;
    }
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

std::string resolve_program(const std::string& name, const std::vector<std::string>& env, int& err) {
  err = 0;
  auto check = [&](const std::string& p) -> int {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return ENOENT;
    if (S_ISDIR(st.st_mode) || ::access(p.c_str(), X_OK) != 0) return EACCES;
    return 0;
  };
  if (name.empty()) {
    err = ENOENT;
    return {};
  }
  if (name.find('/') != std::string::npos) {
    err = check(name);
    return name;
  }
  std::string path = path_of(env);
  int first_err = ENOENT;
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    std::string dir = path.substr(start, colon - start);
    std::string cand = (dir.empty() ? "." : dir) + "/" + name;
    int e = check(cand);
    if (e == 0) return cand;
    if (e == EACCES && first_err == ENOENT) first_err = EACCES;  // like execvp: remember EACCES
    start = colon + 1;
  }
  err = first_err;
  return {};
}

std::vector<char*> enoexec_shell_argv(const std::string& program, const std::vector<std::string>& argv) {
  std::vector<char*> out{const_cast<char*>(kEnoexecShell), const_cast<char*>(program.c_str())};
  for (size_t i = 1; i < argv.size(); ++i) out.push_back(const_cast<char*>(argv[i].c_str()));
  out.push_back(nullptr);
  return out;
}

int shell_exit_status(int status, int* signal_out) {
  if (signal_out) *signal_out = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    if (signal_out) *signal_out = WTERMSIG(status);
    return 128 + WTERMSIG(status);
  }
  return 1;
}

namespace {

// What the child wrote to the close-on-exec pipe before failing to exec, 0 when the pipe closed
// empty (exec succeeded). Closes `fd`.
int read_exec_errno(int fd) {
  int exec_errno = 0;
  while (true) {
    ssize_t n = ::read(fd, &exec_errno, sizeof exec_errno);
    if (n < 0 && errno == EINTR) continue;
    if (n != sizeof exec_errno) exec_errno = 0;
    break;
  }
  ::close(fd);
  return exec_errno;
}

// Reaps the child and stops forwarding signals to it; fills the end of `out`.
Status wait_child(pid_t pid, int exec_errno, ChildOutcome& out) {
  int status = 0;
  struct rusage ru {};
  while (::wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      int e = errno;
      forward_signals_to(0);
      return make_error(std::string("wait4: ") + std::strerror(e));
    }
  }
  forward_signals_to(0);
  out.finished = std::chrono::system_clock::now();
  out.exit_code = shell_exit_status(status, &out.signal);
  if (exec_errno != 0) {
    out.spawn_errno = exec_errno;
    out.exit_code = exec_errno == ENOENT ? 127 : 126;
  }
  out.rusage.user_cpu_s = double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6;
  out.rusage.sys_cpu_s = double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) / 1e6;
  out.rusage.max_rss_kb = ru.ru_maxrss;
  return ok_status();
}

}  // namespace

Result<ChildOutcome> spawn_and_wait(const SpawnOptions& options) {
  ChildOutcome out;
  if (options.argv.empty()) return make_error("no command given");
  int err = 0;
  std::string program = resolve_program(options.argv[0], options.env, err);
  if (err != 0) {
    out.spawn_errno = err;
    out.exit_code = err == ENOENT ? 127 : 126;
    out.started = out.finished = std::chrono::system_clock::now();
    return out;
  }

  std::vector<char*> argv, envp;
  for (const auto& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : options.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::vector<char*> sh_argv = enoexec_shell_argv(program, options.argv);  // no malloc after vfork

  // exec failures travel back through a close-on-exec pipe: EOF means exec succeeded.
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + std::strerror(errno));

  // Block the forwarded signals across fork so none is lost between fork and handler setup.
  sigset_t block, old;
  sigemptyset(&block);
  for (int s : kForwarded) sigaddset(&block, s);
  ::sigprocmask(SIG_BLOCK, &block, &old);

  out.started = std::chrono::system_clock::now();
  // vfork: no copy of hallmark's page tables (50 MB after a big walk: 5 ms per step). The child
  // only resets its signal mask, execs, and reports a failure through the pipe.
  pid_t pid = ::vfork();
  if (pid < 0) {
    int e = errno;
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    ::close(fds[0]);
    ::close(fds[1]);
    return make_error(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    ::close(fds[0]);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    ::execve(program.c_str(), argv.data(), envp.data());
    if (errno == ENOEXEC) ::execve(kEnoexecShell, sh_argv.data(), envp.data());
    int e = errno;
    ssize_t ignored = ::write(fds[1], &e, sizeof e);
    (void)ignored;
    ::_exit(e == ENOENT ? 127 : 126);
  }
  ::close(fds[1]);
  forward_signals_to(pid);
  ::sigprocmask(SIG_SETMASK, &old, nullptr);

  const int exec_errno = read_exec_errno(fds[0]);
  HALLMARK_TRY(wait_child(pid, exec_errno, out));
  return out;
}

}  // namespace hallmark
