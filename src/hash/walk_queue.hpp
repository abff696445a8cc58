// Internal to src/hash: the queue between the walking thread and the hashing workers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <queue>
#include <utility>
#include <vector>

namespace hallmark::hash::internal {

struct Node;

constexpr uint64_t kLargeFile = 4ull << 20;   // hashed as a task of its own
constexpr uint64_t kBatchBytes = 4ull << 20;  // small files per task, by bytes...
constexpr size_t kBatchFiles = 256;           // ...or by count

// Files waiting to be read. Largest first: the biggest files start as soon as they are found,
// on separate workers, and small files fill the gaps in batches that amortise the lock.
class HashQueue {
public:
  void push(Node* n, uint64_t size) {
    {
      std::lock_guard lock(mu_);
      heap_.emplace(size, n);
    }
    cv_.notify_one();
  }
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // One large file or a batch of small ones; false once closed and drained.
  bool take(std::vector<Node*>& batch) {
    batch.clear();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !heap_.empty() || closed_; });
    uint64_t bytes = 0;
    while (!heap_.empty() && batch.size() < kBatchFiles && bytes < kBatchBytes) {
      auto [size, n] = heap_.top();
      if (size >= kLargeFile && !batch.empty()) break;
      heap_.pop();
      batch.push_back(n);
      bytes += size;
      if (size >= kLargeFile) break;
    }
    return !batch.empty();
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<std::pair<uint64_t, Node*>> heap_;
  bool closed_ = false;
};

}  // namespace hallmark::hash::internal
