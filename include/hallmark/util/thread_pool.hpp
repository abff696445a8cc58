// A fixed pool of worker threads with a bounded queue: submit() blocks when the queue is full
// (back-pressure, never dropping work), wait() returns when every submitted task has run.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hallmark {

class ThreadPool {
public:
  explicit ThreadPool(unsigned threads = 0, size_t max_queue = 1024);  // 0: hardware concurrency
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void submit(std::function<void()> task);
  void wait();
  // What the tasks that threw since the last call threw (what()), oldest first. A task that
  // throws ends; the pool and its other tasks go on.
  std::vector<std::string> take_errors();
  unsigned size() const { return unsigned(workers_.size()); }

private:
  void work();
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> queue_;
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_, idle_;
  size_t max_queue_;
  std::vector<std::string> errors_;
  size_t running_ = 0;
  bool stop_ = false;
};

}  // namespace hallmark
