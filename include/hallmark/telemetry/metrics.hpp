// OTLP metrics of pipeline runs and steps, logged and exported like spans and events (the same
// hash-chained event log, the same exporter and batching, POST /v1/metrics, http/json or
// http/protobuf). Each emission is a delta: the value of that step, run, SBOM or verification.
//   cicd.pipeline.run.duration   histogram  s          cicd.pipeline.name, cicd.pipeline.result
//   cicd.pipeline.run.errors     counter    {error}    cicd.pipeline.name, error.type
//   hallmark.step.processes      counter    {process}  cicd.pipeline.task.name (traced steps)
//   hallmark.step.network.connections counter {connection} cicd.pipeline.task.name (traced steps)
//   hallmark.sbom.components     counter    {component} hallmark.sbom.format
//   hallmark.verify.result       counter    {verification} hallmark.verify.outcome (passed|failed)
// The first two follow the OpenTelemetry semantic conventions 1.44.0 (CICD metrics).
#pragma once

#include "hallmark/model/step_record.hpp"
#include "hallmark/telemetry/otlp.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hallmark {
struct RunInfo;
}

namespace hallmark::otlp {

struct NumberPoint {
  Attributes attributes;
  int64_t value = 0;  // asInt
};

struct HistogramPoint {
  Attributes attributes;
  uint64_t count = 0;
  double sum = 0, min = 0, max = 0;
  std::vector<double> bounds;    // explicitBounds
  std::vector<uint64_t> counts;  // bucketCounts: bounds.size() + 1
};

enum class MetricKind { sum, histogram };

struct Metric {
  std::string name, description, unit;
  MetricKind kind = MetricKind::sum;
  uint64_t start_ns = 0, time_ns = 0;
  std::vector<NumberPoint> numbers;        // kind sum: monotonic, delta temporality
  std::vector<HistogramPoint> histograms;  // kind histogram: delta temporality
};

// One ExportMetricsServiceRequest (OTLP/JSON) with the scope hallmark and schemaUrl set.
nlohmann::json metrics_request(const Resource& resource, const std::vector<Metric>& metrics,
                               const std::string& scope_version);

// A histogram point of one value in the explicit buckets `bounds`.
HistogramPoint histogram_of(double value, const std::vector<double>& bounds, Attributes attributes);

}  // namespace hallmark::otlp

namespace hallmark {

// The pipeline run's duration and error count (emitted when the run is closed).
std::vector<otlp::Metric> run_metrics(const RunInfo& run, const std::vector<StepRecord>& steps, uint64_t now_ns);
// A step's processes and connections (traced steps only; untraced steps have none).
std::vector<otlp::Metric> step_metrics(const StepRecord& record);
otlp::Metric sbom_components_metric(size_t components, const std::string& format, uint64_t now_ns);
otlp::Metric verify_result_metric(bool passed, uint64_t now_ns);

}  // namespace hallmark
