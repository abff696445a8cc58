#include "command.hpp"

#include "hallmark/attest/link.hpp"
#include "hallmark/detect/detect.hpp"
#include "hallmark/run/step_runner.hpp"

#include <memory>

namespace hallmark::cli {

namespace {

struct RunCliOptions : RunOptions {
  std::string telemetry_detail = "steps";
  std::string trace_reads = "auto";
  bool no_telemetry = false;
  int telemetry_deadline_ms = 2000;
  DetectOptions detect;
  std::string fail_on_anomaly;
};

void add_run_options(CLI::App& sub, RunCliOptions& o, LinkSigning& sign) {
  sub.footer("Usage: hallmark run [OPTIONS] -- CMD [ARGS...]\n\n"
             "The command's stdin/stdout/stderr, exit status and signals pass through unchanged.\n"
             "Exit status: the command's; 127 not found, 126 not executable, 128+N killed by signal N;\n"
             "125 hallmark's own failure: with --strict, or --require-trace when tracing is impossible\n"
             "(the command then does not run).");
  sub.add_option("--step,-s", o.step_name, "Step name (default: the command's file name)");
  sub.add_option("--record-dir", o.record_dir_flag, "Record dir (default: $HALLMARK_DIR or ./.hallmark)");
  sub.add_option("--workspace", o.workspace, "Root that recorded paths are relative to (default: cwd)");
  sub.add_option("--materials", o.materials, "Paths hashed before the command (default: the workspace)")
      ->take_all()
      ->type_name("PATH...");
  sub.add_option("--products", o.products, "Paths compared after the command (default: the workspace)")
      ->take_all()
      ->type_name("PATH...");
  sub.add_option("--exclude", o.excludes, "Glob of paths to leave out ('**' spans directories)");
  sub.add_option("--dirhash", o.dirhash, "Glob of directories recorded as one digest (e.g. '**/node_modules')");
  sub.add_flag("--respect-gitignore", o.respect_gitignore, "Leave out files git ignores");
  sub.add_option("--digest", o.digests, "Digests to record: sha256,sha512,gitoid")->capture_default_str();
  sub.add_option("--env-allow", o.env_filter.allow, "Record only environment variables matching these globs");
  sub.add_option("--env-deny", o.env_filter.deny, "Never record environment variables matching these globs");
  sub.add_flag("--trace", o.trace,
               "Observe the process tree: files, programs, connections (Linux; also $HALLMARK_TRACE=1)");
  sub.add_flag("--require-trace", o.require_trace, "Fail instead of running untraced when tracing is impossible");
  sub.add_option("--trace-reads", o.trace_reads,
                 "How --trace sees read-only opens: auto (through fanotify when permitted, no stop each; "
                 "failed ones then uncounted) or ptrace (a stop for every open)")
      ->check(CLI::IsMember({"auto", "ptrace"}))
      ->capture_default_str();
  sub.add_option("--otlp-endpoint", o.telemetry.otlp_endpoint,
                 "OTLP/HTTP base URL (v1/traces, v1/logs appended); default $OTEL_EXPORTER_OTLP_ENDPOINT");
  sub.add_option("--telemetry-detail", o.telemetry_detail, "Spans to emit: summary, steps (default) or processes")
      ->check(CLI::IsMember({"summary", "steps", "processes"}));
  sub.add_option("--egress-allow", o.telemetry.egress_allow,
                 "Expected network destinations (IP, IP:port, globs); other connections are WARN events");
  sub.add_flag("--no-telemetry", o.no_telemetry, "Write no telemetry (no event log, no export, no TRACEPARENT)");
  sub.add_option("--telemetry-deadline", o.telemetry_deadline_ms,
                 "Milliseconds the step may wait for telemetry export at its end (default 2000)");
  sub.add_option("--store", o.detect.store_flag,
                 "Evidence store holding the step baselines (sqlite:///ABS/PATH.db, postgresql://..., off); "
                 "default $HALLMARK_STORE, else the SQLite store under $XDG_DATA_HOME");
  sub.add_option("--baseline-runs", o.detect.baseline_runs,
                 "Compare the step with its last N successful runs (default 10)")
      ->check(CLI::Range(1, 1000));
  sub.add_option("--fail-on-anomaly", o.fail_on_anomaly,
                 "Exit 125 after the command if an anomaly of these kinds is found: all or "
                 "egress,exec,toolchain,dependency,write_outside,env");
  sub.add_flag("--strict", o.strict, "Exit 125 if hallmark itself fails to record the step");
  sub.add_flag("--sign", sign.enabled, "Also write a signed in-toto link statement for this step (needs --key)");
  sub.add_option("--key", sign.key, "Private key for --sign (passphrase from $HALLMARK_KEY_PASSWORD)");
  sub.add_option("--password-file", sign.password_file, "Read the --sign key's passphrase from this file");
}

// The command line after the options, the derived settings and every check that must pass
// before the build runs. 0, or the exit status of a usage error (already reported).
int prepare_run(RunCliOptions& o, LinkSigning& sign, Globals& g, CLI::App& sub) {
  std::vector<std::string> extra = sub.remaining();
  if (g.has_separator) {
    if (!extra.empty()) {
      say_error("run: unknown option or argument '" + extra[0] + "' before '--' (see 'hallmark run --help')");
      return 2;
    }
    o.argv = g.command;
  } else {
    // "hallmark run make -j": everything from the first non-option on is the command.
    if (!extra.empty() && extra[0].size() > 1 && extra[0][0] == '-') {
      say_error("run: unknown option '" + extra[0] + "' (see 'hallmark run --help')");
      return 2;
    }
    o.argv = extra;
  }
  if (o.argv.empty()) {
    say_error("run: no command given: use 'hallmark run [options] -- CMD [ARGS...]'");
    return 2;
  }
  if (o.require_trace) o.trace = true;
  // The CI steps' `trace` input (ci-examples/github-action, ci-examples/gitlab) sets it job-wide.
  if (auto it = g.env.find("HALLMARK_TRACE"); it != g.env.end() && it->second == "1") o.trace = true;
  o.trace_watch_reads = o.trace_reads == "auto";
  o.telemetry.detail = *parse_telemetry_detail(o.telemetry_detail);
  o.telemetry.enabled = !o.no_telemetry;
  o.telemetry.flush_deadline = std::chrono::milliseconds(std::max(0, o.telemetry_deadline_ms));
  if (Status st = check_run_options(o); !st.ok()) {
    say_error(st.message());
    return 2;
  }
  // A bad key is a usage error: found before the build runs, not after.
  if (Status st = prepare_link_signing(sign, g.env); !st.ok()) {
    say_error(st.message());
    return 2;
  }
  auto kinds = parse_anomaly_kinds(o.fail_on_anomaly);
  if (!kinds) {
    say_error("run: " + kinds.message());
    return 2;
  }
  o.detect.fail_on = *kinds;
  return 0;
}

// What the user sees once the step is over: errors, anomalies, warnings and the summary line.
// The exit status: the outcome's, or 125 when an anomaly asked to fail.
int report_run(RunOutcome& out, const Diagnostics& diag, const DetectReport& detected, const Globals& g) {
  const std::vector<Diagnostic> found = diag.entries();
  // hallmark failed before the command could run (--require-trace, spawn): an error, and no
  // summary line that would read as if the step ran.
  if (!out.command_ran) {
    for (const auto& d : found)
      if (d.severity == Severity::error) say_error(to_line(d));
    return out.exit_code;
  }
  for (const auto& d : found)  // "CMD: command not found": the command's own failure, said as a shell would
    if (d.severity == Severity::note) say(to_line(d));
  if (g.verbosity >= 1 || detected.fail)
    for (const auto& line : detected.lines) say(line);
  // After the command finished, its output untouched: the anomaly decides the status.
  if (detected.fail) out.exit_code = kStrictFailureExit;
  if (g.verbosity >= 1)  // -q: errors only
    for (const auto& d : found)
      if (d.severity != Severity::note) say("warning: " + to_line(d));
  if (g.verbosity >= 2)
    for (const auto& w : out.record.warnings) say("warning: " + to_line(w));
  if (g.verbosity >= 1) {
    const StepRecord& r = out.record;
    std::string status =
        r.signal ? "killed by signal " + std::to_string(r.signal) : "exit " + std::to_string(r.exit_code);
    std::string line = "step '" + r.name + "' " + status + " in " + std::to_string(r.duration_ms) + " ms; " +
                       std::to_string(r.materials.size()) + " materials, " + std::to_string(r.products.size()) +
                       " products";
    if (!r.deleted.empty()) line += ", " + std::to_string(r.deleted.size()) + " deleted";
    if (!r.warnings.empty()) line += ", " + std::to_string(r.warnings.size()) + " warnings";
    if (r.trace) line += "; traced " + std::to_string(r.trace->summary.processes) + " processes";
    if (out.record_file.empty()) line += "; NOT recorded";
    say(line);
    if (g.verbosity >= 2 && !out.record_file.empty()) say("record: " + out.record_file.string());
    if (g.verbosity >= 2 && !out.trace_note.empty()) say("trace: " + out.trace_note);
    if (g.verbosity >= 2) {
      std::string t = "time (ms):";
      for (const auto& [name, ms] : out.phases) t += " " + name + " " + std::to_string(ms);
      say(t);
    }
  }
  return exit_without_freeing(out.exit_code);
}

}  // namespace

Runner setup_run(CLI::App& sub, Globals& g) {
  sub.allow_extras();
  auto o = std::make_shared<RunCliOptions>();
  auto sign = std::make_shared<LinkSigning>();
  add_run_options(sub, *o, *sign);
  sub.prefix_command();
  return [o, sign, &g, &sub] {
    if (int usage = prepare_run(*o, *sign, g, sub); usage != 0) return usage;
    DetectReport detected;
    o->before_record = [&](StepRecord& r) { detected = detect_anomalies(r, o->detect, g.env); };
    // Ended by exit_without_freeing() in report_run: neither the outcome nor the walks' snapshots are
    // destroyed (their frees took 50 ms of a 0.9 s step on a 20,000-file tree).
    RunScratch scratch;
    o->link_key = std::move(sign->signing_key);
    Diagnostics diag;
    RunOutcome out = run_step(*o, g.env, diag, &scratch);
    if (g.verbosity >= 2 && !out.link_file.empty()) say("link: " + out.link_file.string());
    return report_run(out, diag, detected, g);
  };
}

}  // namespace hallmark::cli
