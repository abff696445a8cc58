#include "tracee_io.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace hallmark::observe::internal {

namespace {
constexpr uint64_t kPage = 4096;

bool read_file_small(const char* path, std::string& out) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  ::close(fd);
  return true;
}
}  // namespace

bool read_tracee_bytes(pid_t tid, uint64_t addr, void* out, size_t len) {
  iovec local{out, len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  return ::process_vm_readv(tid, &local, 1, &remote, 1, 0) == ssize_t(len);
}

std::optional<std::string> read_tracee_string(pid_t tid, uint64_t addr, size_t max) {
  if (addr == 0) return std::nullopt;
  std::string out;
  char buf[kPage];
  // Read up to each page end separately: a string that ends just before an unmapped page
  // must not fail because the read ran past it.
  while (out.size() < max) {
    const size_t chunk = size_t(kPage - (addr % kPage));
    iovec local{buf, chunk};
    iovec remote{reinterpret_cast<void*>(addr), chunk};
    const ssize_t n = ::process_vm_readv(tid, &local, 1, &remote, 1, 0);
    if (n <= 0) return std::nullopt;
    const void* nul = std::memchr(buf, '\0', size_t(n));
    if (nul) {
      out.append(buf, size_t(static_cast<const char*>(nul) - buf));
      return out;
    }
    out.append(buf, size_t(n));
    addr += uint64_t(n);
  }
  return std::nullopt;
}

std::string proc_link(pid_t tid, const char* what) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/%s", int(tid), what);
  char buf[4096];
  const ssize_t n = ::readlink(path, buf, sizeof buf);
  if (n <= 0 || size_t(n) >= sizeof buf) return {};
  return std::string(buf, size_t(n));
}

std::vector<std::string> proc_cmdline(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/cmdline", int(pid));
  std::string raw;
  std::vector<std::string> argv;
  if (!read_file_small(path, raw)) return argv;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    argv.emplace_back(raw, start, end - start);
    start = end + 1;
  }
  return argv;
}

std::optional<TaskIds> proc_task_ids(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/status", int(tid));
  std::string raw;
  if (!read_file_small(path, raw)) return std::nullopt;
  TaskIds ids;
  bool have_tgid = false;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t eol = raw.find('\n', pos);
    if (eol == std::string::npos) eol = raw.size();
    const std::string_view line(raw.data() + pos, eol - pos);
    if (line.starts_with("Tgid:")) {
      ids.tgid = pid_t(std::atoi(std::string(line.substr(5)).c_str()));
      have_tgid = true;
    } else if (line.starts_with("PPid:")) {
      ids.ppid = pid_t(std::atoi(std::string(line.substr(5)).c_str()));
      break;  // PPid follows Tgid in every kernel's layout
    }
    pos = eol + 1;
  }
  if (!have_tgid) return std::nullopt;
  return ids;
}

std::string socket_transport(pid_t tgid, int fd) {
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
  const int pidfd = int(::syscall(SYS_pidfd_open, tgid, 0));
  if (pidfd < 0) return {};
  const int local = int(::syscall(SYS_pidfd_getfd, pidfd, fd, 0));
  ::close(pidfd);
  if (local < 0) return {};
  int domain = 0, type = 0, protocol = 0;
  socklen_t len = sizeof(int);
  const bool ok = ::getsockopt(local, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
                  (len = sizeof(int), ::getsockopt(local, SOL_SOCKET, SO_TYPE, &type, &len) == 0) &&
                  (len = sizeof(int), ::getsockopt(local, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) == 0);
  ::close(local);
  if (!ok) return {};
  if (domain == AF_UNIX) return "unix";
  if (protocol == IPPROTO_TCP) return "tcp";
  if (protocol == IPPROTO_UDP) return "udp";
  return {};
#else
  (void)tgid;
  (void)fd;
  return {};
#endif
}

}  // namespace hallmark::observe::internal
