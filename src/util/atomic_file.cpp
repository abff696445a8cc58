#include "hallmark/util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hallmark {
namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) { return std::strerror(err); }

Status write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("cannot write " + path.string() + ": " + errno_text(errno));
    }
    data.remove_prefix(size_t(n));
  }
  return ok_status();
}

std::string temp_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^ uint64_t(::getpid())};
  char buf[32];
  std::snprintf(buf, sizeof buf, ".tmp.%d.%016llx", int(::getpid()), static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

// `-o /dev/null`, `-o /dev/stdout` or a FIFO: there is nothing to replace atomically, and a
// rename would swap the device node for a regular file.
static Status write_to_special(const fs::path& path, std::string_view content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open " + path.string() + ": " + errno_text(errno));
  Status st = write_all(fd, content, path);
  ::close(fd);
  return st;
}

Status write_file_atomic(const fs::path& path, std::string_view content, AtomicWriteOptions options) {
  return write_file_atomic(
      path, [content](const ChunkSink& write) { write(content); }, options);
}

Status write_file_atomic(const fs::path& path, const std::function<void(const ChunkSink&)>& produce,
                         AtomicWriteOptions options) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    if (S_ISDIR(existing.st_mode)) return make_error(path.string() + " is a directory; name a file to write");
    if (options.no_clobber) return make_error(path.string() + " already exists; refusing to overwrite it");
    std::string content;
    produce([&content](std::string_view piece) { content.append(piece); });
    return write_to_special(path, content);
  }
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  fs::path tmp = dir / (path.filename().string() + temp_suffix());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode);
  if (fd < 0) return make_error("cannot create " + tmp.string() + ": " + errno_text(errno));
  // The umask must not widen or narrow what the caller asked for (0600 private keys).
  ::fchmod(fd, options.mode);
  Status st = ok_status();
  produce([&](std::string_view piece) {
    if (st.ok()) st = write_all(fd, piece, tmp);
  });
  if (st.ok() && ::fsync(fd) != 0) st = make_error("cannot sync " + tmp.string() + ": " + errno_text(errno));
  ::close(fd);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  if (options.no_clobber) {
    // link(2) fails with EEXIST instead of replacing: no window where an existing file is lost.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      if (err == EEXIST) return make_error(path.string() + " already exists; refusing to overwrite it");
      return make_error("cannot create " + path.string() + ": " + errno_text(err));
    }
    ::unlink(tmp.c_str());
    return ok_status();
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return make_error("cannot rename " + tmp.string() + " to " + path.string() + ": " + errno_text(err));
  }
  return ok_status();
}

Status append_line_locked(const fs::path& path, std::string_view line) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("cannot open " + path.string() + ": " + errno_text(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int err = errno;
      ::close(fd);
      return make_error("cannot lock " + path.string() + ": " + errno_text(err));
    }
  }
  std::string buf(line);
  buf.push_back('\n');
  Status st = write_all(fd, buf, path);
  ::flock(fd, LOCK_UN);
  ::close(fd);
  return st;
}

Result<std::string> read_file(const fs::path& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return make_error("cannot read " + path.string() + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error("cannot read " + path.string() + ": not a regular file");
  }
  if (size_t(st.st_size) > max_bytes) {
    ::close(fd);
    return make_error(path.string() + " is too large (" + std::to_string(st.st_size) + " bytes, limit " +
                      std::to_string(max_bytes) + ")");
  }
  std::string out;
  out.resize(size_t(st.st_size));
  size_t got = 0;
  while (true) {
    if (got == out.size()) out.resize(out.size() + 65536);
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return make_error("cannot read " + path.string() + ": " + errno_text(err));
    }
    if (n == 0) break;
    got += size_t(n);
    if (got > max_bytes) {
      ::close(fd);
      return make_error(path.string() + " is too large (limit " + std::to_string(max_bytes) + " bytes)");
    }
  }
  ::close(fd);
  out.resize(got);
  return out;
}

}  // namespace hallmark
