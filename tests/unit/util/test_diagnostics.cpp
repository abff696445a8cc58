#include "hallmark/util/diagnostics.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using namespace hallmark;

TEST_CASE("diagnostics::lines_keep_report_order_and_name_the_subject") {
  Diagnostics d;
  d.warn("package-lock.json", "line 3: not JSON");
  d.note("", "read-only opens seen through fanotify");
  d.error("materials", "cannot open the workspace");
  CHECK(d.lines() == std::vector<std::string>{"package-lock.json: line 3: not JSON",
                                              "read-only opens seen through fanotify",
                                              "materials: cannot open the workspace"});
  CHECK(d.count(Severity::warning) == 1);
  CHECK(d.count(Severity::note) == 1);
  CHECK(d.has_errors());
}

TEST_CASE("diagnostics::report_once_take_and_absorb") {
  Diagnostics d;
  d.report_once({"", "OTEL_EXPORTER_OTLP_PROTOCOL='grpc' is not supported"});
  d.report_once({"", "OTEL_EXPORTER_OTLP_PROTOCOL='grpc' is not supported"});
  d.report_once({"", "OTEL_EXPORTER_OTLP_PROTOCOL='grpc' is not supported", Severity::error});  // another severity
  CHECK(d.size() == 2);
  Diagnostics other;
  other.warn("b", "2");
  other.warn("a", "1");
  d.absorb(other);
  CHECK(other.empty());
  CHECK(d.size() == 4);
  auto all = d.take();
  CHECK(d.empty());
  REQUIRE(all.size() == 4);
  CHECK(all[2].subject == "b");  // absorbed in other's order, after d's own
  CHECK(all[3].subject == "a");
  CHECK_FALSE(Diagnostics().has_errors());
}

// The walk's hashing pool and the telemetry exporter thread report into one sink.
TEST_CASE("diagnostics::threads_report_into_one_sink") {
  Diagnostics d;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&d, t] {
      for (int i = 0; i < 1000; ++i) d.warn(std::to_string(t), std::to_string(i));
    });
  for (auto& th : threads) th.join();
  CHECK(d.size() == 4000);
  CHECK(d.count(Severity::warning) == 4000);
}
