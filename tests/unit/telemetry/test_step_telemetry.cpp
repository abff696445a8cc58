#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"
#include "hallmark/telemetry/trace_context.hpp"

#include "sink.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

using namespace hallmark;
namespace fs = std::filesystem;

namespace {

StepRecord sample_record(const std::string& name, int exit_code) {
  StepRecord r;
  r.name = name;
  r.run_id = "run-1";
  r.argv = {"make", "-j2"};
  r.cwd = "/work/ws";
  r.workspace = "/work/ws";
  r.started = "2026-11-26T10:00:00.000Z";
  r.finished = "2026-11-26T10:00:02.500Z";
  r.duration_ms = 2500;
  r.exit_code = exit_code;
  r.host.hostname = "builder-1";
  r.env.redacted = {"GITHUB_TOKEN"};
  CiContext ci;
  ci.platform = "github-actions";
  ci.pipeline = "release";
  ci.run_id = "42";
  ci.run_url = "https://ci.example/run/42";
  ci.repository_url = "https://git.example/o/r.git";
  ci.ref = "refs/heads/main";
  ci.commit = "abc123";
  r.ci = ci;
  TraceSection t;
  t.processes = {{100,
                  1,
                  "/usr/bin/make",
                  "",
                  {"make", "-j2"},
                  "/work/ws",
                  "2026-11-26T10:00:00.010Z",
                  "2026-11-26T10:00:02.400Z",
                  exit_code,
                  0,
                  false},
                 {101,
                  100,
                  "/tmp/evil",
                  "",
                  {"/tmp/evil"},
                  "/work/ws",
                  "2026-11-26T10:00:00.100Z",
                  "2026-11-26T10:00:00.200Z",
                  0,
                  0,
                  false}};
  t.network = {{"inet", "127.0.0.1", 443, true, 101, "tcp", ""}, {"inet", "10.9.9.9", 80, true, 101, "", ""}};
  t.files = {{"/etc/passwd", {"write"}, true, 101, ""}, {"out/app", {"create", "write"}, true, 100, ""}};
  r.trace = t;
  FileEntry p;
  p.path = "out/app";
  p.digests["sha256"] = std::string(64, 'a');
  r.products = {p};
  return r;
}

std::map<std::string, nlohmann::json> attrs(const nlohmann::json& j) {
  std::map<std::string, nlohmann::json> out;
  for (auto& kv : j["attributes"]) out[kv["key"]] = kv["value"];
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("telemetry");

TEST_CASE("telemetry::step_signals_spans_and_events") {
  StepSignalContext ctx;
  ctx.run.id = "run-1";
  ctx.run.trace_id = "0af7651916cd43dd8448eb211c80319c";
  ctx.step_span_id = "1111111111111111";
  ctx.parent_span_id = root_span_id(ctx.run.trace_id);
  ctx.detail = TelemetryDetail::processes;
  ctx.egress_allow = {"127.0.0.1"};
  Signals s = step_signals(sample_record("build", 2), ctx);
  REQUIRE(s.spans.size() == 3);
  const auto& step = s.spans[0];
  CHECK(step.parent_span_id == ctx.parent_span_id);
  CHECK(step.status == otlp::StatusCode::error);
  auto a = attrs(otlp::to_json(step));
  CHECK(a["cicd.pipeline.task.name"]["stringValue"] == "build");
  CHECK(a["cicd.pipeline.task.run.result"]["stringValue"] == "failure");
  CHECK(a["error.type"]["stringValue"] == "2");
  // Entity attributes are the resource's (entity_attributes), not the span's.
  CHECK(a.count("vcs.repository.url.full") == 0);
  CHECK(a.count("cicd.pipeline.run.id") == 0);
  CHECK(s.spans[1].parent_span_id == ctx.step_span_id);    // make: child of the step
  CHECK(s.spans[2].parent_span_id == s.spans[1].span_id);  // /tmp/evil: child of make
  std::map<std::string, std::vector<otlp::Severity>> events;
  for (auto& l : s.logs) {
    events[l.event_name].push_back(l.severity);
    CHECK(l.trace_id == ctx.run.trace_id);
    CHECK(l.span_id == ctx.step_span_id);
  }
  CHECK(events["hallmark.secret.redacted"].size() == 1);
  REQUIRE(events["hallmark.network.connect"].size() == 2);
  CHECK(events["hallmark.network.connect"][0] == otlp::Severity::info);  // allowed
  CHECK(events["hallmark.network.connect"][1] == otlp::Severity::warn);  // not on --egress-allow
  std::map<int64_t, std::string> transport_of;                           // by server.port; "(none)" when left out
  for (const auto& l : s.logs)
    if (l.event_name == std::string("hallmark.network.connect")) {
      auto port = std::get<int64_t>(*otlp::find_attribute(l.attributes, "server.port"));
      const otlp::Value* transport = otlp::find_attribute(l.attributes, "network.transport");
      transport_of[port] = transport ? std::get<std::string>(*transport) : "(none)";
    }
  REQUIRE(transport_of.size() == 2);
  CHECK(transport_of.at(443) == "tcp");
  // The other connection's transport is unknown: left out rather than guessed.
  CHECK(std::count_if(transport_of.begin(), transport_of.end(),
                      [](const auto& kv) { return kv.first != 443 && kv.second == "(none)"; }) == 1);
  CHECK(events["hallmark.file.write_outside_workspace"].size() == 1);
  CHECK(events["hallmark.process.exec_from_temp"].size() == 1);
  CHECK(events["hallmark.step.failed"].size() == 1);
  CHECK(events["hallmark.artifact.produced"].size() == 1);
  CHECK(events["hallmark.toolchain.executable"].size() == 2);  // make and /tmp/evil, once each

  // summary: no spans, but every security event is still there (never sampled).
  ctx.detail = TelemetryDetail::summary;
  Signals sum = step_signals(sample_record("build", 2), ctx);
  CHECK(sum.spans.empty());
  CHECK(sum.logs.size() == s.logs.size() - 3);  // minus the inventories: artifacts and toolchain

  // A producer that forgot to redact still cannot leak a token through telemetry.
  StepRecord leaky = sample_record("build", 0);
  leaky.argv = {"git", "clone", "https://user:hunter2@git.example/r", "ghp_0123456789abcdefghij0123456789abcdef"};
  leaky.trace->processes[0].argv = leaky.argv;
  ctx.detail = TelemetryDetail::processes;
  for (const auto& sp : step_signals(leaky, ctx).spans) {
    std::string dumped = otlp::to_json(sp).dump();
    CHECK(dumped.find("hunter2") == std::string::npos);
    CHECK(dumped.find("ghp_0123") == std::string::npos);
  }
}

// OTel semconv 1.44.0 on the task span: the required task URL (the record outside CI); an exec'd
// process is not an error; a signal is 128+N; file.path is a full path. On the resource: the
// worker (the runner, not the workflow), the browsable https repository URL of an SSH remote.
TEST_CASE("telemetry::semconv_task_worker_vcs_exec") {
  StepSignalContext ctx;
  ctx.run.id = "run-1";
  ctx.run.trace_id = "0af7651916cd43dd8448eb211c80319c";
  ctx.step_span_id = "1111111111111111";
  ctx.detail = TelemetryDetail::processes;
  ctx.record_uri = "file:///work/ws/.hallmark";
  StepRecord r = sample_record("build", 0);
  r.ci->run_url.clear();
  r.ci->builder_id = "https://github.com/o/r/.github/workflows/release.yml@refs/heads/main";
  r.ci->selected["RUNNER_NAME"] = "runner-7";
  r.ci->repository_url = "git@github.com:O/R.git";
  r.trace->processes[1].exit_code = -1;  // replaced by an exec
  Signals s = step_signals(r, ctx);
  auto a = attrs(otlp::to_json(s.spans[0]));
  CHECK(a["cicd.pipeline.task.run.url.full"]["stringValue"] == "file:///work/ws/.hallmark");
  CHECK(a.count("cicd.worker.id") == 0);
  REQUIRE(s.spans.size() == 3);
  CHECK(s.spans[2].status == otlp::StatusCode::unset);
  CHECK(attrs(otlp::to_json(s.spans[2])).count("error.type") == 0);
  CHECK(attrs(otlp::to_json(s.spans[2])).count("process.exit.code") == 0);
  for (const auto& l : s.logs)
    if (l.event_name == std::string("hallmark.artifact.produced"))
      CHECK(std::get<std::string>(*otlp::find_attribute(l.attributes, "file.path")) == "/work/ws/out/app");

  // A process killed by SIGKILL: 137 as the shell says, SIGKILL in error.type.
  r.trace->processes[1].signal = 9;
  auto killed = attrs(otlp::to_json(step_signals(r, ctx).spans[2]));
  CHECK(killed["process.exit.code"]["intValue"] == "137");
  CHECK(killed["error.type"]["stringValue"] == "SIGKILL");

  auto e = attrs(nlohmann::json{{"attributes", otlp::to_json(entity_attributes(ctx.run, r))}});
  CHECK(e["cicd.worker.id"]["stringValue"] == "runner-7");
  CHECK(e["cicd.worker.name"]["stringValue"] == "runner-7");
  CHECK(e["vcs.repository.url.full"]["stringValue"] == "https://github.com/O/R");
  CHECK(e["vcs.repository.name"]["stringValue"] == "R");
  CHECK(e["vcs.ref.head.name"]["stringValue"] == "main");
  CHECK(e["vcs.ref.type"]["stringValue"] == "branch");
  CHECK(e["vcs.ref.head.revision"]["stringValue"] == "abc123");
  CHECK(e["cicd.pipeline.name"]["stringValue"] == "release");
  CHECK(e["cicd.pipeline.run.id"]["stringValue"] == "run-1");

  // GitLab: the runner's id and description; elsewhere the host; credentials never shown.
  r.ci->selected = {{"CI_RUNNER_ID", "12"}, {"CI_RUNNER_DESCRIPTION", "shared-runner"}};
  r.ci->repository_url = "https://oauth2:glpat-secret@gitlab.example.com/g/sub/p.git";
  e = attrs(nlohmann::json{{"attributes", otlp::to_json(entity_attributes(ctx.run, r))}});
  CHECK(e["cicd.worker.id"]["stringValue"] == "12");
  CHECK(e["cicd.worker.name"]["stringValue"] == "shared-runner");
  CHECK(e["vcs.repository.url.full"]["stringValue"] == "https://gitlab.example.com/g/sub/p");
  r.ci->selected.clear();
  e = attrs(nlohmann::json{{"attributes", otlp::to_json(entity_attributes(ctx.run, r))}});
  CHECK(e["cicd.worker.id"]["stringValue"] == "builder-1");
  // OTEL_RESOURCE_ATTRIBUTES wins over an entity attribute.
  otlp::Resource res;
  otlp::set_attribute(res.attributes, "cicd.worker.id", std::string("mine"));
  auto merged = with_entities(res, entity_attributes(ctx.run, r));
  CHECK(std::get<std::string>(*otlp::find_attribute(merged.attributes, "cicd.worker.id")) == "mine");
  CHECK(otlp::find_attribute(merged.attributes, "vcs.ref.head.revision") != nullptr);
}

// Problems with the caller's context reach the sink the step passed down, each said once, and
// leave telemetry working: a bad TRACEPARENT is ignored, grpc falls back to http/json.
TEST_CASE("telemetry::begin_reports_bad_context_into_the_sink") {
  hmtest::TempDir tmp("begin");
  RunInfo run;
  run.id = "run-1";
  run.started = "2026-11-26T09:59:59.000Z";
  run.trace_id = "0af7651916cd43dd8448eb211c80319c";
  TelemetryOptions o;
  o.enabled = true;
  EnvMap env{{"TRACEPARENT", "00-garbage"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}};
  Diagnostics diag;
  auto t = StepTelemetry::begin(o, run, tmp.path, "build", env, diag);
  CHECK(t.child_env().size() >= 1);
  CHECK(diag.lines() ==
        std::vector<std::string>{"ignoring malformed TRACEPARENT (too short (need 55 characters))",
                                 "OTEL_EXPORTER_OTLP_PROTOCOL='grpc' is not supported by hallmark (http/json or "
                                 "http/protobuf); sending http/json instead"});
  t.finish(StepRecord{});
}

TEST_CASE("telemetry::step_telemetry_end_to_end_with_sink") {
  test::OtlpSink sink;
  REQUIRE(sink.port() > 0);
  hmtest::TempDir tmp("step");
  const fs::path dir = tmp.path;
  RunInfo run;
  run.id = "run-1";
  run.started = "2026-11-26T09:59:59.000Z";
  run.trace_id = "0af7651916cd43dd8448eb211c80319c";
  TelemetryOptions o;
  o.otlp_endpoint = sink.base();
  o.detail = TelemetryDetail::processes;
  EnvMap env{{"TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-aaaaaaaaaaaaaaaa-01"},
             {"TRACESTATE", "vendor=x"},
             {"OTEL_SERVICE_NAME", "pipeline-tests"}};
  Diagnostics diag;
  auto t = StepTelemetry::begin(o, run, dir, "build", env, diag);
  auto child = t.child_env();
  REQUIRE(child.size() == 3);
  CHECK(child[0] == "TRACEPARENT=00-" + run.trace_id + "-" + t.step_span_id() + "-01");
  CHECK(child[1] == "TRACESTATE=vendor=x");
  CHECK(child[2].find("cicd.pipeline.task.name=build") != std::string::npos);
  auto st = t.finish(sample_record("build", 0));
  CHECK(st.sent == 3);  // spans, events, and the traced step's metrics (telemetry/metrics.hpp)
  CHECK(st.unsent == 0);
  auto close = close_run_telemetry(o, run, dir, {sample_record("build", 0)}, env, diag);
  CHECK(close.sent == 2);  // the run span and the run's metrics
  CHECK(diag.lines() == std::vector<std::string>{});
  CHECK(verify_event_chain(dir / kEventLogName).ok());

  auto got = sink.received();
  std::map<std::string, nlohmann::json> spans;
  int logs = 0;
  for (auto& r : got) {
    REQUIRE_MESSAGE(!r.contains("error"), r.dump());
    auto& q = r["request"];
    if (q.contains("resourceSpans"))
      for (auto& rs : q["resourceSpans"]) {
        CHECK(attrs(rs["resource"])["service.name"]["stringValue"] == "pipeline-tests");
        for (auto& ss : rs["scopeSpans"])
          for (auto& s : ss["spans"]) spans[s["name"]] = s;
      }
    if (q.contains("resourceLogs"))
      for (auto& rl : q["resourceLogs"])
        for (auto& sl : rl["scopeLogs"])
          for (auto& l : sl["logRecords"]) {
            ++logs;
            CHECK(l["traceId"] == run.trace_id);
            CHECK(l["spanId"] == t.step_span_id());
          }
  }
  REQUIRE(spans.count("build"));
  REQUIRE(spans.count("RUN release"));
  CHECK(spans["build"]["spanId"] == t.step_span_id());
  CHECK(spans["build"]["parentSpanId"] == spans["RUN release"]["spanId"]);
  CHECK(spans["RUN release"]["parentSpanId"] == "aaaaaaaaaaaaaaaa");  // the caller's span
  CHECK(spans["RUN release"]["kind"] == 2);
  CHECK(spans["make"]["parentSpanId"] == t.step_span_id());
  CHECK(logs >= 5);
}

TEST_CASE("telemetry::verification_failed_event_reaches_log") {
  hmtest::TempDir tmp("verify");
  const fs::path dir = tmp.path;
  TelemetryOptions o;
  VerificationFailure f{"dist/app.tar.gz", std::string(64, 'b'), "signature does not match", ""};
  Diagnostics diag;
  emit_verification_failed(o, dir, {}, f, diag);
  CHECK(diag.lines() == std::vector<std::string>{});
  auto lines = read_event_lines(dir / kEventLogName);
  REQUIRE(lines.ok());
  REQUIRE(lines->size() == 1);
  CHECK((*lines)[0].text.find("hallmark.verification.failed") != std::string::npos);
  // file.path is the full path of the artifact given relative on the command line.
  std::string full = (fs::current_path() / "dist/app.tar.gz").string();
  CHECK((*lines)[0].text.find("\"file.path\",\"value\":{\"stringValue\":\"" + full + "\"") != std::string::npos);
  CHECK(verify_event_chain(dir / kEventLogName).ok());
}

TEST_SUITE_END();
