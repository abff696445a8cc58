// The record dir's lock: serialises run.json transitions, step writes and seal updates between
// parallel `hallmark run` processes (flock on <record dir>/.lock, released on destruction).
#pragma once

#include "hallmark/util/result.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <unistd.h>

namespace hallmark {

// Inline: the record dir and its seal both take it.
class DirLock {
public:
  explicit DirLock(const std::filesystem::path& file) : file_(file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      errno_ = errno;
      return;
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  // Ok, or why the lock could not be taken.
  Status status() const {
    if (fd_ >= 0) return ok_status();
    return make_error("cannot lock " + file_.string() + ": " + std::strerror(errno_) +
                      "; check the record dir's permissions");
  }

private:
  std::filesystem::path file_;
  int fd_ = -1;
  int errno_ = 0;
};

}  // namespace hallmark
