#include "hallmark/util/uri.hpp"
#include "hallmark/util/json_text.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"

#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/trace_context.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/version.hpp"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace hallmark {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kParentFile = "telemetry.parent.json";

// The caller's span (from TRACEPARENT at the first step) is the run span's parent; it is kept
// in the record dir so that `close` can name it long after that step's process ended.
void remember_caller(const fs::path& dir, const RunInfo& run, const EnvMap& env, Diagnostics& diag,
                     std::string& trace_state) {
  trace_state = sanitize_tracestate(env_get(env, "TRACESTATE"));
  auto it = env.find("TRACEPARENT");
  if (it == env.end()) return;
  auto tp = parse_traceparent(it->second);
  if (!tp) {
    diag.warn("", "ignoring malformed TRACEPARENT (" + tp.message() + ")");
    return;
  }
  if (tp->trace_id != run.trace_id) {
    diag.warn("", "TRACEPARENT names trace " + tp->trace_id + " but this run already has trace " + run.trace_id +
                      "; keeping the run's trace");
    return;
  }
  json j = {{"parent_span_id", tp->span_id}, {"trace_state", trace_state}};
  (void)write_file_atomic(dir / kParentFile, dump_json(j) + "\n", {0644, true});  // first step wins
}

std::string caller_parent(const fs::path& dir) {
  auto text = read_file(dir / kParentFile, 1 << 16);
  if (!text.ok()) return {};
  json j = json::parse(*text, nullptr, false);
  return j.is_object() ? j.value("parent_span_id", std::string()) : std::string();
}

void merge(FlushStats& into, const FlushStats& s) {
  into.lines = std::max(into.lines, s.lines);
  into.pending += s.pending;
  into.sent += s.sent;
  into.rejected += s.rejected;
  into.http_requests += s.http_requests;
  into.unsent = s.unsent;  // the last flush knows what is left
  into.not_configured = s.not_configured;
}

Result<EventLine> append_spans(const fs::path& log, const otlp::Resource& resource,
                               const std::vector<otlp::Span>& spans) {
  return append_event_request(log, true, [&](const otlp::Attributes& chain) {
    return otlp::trace_request_text(resource, spans, hallmark_version(), chain);
  });
}

Result<EventLine> append_logs(const fs::path& log, const otlp::Resource& resource,
                              const std::vector<otlp::LogRecord>& logs) {
  return append_event_request(log, false, [&](const otlp::Attributes& chain) {
    return otlp::logs_request_text(resource, logs, hallmark_version(), chain);
  });
}

// Appends the spans (one line) and the logs (another); returns the chain seq of the last line
// written, which is the log's line count at that moment (0 when nothing was written).
uint64_t append_signals(const fs::path& log, const otlp::Resource& resource, const Signals& signals,
                        Diagnostics& diag) {
  uint64_t last_seq = 0;
  if (!signals.spans.empty()) {
    auto line = append_spans(log, resource, signals.spans);
    if (line.ok()) last_seq = line->seq;
    else diag.warn("", line.message());
  }
  if (!signals.logs.empty()) {
    auto line = append_logs(log, resource, signals.logs);
    if (line.ok()) last_seq = line->seq;
    else diag.warn("", line.message());
  }
  if (!signals.metrics.empty()) {
    auto line = append_event_request(log, otlp::metrics_request(resource, signals.metrics, hallmark_version()));
    if (line.ok()) last_seq = line->seq;
    else diag.warn("", line.message());
  }
  return last_seq;
}

// Appends the signals and exports within the deadline, on the calling thread.
FlushStats append_and_flush(const TelemetryOptions& options, const fs::path& dir, const EnvMap& env,
                            const otlp::Resource& resource, const Signals& signals, Diagnostics& diag) {
  FlushStats stats;
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path log = dir / kEventLogName;
  append_signals(log, resource, signals, diag);
  ExporterConfig cfg = exporter_config(env, options, diag);
  if (!cfg.exporting()) {
    // Nothing exported, but the summary still counts what the log holds.
    if (auto lines = read_event_lines(log); lines.ok()) stats.lines = lines->size();
    return stats;
  }
  ExportDeadline deadline;
  deadline.set(ExportDeadline::Clock::now() + options.flush_deadline);
  merge(stats, flush_event_log(log, cfg, deadline, diag));
  return stats;
}

