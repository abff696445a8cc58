// What a pipeline run looks like in OpenTelemetry: pure functions from hallmark's records to
// OTLP spans and log events (docs/telemetry.md has the field-by-field mapping).
//   run  -> one SERVER span "RUN {pipeline}" (root; emitted when the run is closed)
//   step -> one INTERNAL span per `hallmark run`, child of the run span
//   process (--telemetry-detail processes, with --trace) -> one INTERNAL span per process,
//           child of its parent process's span or of the step span
// Security events are LogRecords with a stable eventName and are never sampled: every
// detail level emits them.
#pragma once

#include "hallmark/model/step_record.hpp"
#include "hallmark/observe/trace.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/otel_config.hpp"
#include "hallmark/telemetry/metrics.hpp"
#include "hallmark/telemetry/otlp.hpp"

#include <string>
#include <unordered_set>
#include <vector>

namespace hallmark {

// Event names: namespaced, no dynamic parts (SIEM rules key on them).
namespace event_name {
inline constexpr const char* kNetworkConnect = "hallmark.network.connect";
inline constexpr const char* kWriteOutsideWorkspace = "hallmark.file.write_outside_workspace";
inline constexpr const char* kExecFromTemp = "hallmark.process.exec_from_temp";
// + kind: hallmark.anomaly.egress, .exec, .toolchain, .dependency, .write_outside, .env
inline constexpr const char* kAnomalyPrefix = "hallmark.anomaly.";
// A change to the record dir hallmark did not make (docs/record-format.md)
inline constexpr const char* kRecordTampered = "hallmark.record.tampered";
inline constexpr const char* kSecretRedacted = "hallmark.secret.redacted";
inline constexpr const char* kStepFailed = "hallmark.step.failed";
inline constexpr const char* kVerificationFailed = "hallmark.verification.failed";
inline constexpr const char* kSbomDeniedComponent = "hallmark.sbom.denied_component";
inline constexpr const char* kArtifactProduced = "hallmark.artifact.produced";
inline constexpr const char* kToolchainExecutable = "hallmark.toolchain.executable";
}  // namespace event_name

struct StepSignalContext {
  RunInfo run;
  std::string step_span_id;
  std::string parent_span_id;  // the run span (root_span_id(run.trace_id))
  std::string trace_state;
  TelemetryDetail detail = TelemetryDetail::steps;
  std::vector<std::string> egress_allow;
  std::vector<std::string> temp_dirs = {"/tmp", "/var/tmp", "/dev/shm"};
  // The step's working directory (on the step span): a process span names its own only where
  // it differs. Empty: step_signals() takes the record's.
  std::string step_cwd;
  // file:// URL of the step record (of the record directory until the record is written):
  // cicd.pipeline.task.run.url.full outside CI, where no web page of the task exists
  // (docs/telemetry.md).
  std::string record_uri;
  // Process records (by index) whose spans were already streamed during the step.
  const std::unordered_set<size_t>* streamed_processes = nullptr;
};

struct Signals {
  std::vector<otlp::Span> spans;
  std::vector<otlp::LogRecord> logs;
  std::vector<otlp::Metric> metrics;  // telemetry/metrics.hpp
};

Signals step_signals(const StepRecord& record, const StepSignalContext& ctx);

// The span of process record `index` of the step; `parent` is its parent's record index or
// kNoParent (then the step span is the parent). Span ids derive from the step span and the
// index, so a span streamed during the step and its children emitted later agree.
std::string process_span_id(const std::string& step_span_id, size_t index);
otlp::Span process_span(const ProcessRecord& p, size_t index, size_t parent, const StepSignalContext& ctx);

// The run span over all steps recorded so far; its result is failure when any step failed.
// `caller_parent` is the span id from an incoming TRACEPARENT, if the run is a child.
otlp::Span run_span(const RunInfo& run, const std::vector<StepRecord>& steps, const std::string& caller_parent);

// The entities semconv 1.44.0 describes as resources (model/cicd/entities.yaml,
// model/vcs/entities.yaml) for telemetry about `context` (a step record, at least its CI, git and
// host parts) in `run`: cicd.pipeline.name, cicd.pipeline.run.id/.url.full, cicd.worker.id/.name,
// vcs.repository.url.full/.name, vcs.ref.head.name/.revision, vcs.ref.type. They go on the
// Resource, not on each span, and are the same for every line of a run on one worker.
otlp::Attributes entity_attributes(const RunInfo& run, const StepRecord& context);
// `resource` with the entity attributes it does not set itself (OTEL_RESOURCE_ATTRIBUTES wins).
otlp::Resource with_entities(otlp::Resource resource, const otlp::Attributes& entities);

// Events raised by other commands.
struct VerificationFailure {
  std::string artifact;         // path as given
  std::string artifact_sha256;  // when it could be hashed
  std::string reason;           // one line, already free of secrets
  std::string policy;           // policy file or rule, if any
};
otlp::LogRecord verification_failed_event(const VerificationFailure& f, const std::string& trace_id);

struct DeniedComponent {
  std::string purl, name, version, sbom_path, rule;
};
otlp::LogRecord sbom_denied_component_event(const DeniedComponent& c, const std::string& trace_id);

// "success", "failure", "error" (never ran), "cancellation" (SIGINT/SIGTERM/SIGHUP).
std::string task_result(const StepRecord& r);

}  // namespace hallmark
