// Telemetry of one `hallmark run` step, driven by the step runner at two points:
//   1. StepTelemetry::begin() before spawning: picks the step span id, returns the child's
//      TRACEPARENT/TRACESTATE/BAGGAGE, and starts a background thread that exports what earlier
//      steps left unsent while the build runs;
//   2. finish(record) after the record is complete: appends the step's spans and events to the
//      hash-chained event log, exports them, and returns within the flush deadline whatever the
//      collector does. Nothing here can change the step's exit status.
// close_run_telemetry() emits the run's root span (called by `hallmark attest` and
// `hallmark telemetry close`); emit_events() is for commands that raise events outside a step
// (`hallmark verify`, SBOM policy).
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/model/step_record.hpp"
#include "hallmark/observe/trace.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/exporter.hpp"
#include "hallmark/telemetry/otel_config.hpp"
#include "hallmark/telemetry/signals.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hallmark {

class StepTelemetry {
public:
  StepTelemetry();  // disabled: child_env() empty, finish() does nothing
  StepTelemetry(StepTelemetry&&) noexcept;
  StepTelemetry& operator=(StepTelemetry&&) noexcept;
  ~StepTelemetry();  // stops the exporter at once if finish() was never called

  // `context`: the step record as far as it is known before the command runs (CI, git, host),
  // whose entities (signals.hpp, entity_attributes) go on the resource of every line the step
  // writes. `diag` receives what goes wrong from here to finish() (malformed OTEL_* values, a
  // bad TRACEPARENT, a collector down), from the exporter thread too: it must outlive this.
  static StepTelemetry begin(const TelemetryOptions& options, const RunInfo& run,
                             const std::filesystem::path& record_dir, const std::string& step_name, const EnvMap& env,
                             Diagnostics& diag, const StepRecord* context = nullptr);

  // "NAME=value" entries to add to (or replace in) the child's environment.
  std::vector<std::string> child_env() const;
  const std::string& step_span_id() const;
  // With --telemetry-detail processes and an exporter running: the tracer's listener that
  // streams process spans during the step. Empty otherwise.
  ProcessEndListener process_listener();

  // `record_file`: where the
  // step record was written; outside CI its file:// URL is the task span's
  // cicd.pipeline.task.run.url.full (else the record directory's).
  FlushStats finish(const StepRecord& record, const std::filesystem::path& record_file = {});

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Emits the run's SERVER span over `steps` (append + export within options.flush_deadline),
// once per run: when the event log holds it already, only what is pending is exported.
FlushStats close_run_telemetry(const TelemetryOptions& options, const RunInfo& run,
                               const std::filesystem::path& record_dir, const std::vector<StepRecord>& steps,
                               const EnvMap& env, Diagnostics& diag);

// Whether the event log in `record_dir` holds the run span of `run` already.
bool run_span_logged(const std::filesystem::path& record_dir, const RunInfo& run);

// Appends log events (one line) to <record_dir>/events.otlp.jsonl and exports them.
FlushStats emit_events(const TelemetryOptions& options, const std::filesystem::path& record_dir, const EnvMap& env,
                       const std::vector<otlp::LogRecord>& logs, Diagnostics& diag);
// Appends metrics (one line, telemetry/metrics.hpp) and exports them: `sbom`, `verify`.
FlushStats emit_metrics(const TelemetryOptions& options, const std::filesystem::path& record_dir, const EnvMap& env,
                        const std::vector<otlp::Metric>& metrics, Diagnostics& diag);
// For `hallmark verify`: one hallmark.verification.failed event in the current run's trace (or
// the caller's, from TRACEPARENT).
FlushStats emit_verification_failed(const TelemetryOptions& options, const std::filesystem::path& record_dir,
                                    const EnvMap& env, const VerificationFailure& failure, Diagnostics& diag);
FlushStats emit_sbom_denied_component(const TelemetryOptions& options, const std::filesystem::path& record_dir,
                                      const EnvMap& env, const DeniedComponent& component, Diagnostics& diag);

// `hallmark telemetry flush`: re-sends what the event log still holds unsent.
FlushStats flush_record_dir(const TelemetryOptions& options, const std::filesystem::path& record_dir, const EnvMap& env,
                            std::chrono::milliseconds deadline, Diagnostics& diag);

}  // namespace hallmark