std::string current_trace_id(const fs::path& dir, const EnvMap& env) {
  // run.json belongs to the store module; read only the field we need so that telemetry works
  // whether or not a run is open.
  auto text = read_file(dir / "run.json", 1 << 20);
  if (text.ok()) {
    json j = json::parse(*text, nullptr, false);
    if (j.is_object() && j.value("trace_id", std::string()).size() == 32) return j["trace_id"].get<std::string>();
  }
  std::string seed = trace_id_seed(env, std::nullopt);
  return seed.empty() ? random_trace_id() : seed;
}

// Commands outside a step (verify, sbom) describe the same entities as the run they add to: the
// cicd.* and vcs.* attributes of the event log's last line's resource, when that line belongs to
// the record dir's current run. A backend then sees one resource for the run, not one more.
otlp::Resource outside_step_resource(const fs::path& dir, const EnvMap& env, Diagnostics& diag) {
  otlp::Resource resource = telemetry_resource(env, hallmark_version(), diag);
  auto run_text = read_file(dir / "run.json", 1 << 20);
  auto last = last_event_line(dir / kEventLogName);
  if (!run_text.ok() || !last.ok() || last->empty()) return resource;
  json run = json::parse(*run_text, nullptr, false);
  json line = json::parse(*last, nullptr, false);
  if (!run.is_object() || !line.is_object() || !run.contains("id") || !run["id"].is_string()) return resource;
  for (const char* field : {"resourceSpans", "resourceLogs", "resourceMetrics"}) {
    auto rs = line.find(field);
    if (rs == line.end() || !rs->is_array() || rs->empty()) continue;
    const json& attrs = (*rs)[0].value("resource", json::object()).value("attributes", json::array());
    otlp::Attributes entities;
    bool same_run = false;
    for (const auto& kv : attrs) {
      if (!kv.is_object() || !kv.contains("value") || !kv["value"].is_object()) continue;
      std::string key = kv.value("key", "");
      const json& v = kv["value"];
      if ((key.rfind("cicd.", 0) != 0 && key.rfind("vcs.", 0) != 0) || !v.contains("stringValue") ||
          !v["stringValue"].is_string())
        continue;
      std::string value = v["stringValue"].get<std::string>();
      if (key == "cicd.pipeline.run.id") same_run = value == run["id"].get<std::string>();
      entities.push_back({key, value});
    }
    if (same_run) resource = with_entities(std::move(resource), entities);
    break;
  }
  return resource;
}

}  // namespace

// Process spans are streamed: the tracer hands each finished process record to the worker
// thread, which writes them to the event log in batches and exports them while the build runs,
// so the end of the step only has the last batch, the step span and the events left to send.
constexpr size_t kStreamBatch = 256;
constexpr std::chrono::milliseconds kStreamDelay{250};

struct StepTelemetry::Impl {
  TelemetryOptions options;
  RunInfo run;
  fs::path dir, log;
  std::string step_name;
  StepSignalContext ctx;
  ExporterConfig cfg;
  otlp::Resource resource;
  Diagnostics* diag = nullptr;  // the caller's sink (begin), reported into from the worker thread too
  std::string baggage;

  ExportDeadline deadline;
  std::mutex m;
  std::condition_variable cv;
  bool finishing = false;
  bool finished = false;
  std::thread worker;
  FlushStats stats;

  // Streaming (under m): records not yet written, and when the oldest of them arrived.
  struct Ended {
    ProcessRecord record;
    size_t index, parent;
  };
  std::vector<Ended> queue;
  ExportDeadline::Clock::time_point oldest;
  bool closed = false;   // finish() emits whatever was not streamed by then
  bool writing = false;  // the worker took a batch that is not in the log (and `streamed`) yet
  std::unordered_set<size_t> streamed;

