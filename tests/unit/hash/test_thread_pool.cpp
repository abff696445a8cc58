#include "hallmark/util/thread_pool.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace hallmark;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::thread_pool_runs_everything_with_back_pressure") {
  ThreadPool pool(2, 3);
  CHECK(pool.size() == 2);
  std::atomic<int> done{0}, running{0}, peak{0};
  for (int i = 0; i < 200; ++i)
    pool.submit([&] {
      int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      --running;
      ++done;
    });
  pool.wait();
  CHECK(done == 200);
  CHECK(peak <= 2);
}

TEST_CASE("util::thread_pool_survives_a_throwing_task_and_is_reusable") {
  ThreadPool pool(1, 1);
  std::atomic<int> done{0};
  pool.submit([] { throw std::runtime_error("boom"); });
  pool.submit([&] { ++done; });
  pool.submit([] { throw 42; });
  pool.wait();
  CHECK(done == 1);
  // What was thrown is kept for the owner, not dropped.
  CHECK(pool.take_errors() == std::vector<std::string>{"boom", "unknown exception"});
  CHECK(pool.take_errors().empty());
  pool.submit([&] { ++done; });
  pool.wait();
  CHECK(done == 2);
  ThreadPool all_cores;  // 0: one per core
  CHECK(all_cores.size() >= 1);
}

TEST_SUITE_END();
