#include "read_watch.hpp"

#include "../trace_log.hpp"

#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace hallmark::observe::internal {

namespace {

// Kernel-made filesystems: nothing a build consumes lives there, and /proc, /sys and /dev are
// only summarised by the trace anyway.
bool pseudo(const std::string& type, const std::string& mount_point) {
  static const char* const kTypes[] = {"proc",       "sysfs",      "devtmpfs",  "devpts",  "cgroup",      "cgroup2",
                                       "mqueue",     "securityfs", "debugfs",   "tracefs", "bpf",         "pstore",
                                       "configfs",   "fusectl",    "hugetlbfs", "autofs",  "binfmt_misc", "nsfs",
                                       "rpc_pipefs", "efivarfs",   "selinuxfs"};
  for (const char* t : kTypes)
    if (type == t) return true;
  return pseudo_fs_root(mount_point) != nullptr;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
      out += char((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Mount {
  std::string point, type;
};

std::vector<Mount> mounts() {
  std::vector<Mount> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, point, word;
    fields >> id >> parent >> devno >> root >> point;
    while (fields >> word && word != "-") {
    }
    std::string type;
    fields >> type;
    if (!point.empty() && !type.empty()) out.push_back({unescape(point), type});
  }
  return out;
}

std::string fsid_key(const void* fsid) { return std::string(static_cast<const char*>(fsid), sizeof(fsid_t)); }

}  // namespace

Result<std::unique_ptr<ReadWatch>> ReadWatch::start() {
  // Unlimited queue: an overflow would silently lose reads; the stop loop drains it often.
  const int fd =
      ::fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE | FAN_REPORT_DFID_NAME,
                      O_RDONLY | O_LARGEFILE);
  if (fd < 0) return make_error(std::string("fanotify: ") + std::strerror(errno));
  std::unique_ptr<ReadWatch> w(new ReadWatch);
  w->fd_ = fd;
  std::map<dev_t, std::string> seen;  // filesystem -> its one mount point
  for (const Mount& m : mounts()) {
    if (pseudo(m.type, m.point)) continue;
    struct stat st {};
    if (::stat(m.point.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // its mount point was removed: nothing can be opened there
      // e.g. a FUSE mount that denies root: unwatched, its reads would go silently unrecorded.
      return make_error("fanotify: cannot stat " + m.point + ": " + std::strerror(errno));
    }
    if (auto it = seen.find(st.st_dev); it != seen.end()) {
      if (it->second == m.point) continue;  // the same mount listed again (over-mounted)
      // A path is resolved through one mount; a second one would make it ambiguous.
      return make_error("fanotify: " + m.point + " and " + it->second + " are the same filesystem (bind mount)");
    }
    seen.emplace(st.st_dev, m.point);
    // FAN_CLOSE_NOWRITE, not FAN_OPEN: it is reported exactly for files opened without write
    // access (FAN_OPEN also fires for the opens for writing the stop loop records itself), when
    // the last reference goes: at close, or at unmap/exit for a mapped library.
    if (::fanotify_mark(fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_CLOSE_NOWRITE, AT_FDCWD, m.point.c_str()) != 0)
      return make_error("fanotify: cannot watch " + m.point + " (" + m.type + "): " + std::strerror(errno));
    struct statfs sfs {};
    // Not O_PATH: open_by_handle_at() refuses such a descriptor (EBADF).
    const int mfd = ::open(m.point.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mfd < 0 || ::fstatfs(mfd, &sfs) != 0) {
      if (mfd >= 0) ::close(mfd);
      return make_error("fanotify: cannot open " + m.point + ": " + std::strerror(errno));
    }
    w->mounts_.emplace_back(fsid_key(&sfs.f_fsid), mfd);
  }
  if (w->mounts_.empty()) return make_error("fanotify: no filesystem to watch");
  return Result<std::unique_ptr<ReadWatch>>(std::move(w));
}

ReadWatch::~ReadWatch() {
  for (auto& m : mounts_) ::close(m.second);
  if (fd_ >= 0) ::close(fd_);
}

std::string ReadWatch::directory(const void* fsid, const void* handle, size_t handle_size) {
  std::string key = fsid_key(fsid);
  key.append(static_cast<const char*>(handle), handle_size);
  if (auto it = dirs_.find(key); it != dirs_.end()) return it->second;
  int mount_fd = -1;
  for (const auto& m : mounts_)
    if (m.first.compare(0, sizeof(fsid_t), key, 0, sizeof(fsid_t)) == 0) mount_fd = m.second;
  std::string path;
  if (mount_fd >= 0) {
    auto* fh = const_cast<file_handle*>(static_cast<const file_handle*>(handle));
    const int dfd = ::open_by_handle_at(mount_fd, fh, O_PATH | O_CLOEXEC);
    if (dfd >= 0) {
      char link[64], buf[4096];
      std::snprintf(link, sizeof link, "/proc/self/fd/%d", dfd);
      const ssize_t n = ::readlink(link, buf, sizeof buf);
      ::close(dfd);
      if (n > 0 && buf[0] == '/') path.assign(buf, size_t(n));
    }
  }
  // A directory removed since the open cannot be resolved: not cached, counted as lost.
  static const std::string kDeleted = " (deleted)";
  const bool deleted =
      path.size() >= kDeleted.size() && path.compare(path.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0;
  if (!path.empty() && !deleted) dirs_.emplace(std::move(key), path);
  else path.clear();
  return path;
}

void ReadWatch::drain(const std::function<bool(pid_t)>& traced,
                      const std::function<void(pid_t, const std::string&)>& on_read) {
  // Events with a name are not padded to 8 bytes, so every struct is copied out of the buffer
  // (memcpy) rather than read in place at a possibly misaligned address.
  alignas(fanotify_event_metadata) char buf[16384];
  alignas(file_handle) char handle[sizeof(file_handle) + MAX_HANDLE_SZ];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;  // EAGAIN: the queue is empty
    }
    for (size_t at = 0; at + sizeof(fanotify_event_metadata) <= size_t(n);) {
      fanotify_event_metadata m;
      std::memcpy(&m, buf + at, sizeof m);
      if (m.event_len < sizeof m || at + m.event_len > size_t(n)) break;
      const char* p = buf + at + m.metadata_len;
      const char* end = buf + at + m.event_len;
      at += m.event_len;
      if (m.vers != FANOTIFY_METADATA_VERSION || (m.mask & FAN_Q_OVERFLOW)) {
        ++lost_;
        continue;
      }
      // Another process's open (a concurrent build, hallmark's own hashing threads): neither a
      // read of the step nor, when its directory is gone, a lost one.
      if (!traced(pid_t(m.pid))) continue;
      while (p + sizeof(fanotify_event_info_header) <= end) {
        fanotify_event_info_header h;
        std::memcpy(&h, p, sizeof h);
        if (h.len == 0 || p + h.len > end) break;
        const char* record_end = p + h.len;
        // DFID_NAME record: header, fsid, file_handle (its size first), then the NUL-terminated name.
        const char* fh_at = p + offsetof(fanotify_event_info_fid, handle);
        if (h.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME && fh_at + sizeof(file_handle) <= record_end) {
          fsid_t fsid;
          std::memcpy(&fsid, p + offsetof(fanotify_event_info_fid, fsid), sizeof fsid);
          file_handle fh_head;
          std::memcpy(&fh_head, fh_at, sizeof fh_head);
          const size_t handle_size = sizeof(file_handle) + fh_head.handle_bytes;
          const char* name = fh_at + handle_size;
          std::string dir;
          if (fh_head.handle_bytes <= MAX_HANDLE_SZ && name < record_end) {
            std::memcpy(handle, fh_at, handle_size);
            dir = directory(&fsid, handle, handle_size);
          }
          if (dir.empty()) {
            ++lost_;
          } else {
            std::string path = dir;
            if (path.back() != '/') path += '/';
            path.append(name, strnlen(name, size_t(record_end - name)));
            for (const auto& [real, given] : aliases_)
              if (path.compare(0, real.size(), real) == 0 && path.size() > real.size() && path[real.size()] == '/') {
                path.replace(0, real.size(), given);
                break;
              }
            on_read(pid_t(m.pid), path);
          }
        }
        p = record_end;
      }
    }
  }
}

}  // namespace hallmark::observe::internal
