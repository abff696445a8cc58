#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/metrics.hpp"
#include "hallmark/telemetry/otlp_protobuf.hpp"
#include "hallmark/util/json_text.hpp"

#include <doctest/doctest.h>

using namespace hallmark;

TEST_SUITE_BEGIN("telemetry");

TEST_CASE("telemetry::metrics_histogram_buckets") {
  auto h = otlp::histogram_of(5.0, {1, 5, 10}, {});
  CHECK(h.counts == std::vector<uint64_t>{0, 1, 0, 0});  // (1, 5] holds 5
  CHECK(otlp::histogram_of(11, {1, 5, 10}, {}).counts == std::vector<uint64_t>{0, 0, 0, 1});
  CHECK(otlp::histogram_of(0.5, {1, 5, 10}, {}).counts == std::vector<uint64_t>{1, 0, 0, 0});
}

TEST_CASE("telemetry::metrics_run_and_protobuf") {
  RunInfo run;
  run.id = "r1";
  StepRecord ok, bad;
  ok.name = "build";
  ok.started = "2026-11-26T10:00:00.000Z";
  ok.finished = "2026-11-26T10:00:30.000Z";
  bad = ok;
  bad.name = "test";
  bad.exit_code = 2;
  bad.finished = "2026-11-26T10:01:40.000Z";
  auto metrics = run_metrics(run, {ok, bad}, 0);
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0].name == "cicd.pipeline.run.duration");
  CHECK(metrics[0].unit == "s");
  CHECK(metrics[0].histograms.at(0).sum == doctest::Approx(100.0));
  CHECK(metrics[1].name == "cicd.pipeline.run.errors");
  CHECK(run_metrics(run, {ok}, 0).size() == 1);  // no errors metric for a successful run
  CHECK(step_metrics(ok).empty());               // untraced: nothing counted

  metrics.push_back(verify_result_metric(true, 5));
  nlohmann::json req = otlp::metrics_request({}, metrics, "0.1.0");
  auto& m = req["resourceMetrics"][0]["scopeMetrics"][0]["metrics"];
  CHECK(m[0]["histogram"]["dataPoints"][0]["bucketCounts"].size() ==
        m[0]["histogram"]["dataPoints"][0]["explicitBounds"].size() + 1);
  CHECK(m[1]["sum"]["dataPoints"][0]["asInt"] == "1");
  auto pb = otlp::json_to_protobuf(dump_json(req), otlp::Signal::metrics);
  REQUIRE_MESSAGE(pb.ok(), pb.message());
  CHECK(pb->find("cicd.pipeline.run.duration") != std::string::npos);
  // The strict transcoder refuses what the metrics schema does not have.
  m[0]["histogram"]["bogus"] = 1;
  CHECK_FALSE(otlp::json_to_protobuf(dump_json(req), otlp::Signal::metrics).ok());
}

TEST_SUITE_END();
