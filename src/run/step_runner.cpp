#include "hallmark/run/step_runner.hpp"

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
std::vector<FileEntry> entries_under(const std::vector<FileEntry>& entries,
                                     const std::vector<fs::path>& roots, const fs::path& workspace) {
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
void warn_telemetry(const FlushStats& sent, const std::filesystem::path& log,
                    const std::function<void(const std::string&)>& warn) {
  std::vector<std::string> causes;
  for (const auto& w : sent.warnings)
    if (std::find(causes.begin(), causes.end(), w) == causes.end() && causes.size() < 3) causes.push_back(w);
  std::string kept;
  if (sent.unsent > 0)
    kept = std::to_string(sent.unsent) + (sent.unsent == 1 ? " event-log line" : " event-log lines") +
           " not exported yet; they stay in " + log.string() +
           " for `hallmark telemetry flush`";
  if (causes.empty() && !kept.empty()) warn("telemetry: " + kept);
  for (size_t i = 0; i < causes.size(); ++i)
    warn("telemetry: " + causes[i] + (i == 0 && !kept.empty() ? "; " + kept : ""));
}

} // namespace

RunOutcome run_step(const RunOptions& options, const EnvMap& env, RunScratch* keep) {
  RunScratch local;
  RunScratch* scratch = keep != nullptr ? keep : &local;
  RunOutcome outcome;
  StepRecord& rec = outcome.record;
  auto warn = [&](const std::string& w) { outcome.warnings.push_back(w); };
  auto phase_start = std::chrono::steady_clock::now();
  auto phase_done = [&](const char* name) {
    auto now = std::chrono::steady_clock::now();
    outcome.phases.emplace_back(name, std::chrono::duration_cast<std::chrono::milliseconds>(now - phase_start).count());
    phase_start = now;
  };

  const fs::path workspace = fs::absolute(options.workspace.empty() ? fs::current_path() : options.workspace).lexically_normal();
  RecordDir records(RecordDir::locate(workspace, options.record_dir_flag, env));

  rec.name = options.step_name.empty() ? default_step_name(options.argv) : options.step_name;
  rec.argv = redact_argv(options.argv);
  std::error_code ec;
  rec.cwd = fs::current_path(ec).string();
  rec.workspace = workspace.string();
  rec.host = collect_host_info();
  rec.hallmark_version = hallmark_version();

  auto parsed_digests = DigestSet::parse(options.digests);  // checked by check_run_options
  DigestSet digests = parsed_digests.ok() ? *parsed_digests : DigestSet{};
  rec.digest_algorithms = digests.names();

  // Context first: cheap, and the CI run id decides which pipeline run this step joins.
  rec.ci = detect_ci(env);
  if (auto git = collect_git_context(workspace); git.ok()) rec.git = *git;
  else warn("git context: " + git.message());
  rec.env = collect_env_context(env, options.env_filter);
  phase_done("context");

  // The detector's run id already names the attempt (docs/ci-platforms.md); empty for generic CI.
  std::string ci_run = rec.ci ? rec.ci->run_id : std::string();
  // The trace id of a new run: the caller's (TRACEPARENT), else derived from the CI run, else random.
  // (A malformed TRACEPARENT is reported once, by StepTelemetry::begin.)
  std::string trace_seed = options.telemetry.enabled ? trace_id_seed(env, rec.ci) : std::string();
  auto run = records.open_run(ci_run, rec.ci ? rec.ci->platform : std::string(), trace_seed);
  if (run.ok()) rec.run_id = run->id;
  else {
    warn(run.message());
    outcome.hallmark_failed = true;
  }
  // What changed in the record dir since the previous step left it (docs/record-format.md).
  const fs::path event_log = records.path() / kEventLogName;
  if (run.ok()) rec.record_tampering = records.check_seal(event_log);
  const std::vector<RecordTampering> sealed_findings = rec.record_tampering;

  // Materials: one walk over materials and product roots, so products can be diffed against it.
  WalkOptions walk;
  walk.base = workspace;
  walk.excludes = options.excludes;
  walk.dirhash = options.dirhash;
  walk.respect_gitignore = options.respect_gitignore;
  walk.digests = digests;
  walk.skip = {records.path(), workspace / ".git"};
  std::vector<fs::path> material_roots = absolute_roots(options.materials, workspace);
  std::vector<fs::path> product_roots = absolute_roots(options.products, workspace);
  walk.roots = material_roots;
  // A product root that does not exist yet (an output dir the step creates) is not an error.
  for (const auto& p : product_roots)
    if (std::find(walk.roots.begin(), walk.roots.end(), p) == walk.roots.end() && fs::exists(p, ec))
      walk.roots.push_back(p);
  std::optional<TreeSnapshot>& before = scratch->before;
  if (auto snap = walk_tree(walk); snap.ok()) {
    before = std::move(*snap);
    for (auto& w : before->warnings) rec.warnings.push_back(w);
  } else {
    warn("materials: " + snap.message());
    outcome.hallmark_failed = true;
  }
  phase_done("materials");

  // Telemetry starts before the child so the child inherits TRACEPARENT of its step span and
  // the exporter can send earlier steps' leftovers while the build runs.
  StepTelemetry telemetry;
  if (run.ok()) telemetry = StepTelemetry::begin(options.telemetry, *run, records.path(), rec.name, env, &rec);
  for (const auto& w : telemetry.warnings()) warn("telemetry: " + w);
  EnvMap child_env = env;
  for (const auto& kv : telemetry.child_env()) {
    size_t eq = kv.find('=');
    child_env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  SpawnOptions spawn{options.argv, child_environment(child_env)};
  Result<ChildOutcome> child = make_error("not run");
  bool traced = false;
  if (options.trace) {
    std::string why;
    if (trace_available(&why)) {
      TraceOptions topts;
      topts.workspace = workspace;
      topts.record_dir = records.path();
      topts.digests = digests;
      // The tracer's materials inside the workspace were just hashed by the walk: seed its
      // cache so they are not read again (keys are checked, so changed files are re-hashed).
      DigestCache& trace_cache = scratch->trace_cache.emplace(digests);
      if (before)
        for (size_t i = 0; i < before->entries.size() && i < before->keys.size(); ++i)
          if (const auto& k = before->keys[i])
            trace_cache.insert((workspace / before->entries[i].path).lexically_normal().string(), *k,
                               before->entries[i].digests);
      // The toolchain digests of the run's earlier steps (see DigestCache::load).
      const fs::path cache_file = records.path() / kDigestCacheName;
      trace_cache.load(cache_file);
      topts.cache = &trace_cache;
      topts.on_process_end = telemetry.process_listener();
      topts.watch_reads = options.trace_watch_reads;
      auto t = spawn_traced(spawn, topts);
      if (t.ok()) {
        child = t->child;
        rec.trace = std::move(t->trace);
        for (auto& f : t->record_tampering) rec.record_tampering.push_back(std::move(f));
        traced = true;
        const TraceSummary& ts = rec.trace->summary;
        outcome.trace_note = ts.read_opens == "fanotify" ? "read-only opens seen through fanotify (no stop each)"
                             : options.trace_watch_reads
                                 ? "a stop for every open (" + t->read_watch_note + ")"
                                 : "a stop for every open (--trace-reads ptrace)";
        if (ts.reads_lost > 0)
          warn("trace: " + std::to_string(ts.reads_lost) +
               " read-only opens could not be attributed to a path (directory removed meanwhile)");
        const std::string ws = workspace.string(), rd = fs::absolute(records.path()).lexically_normal().string();
        // Outside the workspace and the record dir, and nothing a record would have redacted.
        auto outside = [&](const std::string& p) {
          return !path_under(p, ws) && !path_under(p, rd) && redact_text(p) == p;
        };
        if (Status st = trace_cache.save(cache_file, outside); !st.ok()) warn("digest cache: " + st.message());
      } else {
        warn("tracing failed (" + t.message() + "); running untraced");
      }
    } else if (options.require_trace) {
      outcome.exit_code = kStrictFailureExit;
      outcome.spawn_message = "--require-trace: tracing is not possible here: " + why;
      outcome.hallmark_failed = true;
      return outcome;
    } else {
      warn("tracing is not possible here (" + why + "); running untraced");
    }
  }
  if (!traced) child = spawn_and_wait(spawn);
  phase_done("command");

  if (!child.ok()) {
    // hallmark could not start or wait for the command: that is hallmark's failure.
    outcome.spawn_message = child.message();
    outcome.exit_code = kStrictFailureExit;
    outcome.hallmark_failed = true;
    return outcome;
  }
  const ChildOutcome& c = *child;
  rec.started = format_rfc3339_ms(c.started);
  rec.finished = format_rfc3339_ms(c.finished);
  rec.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(c.finished - c.started).count();
  rec.exit_code = c.exit_code;
  rec.signal = c.signal;
  rec.rusage = c.rusage;
  outcome.exit_code = c.exit_code;
  if (c.spawn_errno != 0) {
    rec.spawn_error = c.spawn_errno == ENOENT ? "not found" : "not executable";
    outcome.spawn_message = redact_text(options.argv[0]) +
                            (c.spawn_errno == ENOENT ? ": command not found"
                                                     : std::string(": cannot execute: ") + std::strerror(c.spawn_errno));
  }

  // Products: a second walk that reuses every unchanged file's digest from the first.
  WalkOptions pwalk = walk;
  pwalk.roots = product_roots;
  // Only the diff is wanted; its indices are the first walk's when that covered exactly the
  // product roots.
  pwalk.omit_unchanged = before && walk.roots == product_roots;
  if (auto after = walk_tree(pwalk, before ? &*before : nullptr); after.ok()) {
    if (before) {
      // Diff against the first walk as is when it covered exactly the product roots (the
      // default); only a wider first walk needs a scoped copy of its entries.
      TreeSnapshot scoped;
      if (walk.roots != product_roots) scoped.entries = entries_under(before->entries, product_roots, workspace);
      TreeDiff diff = diff_snapshots(walk.roots != product_roots ? scoped : *before, *after);
      rec.products = std::move(diff.products);
      rec.deleted = std::move(diff.deleted);
    } else {
      rec.products = after->entries;  // no baseline: everything present counts
    }
    // A file unreadable (or oddly named) before and after is one finding, not two.
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& w : rec.warnings) seen.emplace(w.path, w.message);
    for (auto& w : after->warnings)
      if (seen.emplace(w.path, w.message).second) rec.warnings.push_back(std::move(w));
    scratch->after = std::move(*after);
  } else {
    warn("products: " + after.message());
    outcome.hallmark_failed = true;
  }
  // Materials once the walk has served as the products' baseline: moved, not copied, when it
  // covered exactly the material roots (the default; 20,000 entries cost 15 ms to copy).
  if (before)
    rec.materials = walk.roots == material_roots ? std::move(before->entries)
                                                 : entries_under(before->entries, material_roots, workspace);
  phase_done("products");
  if (options.before_record) {
    options.before_record(rec);
    phase_done("detect");
  }

  if (run.ok()) {
    if (auto file = records.write_step(rec); file.ok()) outcome.record_file = *file;
    else {
      warn(file.message());
      outcome.hallmark_failed = true;
    }
  }
  phase_done("record");
  // Telemetry last: bounded by its flush deadline, and it never touches the exit status.
  warn_telemetry(telemetry.finish(rec, outcome.record_file), event_log, warn);
  if (options.telemetry.enabled) phase_done("telemetry");
  for (const auto& t : rec.record_tampering)
    warn("record dir tampered with: " + t.path + " " + t.change +
         (t.detected_by == "trace" ? " by pid " + std::to_string(t.pid) + (t.exe.empty() ? "" : " (" + t.exe + ")")
                                   : " since the previous step"));
  if (run.ok() && !outcome.record_file.empty())
    if (Status st = records.update_seal(event_log, sealed_findings); !st.ok()) warn("record seal: " + st.message());
  if (outcome.hallmark_failed && options.strict) outcome.exit_code = kStrictFailureExit;
  return outcome;
}

} // namespace hallmark