  void process_ended(const ProcessRecord& r, size_t index, size_t parent) {
    {
      std::lock_guard<std::mutex> g(m);
      if (closed) return;
      if (queue.empty()) oldest = ExportDeadline::Clock::now();
      queue.push_back({r, index, parent});
      // Wake the worker to start its timer, or to write a full batch.
      if (queue.size() != 1 && queue.size() < kStreamBatch) return;
    }
    cv.notify_all();
  }

  // Worker thread: the spans, appended as one event-log line.
  void write_batch(std::vector<Ended>& batch) {
    std::vector<otlp::Span> spans;
    spans.reserve(batch.size());
    for (auto& e : batch) spans.push_back(process_span(e.record, e.index, e.parent, ctx));
    auto line = append_spans(log, resource, spans);
    {
      std::lock_guard<std::mutex> g(m);
      writing = false;
      if (line.ok())
        for (const auto& e : batch) streamed.insert(e.index);
      else diag->warn("", line.message());  // not streamed: finish() emits them
    }
    cv.notify_all();
  }

  void work() {
    FlushStats backlog = flush_event_log(log, cfg, deadline, *diag);
    {
      std::lock_guard<std::mutex> g(m);
      merge(stats, backlog);
    }
    while (true) {
      std::vector<Ended> batch;
      {
        std::unique_lock<std::mutex> lk(m);
        while (!finishing) {
          if (closed || queue.empty()) {
            cv.wait(lk);
          } else if (queue.size() >= kStreamBatch || ExportDeadline::Clock::now() >= oldest + kStreamDelay) {
            break;
          } else {
            cv.wait_until(lk, oldest + kStreamDelay);
          }
        }
        if (finishing) break;
        batch.swap(queue);
        writing = true;
      }
      write_batch(batch);
      FlushStats s = flush_event_log(log, cfg, deadline, *diag);
      std::lock_guard<std::mutex> g(m);
      merge(stats, s);
    }
    FlushStats last = deadline.passed() ? FlushStats{} : flush_event_log(log, cfg, deadline, *diag);
    std::lock_guard<std::mutex> g(m);
    merge(stats, last);
  }

  // Called by finish(): after this the worker writes no more process spans, and `streamed`
  // names exactly those it wrote. Waits only for a batch being written to the local log.
  void close_stream() {
    std::unique_lock<std::mutex> lk(m);
    closed = true;
    queue.clear();
    cv.wait(lk, [&] { return !writing; });
  }

  void stop(std::chrono::milliseconds grace) {
    if (!worker.joinable()) return;
    deadline.set(ExportDeadline::Clock::now() + grace);
    {
      std::lock_guard<std::mutex> g(m);
      finishing = true;
    }
    cv.notify_all();
    worker.join();
  }
};

StepTelemetry::StepTelemetry() = default;
StepTelemetry::StepTelemetry(StepTelemetry&&) noexcept = default;
StepTelemetry& StepTelemetry::operator=(StepTelemetry&&) noexcept = default;
StepTelemetry::~StepTelemetry() {
  if (impl_) impl_->stop(std::chrono::milliseconds(0));
}

