#include "command.hpp"
#include "located_run.hpp"

#include "hallmark/store/record_dir.hpp"
#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/metrics.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"

#include <filesystem>
#include <memory>

namespace hallmark::cli {

namespace fs = std::filesystem;

namespace {

void report(const FlushStats& s, const Diagnostics& diag, const Globals& g) {
  say_diagnostics(diag, g);
  if (g.verbosity >= 1 && s.already_closed)
    say("telemetry: the run span is in the event log already (attest or an earlier close); not emitted again");
  if (g.verbosity >= 1)
    say("telemetry: " + std::to_string(s.sent) + " lines exported, " + std::to_string(s.rejected) + " rejected, " +
        std::to_string(s.unsent + s.not_configured) + " still pending (" + std::to_string(s.lines) +
        " in the event log)");
}

}  // namespace

// `hallmark telemetry verify|flush|close`: the event log's own tools. verify exits 1 when the
// chain is broken (like a failed signature check), 2 when the file cannot be read.
Runner setup_telemetry(CLI::App& sub, Globals& g) {
  struct Opts {
    std::string file, head, record_dir, endpoint;
    int deadline_ms = 30000;
  };
  auto o = std::make_shared<Opts>();
  sub.require_subcommand(1);
  CLI::App* verify = sub.add_subcommand("verify", "Check the hash chain of an event log (events.otlp.jsonl)");
  verify->add_option("file", o->file, "The event log")->required();
  verify->add_option("--head", o->head, "Expected chain head (SHA-256 of the last line), e.g. from the attestation");
  CLI::App* flush = sub.add_subcommand("flush", "Export what the event log still holds unsent");
  CLI::App* close = sub.add_subcommand("close", "Emit the pipeline run's root span (RUN {pipeline}) and export");
  for (CLI::App* c : {flush, close}) {
    c->add_option("--record-dir", o->record_dir, "Record dir (default: $HALLMARK_DIR or ./.hallmark)");
    c->add_option("--otlp-endpoint", o->endpoint, "OTLP/HTTP base URL (default: $OTEL_EXPORTER_OTLP_ENDPOINT)");
  }
  for (CLI::App* c : {verify, flush, close}) {
    c->add_flag_callback(
        "-q,--quiet", [&g] { g.verbosity = 0; }, "Print nothing but errors");
    c->add_flag_callback(
        "-v,--verbose", [&g] { g.verbosity = 2; }, "Print details");
  }
  flush->add_option("--deadline", o->deadline_ms, "Give up after this many milliseconds (default 30000)");

  return [o, &g, verify, flush, close]() -> int {
    if (verify->parsed()) {
      std::error_code ec;
      if (!fs::is_regular_file(o->file, ec)) {
        say_error(o->file + ": no such event log (pass the record dir's events.otlp.jsonl)");
        return 2;
      }
      Status st = verify_event_chain(o->file, o->head);
      if (!st.ok()) {
        say_error("event log verification failed: " + st.message());
        return 1;
      }
      auto head = event_chain_head(o->file);
      if (g.verbosity >= 1) say(o->file + ": hash chain intact; head " + (head.ok() ? *head : head.message()));
      return 0;
    }
    TelemetryOptions topts;
    topts.otlp_endpoint = o->endpoint;
    RecordDir dir(RecordDir::locate(fs::current_path(), o->record_dir, g.env));
    if (flush->parsed()) {
      Diagnostics diag;
      FlushStats stats = flush_record_dir(topts, dir.path(), g.env, std::chrono::milliseconds(o->deadline_ms), diag);
      report(stats, diag, g);
      return 0;
    }
    if (close->parsed()) {
      auto located = locate_run_or_say(o->record_dir, g);
      if (!located) return 2;
      Diagnostics diag;
      FlushStats stats = close_run_telemetry(topts, located->run, dir.path(), located->steps, g.env, diag);
      report(stats, diag, g);
      return 0;
    }
    return 2;
  };
}

// Metrics of commands outside a step (`sbom`, `verify`): logged in the current run's record dir
// when there is one, and exported when an endpoint is configured; nothing otherwise, so running
// `hallmark sbom` in a plain directory leaves no .hallmark behind.
void emit_cli_metrics(const Globals& g, const std::vector<otlp::Metric>& metrics) {
  namespace fs = std::filesystem;
  fs::path dir = RecordDir::locate(fs::current_path(), "", g.env);
  std::error_code ec;
  bool exporting = g.env.count("OTEL_EXPORTER_OTLP_ENDPOINT") || g.env.count("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
  if (!fs::is_directory(dir, ec) && !exporting) return;
  Diagnostics diag;
  emit_metrics(TelemetryOptions{}, dir, g.env, metrics, diag);
  if (g.verbosity >= 2)
    for (const auto& d : diag.entries()) say("warning: telemetry: " + to_line(d));
}

}  // namespace hallmark::cli
