#include "prefetch.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

namespace hallmark {

Prefetcher::Prefetcher(DigestCache& cache) : cache_(cache), thread_([this] { work(); }) {}

Prefetcher::~Prefetcher() { stop(); }

void Prefetcher::submit(const std::string& path) {
  {
    std::lock_guard<std::mutex> g(m_);
    if (stopping_ || !seen_.insert(path).second) return;
    queue_.push_back(path);
  }
  cv_.notify_one();
}

void Prefetcher::stop() {
  {
    std::lock_guard<std::mutex> g(m_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Prefetcher::work() {
  // Linux nice values are per thread: only this one yields to the build. Failure is harmless.
  (void)::setpriority(PRIO_PROCESS, pid_t(::syscall(SYS_gettid)), 10);
  for (;;) {
    std::string path;
    {
      std::unique_lock<std::mutex> lk(m_);
      cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      path = std::move(queue_.front());
      queue_.pop_front();
    }
    // finish() keys the toolchain by real path and other files by the path the build used;
    // hash once under the real path and publish the digest under both.
    char buf[PATH_MAX];
    const char* real = ::realpath(path.c_str(), buf);
    auto d = cache_.digest(real ? std::string(real) : path);
    struct stat st {};
    if (d.ok() && real && path != real && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      cache_.insert(path, stat_key_of(st), *d);
  }
}

}  // namespace hallmark