StepTelemetry StepTelemetry::begin(const TelemetryOptions& options, const RunInfo& run, const fs::path& record_dir,
                                   const std::string& step_name, const EnvMap& env, Diagnostics& diag,
                                   const StepRecord* context) {
  StepTelemetry t;
  if (!options.enabled || run.trace_id.size() != 32) return t;
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->run = run;
  impl->dir = record_dir;
  impl->log = record_dir / kEventLogName;
  impl->step_name = step_name;
  impl->diag = &diag;
  std::string trace_state;
  remember_caller(record_dir, run, env, diag, trace_state);
  impl->ctx.run = run;
  impl->ctx.step_span_id = random_span_id();
  impl->ctx.parent_span_id = root_span_id(run.trace_id);
  impl->ctx.trace_state = trace_state;
  impl->ctx.detail = options.detail;
  impl->ctx.egress_allow = options.egress_allow;
  std::error_code abs_ec;
  impl->ctx.record_uri = file_uri(fs::absolute(record_dir, abs_ec).lexically_normal().string());
  std::error_code cwd_ec;
  impl->ctx.step_cwd = fs::current_path(cwd_ec).string();  // where the step runs, as its record says
  std::string tmpdir = env_get(env, "TMPDIR");
  if (!tmpdir.empty() && tmpdir[0] == '/') {
    while (tmpdir.size() > 1 && tmpdir.back() == '/') tmpdir.pop_back();
    impl->ctx.temp_dirs.push_back(tmpdir);
  }
  impl->cfg = exporter_config(env, options, diag);
  impl->resource = telemetry_resource(env, hallmark_version(), diag);
  if (context) impl->resource = with_entities(std::move(impl->resource), entity_attributes(run, *context));
  // Baggage the caller set travels on; hallmark adds the run and step so that tools inside the
  // build can tag their own telemetry with them.
  std::string incoming = env_get(env, "BAGGAGE");
  impl->baggage = incoming;
  std::string ours = "cicd.pipeline.run.id=" + percent_encode_baggage(run.id) +
                     ",cicd.pipeline.task.name=" + percent_encode_baggage(step_name);
  impl->baggage = incoming.empty() ? ours : incoming + "," + ours;
  if (impl->baggage.size() > 8192) impl->baggage = incoming.size() <= 8192 ? incoming : std::string();
  if (impl->cfg.exporting()) {
    Impl* p = impl.get();
    impl->worker = std::thread([p] { p->work(); });
  }
  t.impl_ = std::move(impl);
  return t;
}

std::vector<std::string> StepTelemetry::child_env() const {
  if (!impl_) return {};
  std::vector<std::string> out;
  out.push_back("TRACEPARENT=" + format_traceparent({impl_->run.trace_id, impl_->ctx.step_span_id, 1}));
  if (!impl_->ctx.trace_state.empty()) out.push_back("TRACESTATE=" + impl_->ctx.trace_state);
  if (!impl_->baggage.empty()) out.push_back("BAGGAGE=" + impl_->baggage);
  return out;
}

const std::string& StepTelemetry::step_span_id() const {
  static const std::string none;
  return impl_ ? impl_->ctx.step_span_id : none;
}

ProcessEndListener StepTelemetry::process_listener() {
  if (!impl_ || impl_->options.detail != TelemetryDetail::processes || !impl_->worker.joinable()) return {};
  Impl* p = impl_.get();
  return [p](const ProcessRecord& r, size_t index, size_t parent) { p->process_ended(r, index, parent); };
}

FlushStats StepTelemetry::finish(const StepRecord& record, const fs::path& record_file) {
  FlushStats out;
  if (!impl_ || impl_->finished) return out;
  Impl& im = *impl_;
  if (!record_file.empty()) {
    std::error_code ec;
    im.ctx.record_uri = file_uri(fs::absolute(record_file, ec).lexically_normal().string());
  }
  im.finished = true;
  im.close_stream();
  im.ctx.streamed_processes = &im.streamed;
  Signals sig = step_signals(record, im.ctx);
  sig.metrics = step_metrics(record);
  im.ctx.streamed_processes = nullptr;
  std::error_code ec;
  fs::create_directories(im.dir, ec);
  const uint64_t last_seq = append_signals(im.log, im.resource, sig, *im.diag);
  im.stop(im.options.flush_deadline);
  {
    std::lock_guard<std::mutex> g(im.m);
    out = im.stats;
  }
  if (!im.cfg.exporting()) {
    if (last_seq > 0) {
      out.lines = size_t(last_seq);
    } else {
      auto lines = read_event_lines(im.log);
      out.lines = lines.ok() ? lines->size() : 0;
    }
  }
  return out;
}

bool run_span_logged(const fs::path& record_dir, const RunInfo& run) {
  if (run.trace_id.size() != 32) return false;
  auto lines = read_event_lines(record_dir / kEventLogName);
  if (!lines.ok()) return false;
  // Span ids are written as `"spanId":"<16 hex>"`; a step's `"parentSpanId"` differs in case.
  std::string needle = "\"spanId\":\"" + root_span_id(run.trace_id) + "\"";
  for (const auto& l : *lines)
    if (l.traces && l.text.find(needle) != std::string::npos) return true;
  return false;
}

