#include "hallmark/telemetry/metrics.hpp"

#include "hallmark/store/record_dir.hpp"
#include "hallmark/util/time.hpp"

namespace hallmark::otlp {

using nlohmann::json;

namespace {

// opentelemetry.proto.metrics.v1.AggregationTemporality
constexpr int kDelta = 1;

json point_json(const Attributes& a, uint64_t start, uint64_t time) {
  json p = {{"startTimeUnixNano", std::to_string(start)}, {"timeUnixNano", std::to_string(time)}};
  if (!a.empty()) p["attributes"] = to_json(a);
  return p;
}

json metric_json(const Metric& m) {
  json j = {{"name", m.name}, {"description", m.description}, {"unit", m.unit}};
  json points = json::array();
  if (m.kind == MetricKind::sum) {
    for (const auto& n : m.numbers) {
      json p = point_json(n.attributes, m.start_ns, m.time_ns);
      p["asInt"] = std::to_string(n.value);
      points.push_back(std::move(p));
    }
    j["sum"] = {{"dataPoints", points}, {"aggregationTemporality", kDelta}, {"isMonotonic", true}};
  } else {
    for (const auto& h : m.histograms) {
      json p = point_json(h.attributes, m.start_ns, m.time_ns);
      json counts = json::array();
      for (uint64_t c : h.counts) counts.push_back(std::to_string(c));
      p["count"] = std::to_string(h.count);
      p["sum"] = h.sum;
      p["bucketCounts"] = counts;
      p["explicitBounds"] = h.bounds;
      p["min"] = h.min;
      p["max"] = h.max;
      points.push_back(std::move(p));
    }
    j["histogram"] = {{"dataPoints", points}, {"aggregationTemporality", kDelta}};
  }
  return j;
}

}  // namespace

json metrics_request(const Resource& resource, const std::vector<Metric>& metrics, const std::string& version) {
  json list = json::array();
  for (const auto& m : metrics) list.push_back(metric_json(m));
  json scope = {{"scope", {{"name", kScopeName}, {"version", version}}}, {"metrics", list}, {"schemaUrl", kSchemaUrl}};
  json res = {{"resource", {{"attributes", to_json(resource.attributes)}}},
              {"scopeMetrics", json::array({scope})},
              {"schemaUrl", kSchemaUrl}};
  return {{"resourceMetrics", json::array({res})}};
}

HistogramPoint histogram_of(double value, const std::vector<double>& bounds, Attributes attributes) {
  HistogramPoint h;
  h.attributes = std::move(attributes);
  h.count = 1;
  h.sum = h.min = h.max = value;
  h.bounds = bounds;
  h.counts.assign(bounds.size() + 1, 0);
  size_t i = 0;
  while (i < bounds.size() && value > bounds[i]) ++i;  // bucket i: (bounds[i-1], bounds[i]]
  h.counts[i] = 1;
  return h;
}

}  // namespace hallmark::otlp

namespace hallmark {

namespace {

uint64_t ns_of(const std::string& rfc3339, uint64_t fallback) {
  auto t = parse_rfc3339(rfc3339);
  return t ? uint64_t(unix_nanos(*t)) : fallback;
}

otlp::Metric counter(const char* name, const char* description, const char* unit, uint64_t start, uint64_t time,
                     int64_t value, otlp::Attributes attributes) {
  otlp::Metric m{name, description, unit, otlp::MetricKind::sum, start, time, {}, {}};
  m.numbers.push_back({std::move(attributes), value});
  return m;
}

}  // namespace

std::vector<otlp::Metric> run_metrics(const RunInfo& run, const std::vector<StepRecord>& steps, uint64_t now_ns) {
  std::string pipeline = "local", started = run.started, finished;
  bool failed = false;
  for (const auto& s : steps) {
    if (s.ci && !s.ci->pipeline.empty() && pipeline == "local") pipeline = s.ci->pipeline;
    if (started.empty() || (!s.started.empty() && s.started < started)) started = s.started;
    if (s.finished > finished) finished = s.finished;
    failed = failed || s.exit_code != 0;
  }
  uint64_t start = ns_of(started, now_ns), end = ns_of(finished, now_ns);
  if (end < start) end = start;
  otlp::Attributes a = {{"cicd.pipeline.name", pipeline},
                        {"cicd.pipeline.result", std::string(failed ? "failure" : "success")}};
  // Bucket bounds in seconds: CI pipelines take from seconds to an hour or more.
  static const std::vector<double> kBounds = {1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200};
  otlp::Metric duration{"cicd.pipeline.run.duration",
                        "Duration of a pipeline run grouped by pipeline, state and result.",
                        "s",
                        otlp::MetricKind::histogram,
                        start,
                        end,
                        {},
                        {}};
  duration.histograms.push_back(otlp::histogram_of(double(end - start) / 1e9, kBounds, a));
  std::vector<otlp::Metric> out{std::move(duration)};
  if (failed)
    out.push_back(counter(
        "cicd.pipeline.run.errors", "The number of errors encountered in pipeline runs (eg. compile, test failures).",
        "{error}", start, end, 1, {{"cicd.pipeline.name", pipeline}, {"error.type", std::string("step_failed")}}));
  return out;
}

std::vector<otlp::Metric> step_metrics(const StepRecord& r) {
  if (!r.trace) return {};
  uint64_t end = ns_of(r.finished, 0), start = ns_of(r.started, end);
  otlp::Attributes a = {{"cicd.pipeline.task.name", r.name}};
  return {counter("hallmark.step.processes", "Processes a pipeline step ran (hallmark run --trace).", "{process}",
                  start, end, int64_t(r.trace->summary.processes), a),
          counter("hallmark.step.network.connections",
                  "Network connections a pipeline step made (hallmark run --trace).", "{connection}", start, end,
                  int64_t(r.trace->summary.connections), a)};
}

otlp::Metric sbom_components_metric(size_t components, const std::string& format, uint64_t now_ns) {
  return counter("hallmark.sbom.components", "Components listed in an SBOM hallmark wrote.", "{component}", now_ns,
                 now_ns, int64_t(components), {{"hallmark.sbom.format", format}});
}

otlp::Metric verify_result_metric(bool passed, uint64_t now_ns) {
  return counter("hallmark.verify.result", "Artifact verifications, counted by outcome.", "{verification}", now_ns,
                 now_ns, 1, {{"hallmark.verify.outcome", std::string(passed ? "passed" : "failed")}});
}

}  // namespace hallmark
