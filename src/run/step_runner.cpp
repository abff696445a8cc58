#include "hallmark/run/step_runner.hpp"

#include "step_phases.hpp"

#include "hallmark/attest/link.hpp"

#include "hallmark/context/ci.hpp"
#include "hallmark/context/git_context.hpp"
#include "hallmark/context/redact.hpp"
#include "hallmark/hash/walk.hpp"
#include "hallmark/observe/spawn.hpp"
#include "hallmark/hash/digest_cache.hpp"
#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/step_telemetry.hpp"
#include "hallmark/telemetry/trace_context.hpp"
#include "hallmark/observe/trace.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/util/path.hpp"
#include "hallmark/util/time.hpp"
#include "hallmark/util/version.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <cstring>
#include <sys/utsname.h>
#include <unistd.h>

namespace hallmark {
namespace fs = std::filesystem;

std::string default_step_name(const std::vector<std::string>& argv) {
  if (argv.empty()) return "step";
  std::string name = fs::path(argv[0]).filename().string();
  return name.empty() ? "step" : name;
}

HostInfo collect_host_info() {
  HostInfo h;
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) == 0) h.hostname = buf;
  struct utsname u {};
  if (::uname(&u) == 0) {
    h.os = u.sysname;
    h.kernel = u.release;
    h.arch = u.machine;
  }
  h.uid = ::getuid();
  return h;
}

Status check_run_options(const RunOptions& options) {
  if (options.argv.empty()) return make_error("no command given: use 'hallmark run [options] -- CMD [ARGS...]'");
  auto digests = DigestSet::parse(options.digests);
  if (!digests) return digests.error();
  // A mistyped --workspace must not become an empty workspace that records nothing.
  std::error_code ec;
  if (!options.workspace.empty() && !fs::is_directory(options.workspace, ec))
    return make_error("--workspace " + options.workspace.string() + ": no such directory (hallmark never creates it)");
  return ok_status();
}

namespace {

std::vector<fs::path> absolute_roots(const std::vector<std::string>& given, const fs::path& workspace) {
  std::vector<fs::path> out;
  if (given.empty()) out.push_back(workspace);
  for (const auto& g : given) out.push_back((workspace / g).lexically_normal());
  return out;
}

// Entries of `snapshot` that lie under one of `roots` (paths are workspace-relative).
std::vector<FileEntry> entries_under(const std::vector<FileEntry>& entries, const std::vector<fs::path>& roots,
                                     const fs::path& workspace) {
  std::vector<std::string> prefixes;
  for (const auto& r : roots) {
    std::string rel = r.lexically_relative(workspace).generic_string();
    if (rel == "." || rel.empty()) return entries;  // the whole workspace
    prefixes.push_back(rel);
  }
  std::vector<FileEntry> out;
  for (const auto& e : entries)
    for (const auto& p : prefixes)
      if (path_under(e.path, p)) {
        out.push_back(e);
        break;
      }
  return out;
}

std::vector<std::string> child_environment(const EnvMap& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

// A collector that is down or hung meets every batch of the step (spans streamed during it, the
// step's own at the end): one line names the cause and what stays in the log, as many lines as
// there are distinct causes, never one per batch.
void warn_telemetry(const FlushStats& sent, const std::vector<Diagnostic>& found, const std::filesystem::path& log,
                    Diagnostics& diag) {
  std::vector<std::string> causes;
  for (const auto& d : found)
    if (std::string w = to_line(d); std::find(causes.begin(), causes.end(), w) == causes.end() && causes.size() < 3)
      causes.push_back(w);
  std::string kept;
  if (sent.unsent > 0)
    kept = std::to_string(sent.unsent) + (sent.unsent == 1 ? " event-log line" : " event-log lines") +
           " not exported yet; they stay in " + log.string() + " for `hallmark telemetry flush`";
  if (causes.empty() && !kept.empty()) diag.warn("telemetry", kept);
  for (size_t i = 0; i < causes.size(); ++i)
    diag.warn("telemetry", causes[i] + (i == 0 && !kept.empty() ? "; " + kept : ""));
}

}  // namespace

}  // namespace hallmark