FlushStats close_run_telemetry(const TelemetryOptions& options, const RunInfo& run, const fs::path& record_dir,
                               const std::vector<StepRecord>& steps, const EnvMap& env, Diagnostics& diag) {
  if (!options.enabled || run.trace_id.size() != 32) return {};
  // `attest` after `telemetry close`, a second attest or a second close: the run span is in the
  // log already. Emitting it again would give the trace two roots; export what is pending.
  if (run_span_logged(record_dir, run)) {
    FlushStats stats;
    ExporterConfig cfg = exporter_config(env, options, diag);
    if (cfg.exporting()) {
      ExportDeadline deadline;
      deadline.set(ExportDeadline::Clock::now() + options.flush_deadline);
      merge(stats, flush_event_log(record_dir / kEventLogName, cfg, deadline, diag));
    } else if (auto lines = read_event_lines(record_dir / kEventLogName); lines.ok()) {
      stats.lines = lines->size();
    }
    stats.already_closed = true;
    return stats;
  }
  otlp::Resource resource = telemetry_resource(env, hallmark_version(), diag);
  // The first step's entities: a run on one worker has one resource, its run span included.
  if (!steps.empty()) resource = with_entities(std::move(resource), entity_attributes(run, steps.front()));
  Signals signals;
  signals.spans.push_back(run_span(run, steps, caller_parent(record_dir)));
  signals.metrics = run_metrics(run, steps, uint64_t(unix_nanos(std::chrono::system_clock::now())));
  return append_and_flush(options, record_dir, env, resource, signals, diag);
}

FlushStats emit_events(const TelemetryOptions& options, const fs::path& record_dir, const EnvMap& env,
                       const std::vector<otlp::LogRecord>& logs, Diagnostics& diag) {
  if (!options.enabled || logs.empty()) return {};
  otlp::Resource resource = outside_step_resource(record_dir, env, diag);
  Signals signals;
  signals.logs = logs;
  return append_and_flush(options, record_dir, env, resource, signals, diag);
}

FlushStats emit_metrics(const TelemetryOptions& options, const fs::path& record_dir, const EnvMap& env,
                        const std::vector<otlp::Metric>& metrics, Diagnostics& diag) {
  if (!options.enabled || metrics.empty()) return {};
  otlp::Resource resource = outside_step_resource(record_dir, env, diag);
  Signals signals;
  signals.metrics = metrics;
  return append_and_flush(options, record_dir, env, resource, signals, diag);
}

FlushStats emit_verification_failed(const TelemetryOptions& options, const fs::path& record_dir, const EnvMap& env,
                                    const VerificationFailure& failure, Diagnostics& diag) {
  return emit_events(options, record_dir, env, {verification_failed_event(failure, current_trace_id(record_dir, env))},
                     diag);
}

FlushStats emit_sbom_denied_component(const TelemetryOptions& options, const fs::path& record_dir, const EnvMap& env,
                                      const DeniedComponent& component, Diagnostics& diag) {
  return emit_events(options, record_dir, env,
                     {sbom_denied_component_event(component, current_trace_id(record_dir, env))}, diag);
}

FlushStats flush_record_dir(const TelemetryOptions& options, const fs::path& record_dir, const EnvMap& env,
                            std::chrono::milliseconds deadline_ms, Diagnostics& diag) {
  ExporterConfig cfg = exporter_config(env, options, diag);
  FlushStats stats;
  if (!cfg.exporting()) {
    diag.warn("", "no OTLP endpoint configured (set OTEL_EXPORTER_OTLP_ENDPOINT or --otlp-endpoint)");
    return stats;
  }
  ExportDeadline deadline;
  deadline.set(ExportDeadline::Clock::now() + deadline_ms);
  return flush_event_log(record_dir / kEventLogName, cfg, deadline, diag);
}

}  // namespace hallmark
