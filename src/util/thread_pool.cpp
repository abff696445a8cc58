#include "hallmark/util/thread_pool.hpp"

#include <exception>
#include <utility>

namespace hallmark {

ThreadPool::ThreadPool(unsigned threads, size_t max_queue) : max_queue_(max_queue == 0 ? 1 : max_queue) {
  if (threads == 0) threads = std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;  // hardware_concurrency() may not know
  workers_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::submit(std::function<void()> task) {
  std::unique_lock lock(mu_);
  // Back-pressure: the producer (a directory walk) waits rather than queueing a whole tree's
  // worth of work in memory.
  not_full_.wait(lock, [this] { return queue_.size() < max_queue_ || stop_; });
  queue_.push_back(std::move(task));
  lock.unlock();
  not_empty_.notify_one();
}

void ThreadPool::wait() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

std::vector<std::string> ThreadPool::take_errors() {
  std::lock_guard lock(mu_);
  return std::exchange(errors_, {});
}

void ThreadPool::work() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      not_empty_.wait(lock, [this] { return !queue_.empty() || stop_; });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    not_full_.notify_one();
    // A task that throws must not take the worker (and with it wait()) down; what it threw is
    // kept for the owner (take_errors), which decides what the lost work means.
    std::string error;
    try {
      task();
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "exception without a message";
    } catch (...) {
      error = "unknown exception";
    }
    {
      std::lock_guard lock(mu_);
      if (!error.empty()) errors_.push_back(std::move(error));
      --running_;
      if (queue_.empty() && running_ == 0) idle_.notify_all();
    }
  }
}

}  // namespace hallmark