namespace hallmark::run::internal {

StepContext::StepContext(const RunOptions& o, const EnvMap& e, RunScratch& sc, RunOutcome& out, Diagnostics& d)
    : options(o), env(e), scratch(sc), outcome(out), diag(d), errors_before(d.count(Severity::error)), rec(out.record),
      workspace(fs::absolute(o.workspace.empty() ? fs::current_path() : o.workspace).lexically_normal()),
      records(RecordDir::locate(workspace, o.record_dir_flag, e)) {
  auto parsed = DigestSet::parse(o.digests);  // checked by check_run_options
  if (parsed.ok()) digests = *parsed;
  event_log = records.path() / kEventLogName;
}

void StepContext::phase_done(const char* name) {
  auto now = std::chrono::steady_clock::now();
  outcome.phases.emplace_back(name, std::chrono::duration_cast<std::chrono::milliseconds>(now - phase_start_).count());
  phase_start_ = now;
}

void gather_context(StepContext& s) {
  StepRecord& rec = s.rec;
  rec.name = s.options.step_name.empty() ? default_step_name(s.options.argv) : s.options.step_name;
  rec.argv = redact_argv(s.options.argv);
  std::error_code ec;
  rec.cwd = fs::current_path(ec).string();
  rec.workspace = s.workspace.string();
  rec.host = collect_host_info();
  rec.hallmark_version = hallmark_version();
  rec.digest_algorithms = s.digests.names();

  // Context first: cheap, and the CI run id decides which pipeline run this step joins.
  rec.ci = detect_ci(s.env);
  if (auto git = collect_git_context(s.workspace); git.ok()) rec.git = *git;
  else s.warn("git context", git.message());
  rec.env = collect_env_context(s.env, s.options.env_filter);

  // The detector's run id already names the attempt (docs/ci-platforms.md); empty for generic CI.
  std::string ci_run = rec.ci ? rec.ci->run_id : std::string();
  // The trace id of a new run: the caller's (TRACEPARENT), else derived from the CI run, else random.
  // (A malformed TRACEPARENT is reported once, by StepTelemetry::begin.)
  std::string trace_seed = s.options.telemetry.enabled ? trace_id_seed(s.env, rec.ci) : std::string();
  auto run = s.records.open_run(ci_run, rec.ci ? rec.ci->platform : std::string(), trace_seed);
  if (!run.ok()) return s.failed("", run.message());
  s.run = std::move(*run);
  rec.run_id = s.run->id;
  // What changed in the record dir since the previous step left it (docs/record-format.md).
  rec.record_tampering = s.records.check_seal(s.event_log);
  s.sealed_findings = rec.record_tampering;
}

void walk_materials(StepContext& s) {
  WalkOptions& walk = s.walk;
  walk.base = s.workspace;
  walk.excludes = s.options.excludes;
  walk.dirhash = s.options.dirhash;
  walk.respect_gitignore = s.options.respect_gitignore;
  walk.digests = s.digests;
  walk.skip = {s.records.path(), s.workspace / ".git"};
  s.material_roots = absolute_roots(s.options.materials, s.workspace);
  s.product_roots = absolute_roots(s.options.products, s.workspace);
  walk.roots = s.material_roots;
  // A product root that does not exist yet (an output dir the step creates) is not an error.
  std::error_code ec;
  for (const auto& p : s.product_roots)
    if (std::find(walk.roots.begin(), walk.roots.end(), p) == walk.roots.end() && fs::exists(p, ec))
      walk.roots.push_back(p);
  auto snap = walk_tree(walk);
  if (!snap.ok()) return s.failed("materials", snap.message());
  std::optional<TreeSnapshot>& before = s.scratch.before;
  before = std::move(*snap);
  for (auto& w : before->warnings) s.rec.warnings.push_back(w);
}

namespace {

// The tracer's options, its digest cache seeded with what the materials walk just hashed inside
// the workspace (keys are checked, so changed files are re-hashed) and with the toolchain
// digests of the run's earlier steps (DigestCache::load).
TraceOptions trace_options(StepContext& s) {
  TraceOptions topts;
  topts.workspace = s.workspace;
  topts.record_dir = s.records.path();
  topts.digests = s.digests;
  DigestCache& cache = s.scratch.trace_cache.emplace(s.digests);
  if (const auto& before = s.scratch.before)
    for (size_t i = 0; i < before->entries.size() && i < before->keys.size(); ++i)
      if (const auto& k = before->keys[i])
        cache.insert((s.workspace / before->entries[i].path).lexically_normal().string(), *k,
                     before->entries[i].digests);
  cache.load(s.records.path() / kDigestCacheName);
  topts.cache = &cache;
  topts.on_process_end = s.telemetry.process_listener();
  topts.watch_reads = s.options.trace_watch_reads;
  return topts;
}

// A traced run's findings into the record; the digest cache is saved for the next step.
void take_trace(StepContext& s, TracedOutcome& t) {
  s.rec.trace = std::move(t.trace);
  for (auto& f : t.record_tampering) s.rec.record_tampering.push_back(std::move(f));
  const TraceSummary& ts = s.rec.trace->summary;
  s.outcome.trace_note = ts.read_opens == "fanotify"   ? "read-only opens seen through fanotify (no stop each)"
                         : s.options.trace_watch_reads ? "a stop for every open (" + t.read_watch_note + ")"
                                                       : "a stop for every open (--trace-reads ptrace)";
  if (ts.reads_lost > 0)
    s.warn("trace", std::to_string(ts.reads_lost) +
                        " read-only opens could not be attributed to a path (directory removed meanwhile)");
  const std::string ws = s.workspace.string(), rd = fs::absolute(s.records.path()).lexically_normal().string();
  // Outside the workspace and the record dir, and nothing a record would have redacted.
  auto outside = [&](const std::string& p) { return !path_under(p, ws) && !path_under(p, rd) && redact_text(p) == p; };
  if (Status st = s.scratch.trace_cache->save(s.records.path() / kDigestCacheName, outside); !st.ok())
    s.warn("digest cache", st.message());
}

// hallmark could not start or wait for the command: hallmark's failure, and the step ends.
bool command_failed(StepContext& s, std::string message) {
  s.failed("", std::move(message));
  s.outcome.exit_code = kStrictFailureExit;
  return false;
}

}  // namespace

bool run_command(StepContext& s) {
  // Telemetry starts before the child so the child inherits TRACEPARENT of its step span and
  // the exporter can send earlier steps' leftovers while the build runs.
  if (s.run)
    s.telemetry = StepTelemetry::begin(s.options.telemetry, *s.run, s.records.path(), s.rec.name, s.env,
                                       s.telemetry_diag, &s.rec);
  EnvMap child_env = s.env;
  for (const auto& kv : s.telemetry.child_env()) {
    size_t eq = kv.find('=');
    child_env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  SpawnOptions spawn{s.options.argv, child_environment(child_env)};
  Result<ChildOutcome> child = make_error("not run");
  bool traced = false;
  if (s.options.trace) {
    if (Status can = trace_available(); !can.ok()) {
      const std::string& why = can.message();
      if (s.options.require_trace) return command_failed(s, "--require-trace: tracing is not possible here: " + why);
      s.warn("", "tracing is not possible here (" + why + "); running untraced");
    } else if (auto t = spawn_traced(spawn, trace_options(s)); t.ok()) {
      child = t->child;
      take_trace(s, *t);
      traced = true;
    } else {
      s.warn("", "tracing failed (" + t.message() + "); running untraced");
    }
  }
  if (!traced) child = spawn_and_wait(spawn);
  if (!child.ok()) return command_failed(s, child.message());

  const ChildOutcome& c = *child;
  StepRecord& rec = s.rec;
  rec.started = format_rfc3339_ms(c.started);
  rec.finished = format_rfc3339_ms(c.finished);
  rec.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(c.finished - c.started).count();
  rec.exit_code = c.exit_code;
  rec.signal = c.signal;
  rec.rusage = c.rusage;
  s.outcome.exit_code = c.exit_code;
  s.outcome.command_ran = true;
  // The command's failure, not hallmark's (127/126 like a shell): a note, whatever --strict says.
  if (c.spawn_errno != 0) {
    rec.spawn_error = c.spawn_errno == ENOENT ? "not found" : "not executable";
    s.diag.note(redact_text(s.options.argv[0]), c.spawn_errno == ENOENT
                                                    ? "command not found"
                                                    : std::string("cannot execute: ") + std::strerror(c.spawn_errno));
  }
  return true;
}

void walk_products(StepContext& s) {
  StepRecord& rec = s.rec;
  std::optional<TreeSnapshot>& before = s.scratch.before;
  const bool same_roots = s.walk.roots == s.product_roots;
  // A second walk that reuses every unchanged file's digest from the first. Only the diff is
  // wanted; its indices are the first walk's when that covered exactly the product roots.
  WalkOptions pwalk = s.walk;
  pwalk.roots = s.product_roots;
  pwalk.omit_unchanged = before && same_roots;
  if (auto after = walk_tree(pwalk, before ? &*before : nullptr); after.ok()) {
    if (before) {
      // Diff against the first walk as is when it covered exactly the product roots (the
      // default); only a wider first walk needs a scoped copy of its entries.
      TreeSnapshot scoped;
      if (!same_roots) scoped.entries = entries_under(before->entries, s.product_roots, s.workspace);
      TreeDiff diff = diff_snapshots(same_roots ? *before : scoped, *after);
      rec.products = std::move(diff.products);
      rec.deleted = std::move(diff.deleted);
    } else {
      rec.products = after->entries;  // no baseline: everything present counts
    }
    // A file unreadable (or oddly named) before and after is one finding, not two.
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& w : rec.warnings) seen.emplace(w.subject, w.message);
    for (auto& w : after->warnings)
      if (seen.emplace(w.subject, w.message).second) rec.warnings.push_back(std::move(w));
    s.scratch.after = std::move(*after);
  } else {
    s.failed("products", after.message());
  }
  // Materials once the walk has served as the products' baseline: moved, not copied, when it
  // covered exactly the material roots (the default; 20,000 entries cost 15 ms to copy).
  if (before)
    rec.materials = s.walk.roots == s.material_roots ? std::move(before->entries)
                                                     : entries_under(before->entries, s.material_roots, s.workspace);
}

void persist(StepContext& s) {
  const RunOptions& o = s.options;
  RunOutcome& out = s.outcome;
  if (o.before_record) {
    o.before_record(s.rec);
    s.phase_done("detect");
  }
  if (s.run) {
    if (auto file = s.records.write_step(s.rec); file.ok()) out.record_file = *file;
    else s.failed("", file.message());
  }
  // The in-toto link beside the record (hallmark run --sign): signed only once the record is.
  if (o.link_key && !out.record_file.empty()) {
    if (auto link = write_signed_link(s.rec, *o.link_key, s.records.path() / "links"); link.ok()) out.link_file = *link;
    else s.failed("", "cannot write the signed link: " + link.message());
  }
  s.phase_done("record");
  // Telemetry last: bounded by its flush deadline, and it never touches the exit status.
  FlushStats sent = s.telemetry.finish(s.rec, out.record_file);
  warn_telemetry(sent, s.telemetry_diag.take(), s.event_log, s.diag);
  if (o.telemetry.enabled) s.phase_done("telemetry");
  for (const auto& t : s.rec.record_tampering)
    s.warn("", "record dir tampered with: " + t.path + " " + t.change +
                   (t.detected_by == "trace"
                        ? " by pid " + std::to_string(t.pid) + (t.exe.empty() ? "" : " (" + t.exe + ")")
                        : " since the previous step"));
  if (s.run && !out.record_file.empty())
    if (Status st = s.records.update_seal(s.event_log, s.sealed_findings); !st.ok())
      s.warn("record seal", st.message());
  if (s.hallmark_failed() && o.strict) out.exit_code = kStrictFailureExit;
}

}  // namespace hallmark::run::internal

namespace hallmark {

RunOutcome run_step(const RunOptions& options, const EnvMap& env, Diagnostics& diag, RunScratch* keep) {
  using namespace run::internal;
  RunScratch local;
  RunOutcome outcome;
  StepContext s(options, env, keep != nullptr ? *keep : local, outcome, diag);
  gather_context(s);
  s.phase_done("context");
  walk_materials(s);
  s.phase_done("materials");
  bool ran = run_command(s);
  s.phase_done("command");
  if (!ran) return outcome;
  walk_products(s);
  s.phase_done("products");
  persist(s);
  return outcome;
}

}  // namespace hallmark
