#include "hallmark/util/uri.hpp"
#include "hallmark/telemetry/signals.hpp"

#include "hallmark/context/redact.hpp"
#include "hallmark/telemetry/trace_context.hpp"
#include "hallmark/util/glob.hpp"
#include "hallmark/util/path.hpp"
#include "hallmark/util/time.hpp"

#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <set>

namespace hallmark {

using otlp::set_attribute;

namespace {

uint64_t nanos(const std::string& rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  return t ? uint64_t(unix_nanos(*t)) : 0;
}

uint64_t now_ns() { return uint64_t(unix_nanos(std::chrono::system_clock::now())); }

const char* signal_name(int sig) {
  switch (sig) {
  case SIGINT: return "SIGINT";
  case SIGTERM: return "SIGTERM";
  case SIGKILL: return "SIGKILL";
  case SIGHUP: return "SIGHUP";
  case SIGQUIT: return "SIGQUIT";
  case SIGSEGV: return "SIGSEGV";
  case SIGABRT: return "SIGABRT";
  case SIGPIPE: return "SIGPIPE";
  case SIGBUS: return "SIGBUS";
  default: return nullptr;
  }
}

// error.type must be low-cardinality: the exit code (0-255), a signal name, or the spawn error.
std::string error_type(int exit_code, int sig, const std::string& spawn_error) {
  if (!spawn_error.empty()) return spawn_error == "not found" ? "command_not_found" : "command_not_executable";
  if (sig) {
    const char* n = signal_name(sig);
    return n ? n : "signal_" + std::to_string(sig);
  }
  return std::to_string(exit_code);
}

// file.path is "the full path to the file": paths given on the command line are made absolute.
std::string full_path(const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  return ec ? p : abs.lexically_normal().string();
}

std::string basename_of(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// vcs.repository and vcs.ref entities (model/vcs/entities.yaml).
void add_vcs(otlp::Attributes& a, const StepRecord& r) {
  std::string url, ref, rev;
  if (r.git) url = r.git->remote_url, ref = r.git->branch, rev = r.git->commit;
  if (r.ci) {
    if (url.empty()) url = r.ci->repository_url;
    if (ref.empty()) ref = r.ci->ref;
    if (rev.empty()) rev = r.ci->commit;
  }
  // The convention wants the browser URL of the repository: https, without ".git", SSH and
  // scp-style remotes converted, credentials dropped; a local path has none.
  url = https_repository_url(url);
  if (!url.empty()) {
    set_attribute(a, "vcs.repository.url.full", url);
    std::string name = url.substr(url.rfind('/') + 1);  // the name alone, no owner or group
    if (!name.empty() && url.find('/', 8) != std::string::npos) set_attribute(a, "vcs.repository.name", name);
  }
  if (!ref.empty()) {
    if (ref.rfind("refs/heads/", 0) == 0) ref = ref.substr(11);
    bool tag = ref.rfind("refs/tags/", 0) == 0;
    if (tag) ref = ref.substr(10);
    set_attribute(a, "vcs.ref.head.name", ref);
    set_attribute(a, "vcs.ref.type", std::string(tag ? "tag" : "branch"));
  }
  if (!rev.empty()) set_attribute(a, "vcs.ref.head.revision", rev);
}

std::string selected_var(const StepRecord& r, const char* k) {
  if (!r.ci) return {};
  auto it = r.ci->selected.find(k);
  return it == r.ci->selected.end() ? std::string() : it->second;
}

// cicd.worker.*: the machine that ran the task (the platform's runner or agent), else the host
// name; never the workflow that asked for it (that is builder.id in the provenance).
void add_worker(otlp::Attributes& a, const StepRecord& r) {
  // {id variable, name variable} per platform, in the detectors' `selected` variables.
  static const std::pair<const char*, const char*> kWorkerVars[] = {
      {"CI_RUNNER_ID", "CI_RUNNER_DESCRIPTION"},       // GitLab
      {"RUNNER_NAME", "RUNNER_NAME"},                  // GitHub Actions (no runner id is exposed)
      {"BUILDKITE_AGENT_ID", "BUILDKITE_AGENT_NAME"},  // Buildkite
      {"AGENT_ID", "AGENT_NAME"},                      // Azure Pipelines
      {"NODE_NAME", "NODE_NAME"},                      // Jenkins
  };
  std::string id, name;
  for (const auto& [id_var, name_var] : kWorkerVars) {
    id = selected_var(r, id_var);
    name = selected_var(r, name_var);
    if (!id.empty() || !name.empty()) break;
  }
  if (id.empty()) id = !name.empty() ? name : r.host.hostname;
  if (name.empty()) name = id;
  if (!id.empty()) set_attribute(a, "cicd.worker.id", id);
  if (!name.empty()) set_attribute(a, "cicd.worker.name", name);
}

// cicd.pipeline and cicd.pipeline.run entities.
void add_pipeline(otlp::Attributes& a, const RunInfo& run, const std::optional<CiContext>& ci) {
  if (ci && !ci->pipeline.empty()) set_attribute(a, "cicd.pipeline.name", ci->pipeline);
  if (!run.id.empty()) set_attribute(a, "cicd.pipeline.run.id", run.id);
  if (ci && !ci->run_url.empty()) set_attribute(a, "cicd.pipeline.run.url.full", ci->run_url);
}

otlp::LogRecord event(const char* name, otlp::Severity sev, std::string body, uint64_t t, const std::string& trace_id,
                      const std::string& span_id) {
  otlp::LogRecord l;
  l.event_name = name;
  l.severity = sev;
  l.body = std::move(body);
  l.time_ns = t;
  l.observed_ns = now_ns();
  l.trace_id = trace_id;
  l.span_id = span_id;
  return l;
}

// By address, and by the name the step resolved it from (as the policy matches).
bool egress_allowed(const Connection& c, const std::vector<std::string>& allow) {
  const std::string port = ":" + std::to_string(c.port);
  std::vector<std::string> forms{c.address, (c.family == "inet6" ? "[" + c.address + "]" : c.address) + port};
  if (!c.host.empty()) {
    forms.push_back(c.host);
    forms.push_back(c.host + port);
  }
  for (const auto& pattern : allow)
    for (const auto& f : forms)
      if (wildcard_match(pattern, f)) return true;
  return false;
}

void process_spans(const StepRecord& r, const StepSignalContext& ctx, Signals& out) {
  const auto& procs = r.trace->processes;
  std::unordered_map<int64_t, size_t> latest;  // pid -> its latest record so far (pids are reused)
  for (size_t i = 0; i < procs.size(); ++i) {
    auto parent = latest.find(procs[i].ppid);
    size_t parent_index = parent != latest.end() ? parent->second : kNoParent;
    latest[procs[i].pid] = i;
    if (ctx.streamed_processes && ctx.streamed_processes->count(i)) continue;
    out.spans.push_back(process_span(procs[i], i, parent_index, ctx));
  }
}

void trace_events(const StepRecord& r, const StepSignalContext& ctx, uint64_t t, Signals& out) {
  const auto& tr = *r.trace;
  const std::string& trace_id = ctx.run.trace_id;
  std::set<std::string> seen;
  for (const auto& c : tr.network) {
    if (c.family != "inet" && c.family != "inet6") continue;  // unix sockets are local IPC
    std::string key = c.address + "|" + std::to_string(c.port) + "|" + std::to_string(c.pid);
    if (!seen.insert(key).second) continue;
    bool allowed = egress_allowed(c, ctx.egress_allow);
    auto l = event(event_name::kNetworkConnect, allowed ? otlp::Severity::info : otlp::Severity::warn,
                   std::string(allowed ? "allowed" : "unlisted") + " connection to " + c.address + ":" +
                       std::to_string(c.port) + (c.host.empty() ? "" : " (" + c.host + ")"),
                   t, trace_id, ctx.step_span_id);
    // semconv: server.address is the name the client used when it had one, the peer's IP is
    // network.peer.address.
    set_attribute(l.attributes, "server.address", c.host.empty() ? c.address : c.host);
    set_attribute(l.attributes, "network.peer.address", c.address);
    set_attribute(l.attributes, "server.port", int64_t(c.port));
    set_attribute(l.attributes, "network.type", std::string(c.family == "inet6" ? "ipv6" : "ipv4"));
    if (!c.transport.empty()) set_attribute(l.attributes, "network.transport", c.transport);
    set_attribute(l.attributes, "process.pid", c.pid);
    set_attribute(l.attributes, "hallmark.egress.allowed", allowed);
    set_attribute(l.attributes, "hallmark.connect.success", c.success);
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
  seen.clear();
  for (const auto& f : tr.files) {
    if (f.path.empty() || f.path[0] != '/') continue;  // workspace-relative: inside
    if (path_under(f.path, "/dev") || path_under(f.path, "/proc")) continue;
    bool writes = false;
    for (const auto& op : f.ops)
      if (op == "write" || op == "create" || op == "delete" || op == "rename_to") writes = true;
    if (!writes || !f.success || !seen.insert(f.path).second) continue;
    bool temp = false;
    for (const auto& d : ctx.temp_dirs) temp = temp || path_under(f.path, d);
    // Compilers write scratch files to temp dirs all the time: recorded, but not a warning.
    auto l = event(event_name::kWriteOutsideWorkspace, temp ? otlp::Severity::info : otlp::Severity::warn,
                   "write outside the workspace: " + f.path, t, trace_id, ctx.step_span_id);
    set_attribute(l.attributes, "file.path", f.path);
    std::vector<std::string> ops = f.ops;
    set_attribute(l.attributes, "hallmark.file.operations", ops);
    set_attribute(l.attributes, "process.pid", f.pid);
    if (!f.sha256.empty()) set_attribute(l.attributes, "hallmark.file.sha256", f.sha256);
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
  for (const auto& p : tr.processes) {
    if (p.exe.empty() || (!r.workspace.empty() && path_under(p.exe, r.workspace))) continue;
    bool temp = false;
    for (const auto& d : ctx.temp_dirs) temp = temp || path_under(p.exe, d);
    if (!temp) continue;
    auto l = event(event_name::kExecFromTemp, otlp::Severity::warn, "executable run from a temp dir: " + p.exe,
                   nanos(p.started) ? nanos(p.started) : t, trace_id, ctx.step_span_id);
    set_attribute(l.attributes, "process.executable.path", p.exe);
    set_attribute(l.attributes, "process.pid", p.pid);
    set_attribute(l.attributes, "process.parent_pid", p.ppid);
    if (!p.exe_sha256.empty()) set_attribute(l.attributes, "hallmark.process.executable.sha256", p.exe_sha256);
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
}

}  // namespace

std::string process_span_id(const std::string& step_span_id, size_t index) {
  return derived_span_id(step_span_id + "\nprocess\n" + std::to_string(index));
}

otlp::Span process_span(const ProcessRecord& p, size_t index, size_t parent, const StepSignalContext& ctx) {
  otlp::Span s;
  s.trace_id = ctx.run.trace_id;
  s.span_id = process_span_id(ctx.step_span_id, index);
  s.parent_span_id = parent == kNoParent ? ctx.step_span_id : process_span_id(ctx.step_span_id, parent);
  s.trace_state = ctx.trace_state;
  s.name = basename_of(p.exe.empty() ? (p.argv.empty() ? std::string("process") : p.argv[0]) : p.exe);
  s.kind = otlp::SpanKind::internal;
  s.start_ns = nanos(p.started);
  s.end_ns = std::max(nanos(p.finished), s.start_ns);
  set_attribute(s.attributes, "process.pid", p.pid);
  set_attribute(s.attributes, "process.parent_pid", p.ppid);
  if (!p.exe.empty()) set_attribute(s.attributes, "process.executable.path", p.exe);
  if (!p.argv.empty())
    set_attribute(s.attributes, "process.command_args", redact_argv(p.argv));  // again: defence in depth
  if (!p.cwd.empty() && p.cwd != ctx.step_cwd) set_attribute(s.attributes, "process.working_directory", p.cwd);
  // semconv 1.44.0 says only "the exit code of the process"; a process killed by signal N has
  // none, and hallmark writes 128+N, the status a POSIX shell reports and hallmark exits with
  // (the step span does the same), with the signal's name in error.type.
  if (p.signal > 0) set_attribute(s.attributes, "process.exit.code", int64_t(128 + p.signal));
  else if (p.exit_code >= 0) set_attribute(s.attributes, "process.exit.code", int64_t(p.exit_code));
  // exit_code -1 without a signal: the program was replaced by an exec (sh -c 'exec cc'), which
  // is no failure; the status stays unset.
  if ((p.exit_code > 0) || p.signal != 0) {
    s.status = otlp::StatusCode::error;
    set_attribute(s.attributes, "error.type", error_type(p.exit_code, p.signal, ""));
  }
  return s;
}

std::string task_result(const StepRecord& r) {
  if (!r.spawn_error.empty()) return "error";
  if (r.signal == SIGINT || r.signal == SIGTERM || r.signal == SIGHUP) return "cancellation";
  return r.exit_code == 0 ? "success" : "failure";
}

namespace {

// One event per distinct program the step ran, with its digest and how often it ran: what a SIEM
// matches against known-bad hashes. The digest is not repeated on each process span: a build
// runs the same few programs thousands of times, and a receiver decodes every attribute.
void toolchain_events(const StepRecord& r, const StepSignalContext& ctx, Signals& out) {
  struct Seen {
    const ProcessRecord* first;
    int64_t runs;
  };
  std::vector<std::string> order;
  std::unordered_map<std::string, Seen> by_exe;
  for (const auto& p : r.trace->processes) {
    if (p.exe.empty()) continue;
    auto [it, fresh] = by_exe.try_emplace(p.exe, Seen{&p, 0});
    if (fresh) order.push_back(p.exe);
    ++it->second.runs;
  }
  const uint64_t step_start = nanos(r.started);
  for (const auto& exe : order) {
    const Seen& s = by_exe[exe];
    uint64_t t = nanos(s.first->started);
    auto l = event(event_name::kToolchainExecutable, otlp::Severity::info,
                   "ran " + exe + " (" + std::to_string(s.runs) + (s.runs == 1 ? " process)" : " processes)"),
                   t ? t : step_start, ctx.run.trace_id, ctx.step_span_id);
    set_attribute(l.attributes, "process.executable.path", exe);
    if (!s.first->exe_sha256.empty())
      set_attribute(l.attributes, "hallmark.process.executable.sha256", s.first->exe_sha256);
    set_attribute(l.attributes, "hallmark.process.runs", s.runs);
    set_attribute(l.attributes, "process.pid", s.first->pid);
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
}

otlp::Span step_span(const StepRecord& r, const StepSignalContext& ctx, uint64_t start, uint64_t end,
                     const std::string& result) {
  otlp::Span s;
  s.trace_id = ctx.run.trace_id;
  s.span_id = ctx.step_span_id;
  s.parent_span_id = ctx.parent_span_id;
  s.trace_state = ctx.trace_state;
  s.name = r.name;
  s.kind = otlp::SpanKind::internal;
  s.start_ns = start;
  s.end_ns = end;
  set_attribute(s.attributes, "cicd.pipeline.task.name", r.name);
  set_attribute(s.attributes, "cicd.pipeline.task.run.id", ctx.step_span_id);
  // Required by semconv: the CI's page of the run, or outside CI the record directory.
  std::string task_url = r.ci && !r.ci->run_url.empty() ? r.ci->run_url : ctx.record_uri;
  if (!task_url.empty()) set_attribute(s.attributes, "cicd.pipeline.task.run.url.full", task_url);
  set_attribute(s.attributes, "cicd.pipeline.task.run.result", result);
  if (!r.argv.empty())
    set_attribute(s.attributes, "process.command_args", redact_argv(r.argv));  // again: defence in depth
  set_attribute(s.attributes, "process.exit.code", int64_t(r.exit_code));
  if (!r.cwd.empty()) set_attribute(s.attributes, "process.working_directory", r.cwd);
  set_attribute(s.attributes, "hallmark.step.materials", int64_t(r.materials.size()));
  set_attribute(s.attributes, "hallmark.step.products", int64_t(r.products.size()));
  set_attribute(s.attributes, "hallmark.step.duration_ms", r.duration_ms);
  if (result != "success") {
    s.status = otlp::StatusCode::error;
    s.status_message = r.spawn_error.empty() ? "exit status " + std::to_string(r.exit_code) : r.spawn_error;
    set_attribute(s.attributes, "error.type", error_type(r.exit_code, r.signal, r.spawn_error));
  }
  return s;
}

// Process spans compare each process's cwd with the step's, which the caller may leave to the record.
void step_process_spans(const StepRecord& r, const StepSignalContext& ctx, Signals& out) {
  if (!ctx.step_cwd.empty()) {
    process_spans(r, ctx, out);
    return;
  }
  StepSignalContext with_cwd = ctx;
  with_cwd.step_cwd = r.cwd;
  process_spans(r, with_cwd, out);
}

void secret_events(const StepRecord& r, const StepSignalContext& ctx, uint64_t t, Signals& out) {
  for (const auto& name : r.env.redacted) {
    auto l = event(event_name::kSecretRedacted, otlp::Severity::info, "secret redacted from the record: " + name, t,
                   ctx.run.trace_id, ctx.step_span_id);
    set_attribute(l.attributes, "hallmark.env.name", name);  // the name only, never the value
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
}

// What the step did that its baseline never had (docs/detection.md): a WARN at every level.
void anomaly_events(const StepRecord& r, const StepSignalContext& ctx, uint64_t t, Signals& out) {
  for (const auto& a : r.anomalies) {
    auto l = event("", otlp::Severity::warn, "anomaly: step '" + r.name + "' " + a.message, t, ctx.run.trace_id,
                   ctx.step_span_id);
    l.event_name = std::string(event_name::kAnomalyPrefix) + a.kind;
    set_attribute(l.attributes, "hallmark.anomaly.kind", a.kind);
    set_attribute(l.attributes, "hallmark.anomaly.value", a.value);
    set_attribute(l.attributes, "hallmark.baseline.runs", a.baseline_runs);
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
}

void tamper_events(const StepRecord& r, const StepSignalContext& ctx, uint64_t t, Signals& out) {
  for (const auto& tamper : r.record_tampering) {
    auto l =
        event(event_name::kRecordTampered, otlp::Severity::error,
              "record dir tampered with: " + tamper.path + " " + tamper.change, t, ctx.run.trace_id, ctx.step_span_id);
    set_attribute(l.attributes, "file.path", tamper.path);
    set_attribute(l.attributes, "hallmark.tamper.change", tamper.change);
    set_attribute(l.attributes, "hallmark.tamper.detected_by", tamper.detected_by);
    if (tamper.pid) set_attribute(l.attributes, "process.pid", tamper.pid);
    if (!tamper.exe.empty()) set_attribute(l.attributes, "process.executable.path", tamper.exe);
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
}

otlp::LogRecord step_failed_event(const StepRecord& r, const StepSignalContext& ctx, uint64_t t,
                                  const std::string& result) {
  auto l = event(event_name::kStepFailed, otlp::Severity::error,
                 "step '" + r.name + "' " +
                     (r.spawn_error.empty() ? "exited with status " + std::to_string(r.exit_code)
                                            : "could not start: " + r.spawn_error),
                 t, ctx.run.trace_id, ctx.step_span_id);
  set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
  set_attribute(l.attributes, "cicd.pipeline.task.run.result", result);
  set_attribute(l.attributes, "process.exit.code", int64_t(r.exit_code));
  set_attribute(l.attributes, "error.type", error_type(r.exit_code, r.signal, r.spawn_error));
  if (!r.argv.empty()) set_attribute(l.attributes, "process.command_args", redact_argv(r.argv));
  return l;
}

void product_events(const StepRecord& r, const StepSignalContext& ctx, uint64_t t, Signals& out) {
  for (const auto& p : r.products) {
    auto it = p.digests.find("sha256");
    if (p.kind != FileKind::regular || it == p.digests.end()) continue;
    auto l = event(event_name::kArtifactProduced, otlp::Severity::info, "product " + p.path, t, ctx.run.trace_id,
                   ctx.step_span_id);
    set_attribute(l.attributes, "artifact.filename", basename_of(p.path));
    // file.path is a full path; records keep workspace-relative ones.
    set_attribute(l.attributes, "file.path",
                  p.path.empty() || p.path[0] == '/' || r.workspace.empty() ? p.path : r.workspace + "/" + p.path);
    set_attribute(l.attributes, "artifact.hash", it->second);
    set_attribute(l.attributes, "file.size", int64_t(p.size));
    set_attribute(l.attributes, "cicd.pipeline.task.name", r.name);
    out.logs.push_back(std::move(l));
  }
}

}  // namespace

Signals step_signals(const StepRecord& r, const StepSignalContext& ctx) {
  Signals out;
  uint64_t start = nanos(r.started), end = std::max(nanos(r.finished), start);
  std::string result = task_result(r);
  if (ctx.detail != TelemetryDetail::summary) out.spans.push_back(step_span(r, ctx, start, end, result));
  if (ctx.detail == TelemetryDetail::processes && r.trace) step_process_spans(r, ctx, out);

  // Security events: every detail level.
  secret_events(r, ctx, start, out);
  if (r.trace) trace_events(r, ctx, end, out);
  anomaly_events(r, ctx, end, out);
  tamper_events(r, ctx, end, out);
  if (result != "success") out.logs.push_back(step_failed_event(r, ctx, end, result));
  if (ctx.detail != TelemetryDetail::summary) {
    if (r.trace) toolchain_events(r, ctx, out);
    product_events(r, ctx, end, out);
  }
  return out;
}

otlp::Span run_span(const RunInfo& run, const std::vector<StepRecord>& steps, const std::string& caller_parent) {
  otlp::Span s;
  s.trace_id = run.trace_id;
  s.span_id = root_span_id(run.trace_id);
  s.parent_span_id = caller_parent;
  s.kind = otlp::SpanKind::server;
  s.start_ns = nanos(run.started);
  s.end_ns = s.start_ns;
  std::optional<CiContext> ci;
  bool failed = false;
  for (const auto& st : steps) {
    s.start_ns = s.start_ns ? std::min(s.start_ns, nanos(st.started)) : nanos(st.started);
    s.end_ns = std::max(s.end_ns, nanos(st.finished));
    if (!ci && st.ci) ci = st.ci;
    failed = failed || task_result(st) != "success";
  }
  if (s.end_ns < s.start_ns) s.end_ns = s.start_ns;
  std::string pipeline = ci && !ci->pipeline.empty() ? ci->pipeline : "";
  // CI/CD spans convention: "{action} {pipeline}", or "{action}" without a pipeline name.
  s.name = pipeline.empty() ? "RUN" : "RUN " + pipeline;
  set_attribute(s.attributes, "cicd.pipeline.action.name", std::string("RUN"));
  set_attribute(s.attributes, "cicd.pipeline.result", std::string(failed ? "failure" : "success"));
  set_attribute(s.attributes, "hallmark.run.steps", int64_t(steps.size()));
  if (failed) {
    s.status = otlp::StatusCode::error;
    set_attribute(s.attributes, "error.type", std::string("step_failed"));
  }
  return s;
}

otlp::Attributes entity_attributes(const RunInfo& run, const StepRecord& context) {
  otlp::Attributes a;
  add_pipeline(a, run, context.ci);
  add_worker(a, context);
  add_vcs(a, context);
  return a;
}

otlp::Resource with_entities(otlp::Resource resource, const otlp::Attributes& entities) {
  // What the user set in OTEL_RESOURCE_ATTRIBUTES wins, as it does over an SDK's detectors.
  for (const auto& kv : entities)
    if (!otlp::find_attribute(resource.attributes, kv.key)) resource.attributes.push_back(kv);
  return resource;
}

otlp::LogRecord verification_failed_event(const VerificationFailure& f, const std::string& trace_id) {
  auto l = event(event_name::kVerificationFailed, otlp::Severity::error,
                 "verification failed: " + redact_text(f.reason), now_ns(), trace_id, "");
  set_attribute(l.attributes, "artifact.filename", basename_of(f.artifact));
  set_attribute(l.attributes, "file.path", full_path(f.artifact));
  if (!f.artifact_sha256.empty()) set_attribute(l.attributes, "artifact.hash", f.artifact_sha256);
  set_attribute(l.attributes, "hallmark.verification.reason", redact_text(f.reason));
  if (!f.policy.empty()) set_attribute(l.attributes, "hallmark.policy", f.policy);
  return l;
}

otlp::LogRecord sbom_denied_component_event(const DeniedComponent& c, const std::string& trace_id) {
  auto l = event(event_name::kSbomDeniedComponent, otlp::Severity::warn,
                 "SBOM component on the deny list: " + (c.purl.empty() ? c.name : c.purl), now_ns(), trace_id, "");
  if (!c.purl.empty()) set_attribute(l.attributes, "hallmark.component.purl", c.purl);
  set_attribute(l.attributes, "hallmark.component.name", c.name);
  if (!c.version.empty()) set_attribute(l.attributes, "hallmark.component.version", c.version);
  if (!c.sbom_path.empty()) set_attribute(l.attributes, "file.path", full_path(c.sbom_path));
  if (!c.rule.empty()) set_attribute(l.attributes, "hallmark.policy", c.rule);
  return l;
}

}  // namespace hallmark
