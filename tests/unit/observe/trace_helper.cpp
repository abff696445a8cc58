// Test helper for unit-trace: small behaviours that a shell cannot produce on its own
// (threads, posix_spawn/vfork, openat with a dirfd, exec from a non-leader thread, a TCP
// connect, a self-inflicted signal with a handler). Each mode prints nothing on success.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

int read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return 1;
  char buf[256];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
  ::close(fd);
  return 0;
}

// threads DIR N: N threads each read DIR/file<i>.
int threads(const char* dir, int n) {
  std::vector<std::thread> ts;
  std::vector<int> rc(size_t(n), 0);
  for (int i = 0; i < n; ++i)
    ts.emplace_back([&, i] { rc[size_t(i)] = read_file(std::string(dir) + "/file" + std::to_string(i)); });
  for (auto& t : ts) t.join();
  for (int r : rc)
    if (r) return 1;
  return 0;
}

// spawn PROG ARGS...: posix_spawn (glibc uses clone(CLONE_VM|CLONE_VFORK)) and wait.
int spawn(char** argv) {
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv, environ) != 0) return 1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// openat DIR NAME: relative open through a directory fd.
int open_at(const char* dir, const char* name) {
  int dfd = ::open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd < 0) return 1;
  int fd = ::openat(dfd, name, O_RDONLY);
  if (fd < 0) return 1;
  ::close(fd);
  ::close(dfd);
  return 0;
}

// thread-exec PROG ARGS...: a second thread execs while the leader is blocked.
int thread_exec(char** argv) {
  std::thread t([argv] {
    ::execv(argv[0], argv);
    std::_Exit(1);
  });
  t.join();
  return 1;
}

// connect PORT: TCP connect to 127.0.0.1:PORT, send a line.
int connect_to(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 1;
  (void)!::write(s, "hello\n", 6);
  ::close(s);
  return 0;
}

volatile sig_atomic_t g_got = 0;
void on_usr1(int) { g_got = 1; }

// signal: a handled SIGUSR1 must reach the program (the tracer re-injects it).
int self_signal() {
  std::signal(SIGUSR1, on_usr1);
  ::raise(SIGUSR1);
  return g_got ? 0 : 1;
}

// rdwr: an existing file opened O_RDWR (no O_CREAT/O_TRUNC) and written to.
int read_write(const char* path) {
  const int fd = ::open(path, O_RDWR);
  if (fd < 0) return 1;
  const bool ok = ::write(fd, "x", 1) == 1;
  ::close(fd);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string mode = argv[1];
  if (mode == "threads" && argc == 4) return threads(argv[2], std::atoi(argv[3]));
  if (mode == "spawn" && argc >= 3) return spawn(argv + 2);
  if (mode == "openat" && argc == 4) return open_at(argv[2], argv[3]);
  if (mode == "thread-exec" && argc >= 3) return thread_exec(argv + 2);
  if (mode == "connect" && argc == 3) return connect_to(std::atoi(argv[2]));
  if (mode == "signal") return self_signal();
  if (mode == "rdwr" && argc == 3) return read_write(argv[2]);
  return 2;
}
