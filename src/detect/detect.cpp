// Per-step anomaly detection (include/hallmark/detect/detect.hpp, docs/detection.md).
#include "hallmark/detect/detect.hpp"

#include "hallmark/sbom/bom_builder.hpp"
#include "hallmark/sbom/cataloger.hpp"
#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/path.hpp"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <filesystem>
#include <map>
#include <unordered_set>

namespace hallmark {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxLinesPerStep = 20;  // stderr; the record keeps up to kMaxAnomalies
constexpr size_t kMaxAnomalies = 500;
constexpr size_t kMaxManifests = 64;
constexpr size_t kMaxManifestBytes = size_t(32) << 20;

bool random_looking(std::string_view c) {
  if (c.size() < 8) return false;
  size_t digits = 0, hex = 0;
  for (char ch : c) {
    if (std::isdigit(static_cast<unsigned char>(ch))) ++digits;
    if (std::isxdigit(static_cast<unsigned char>(ch))) ++hex;
  }
  // "x86_64-linux-gnu", "python3.11" stay; "0a1b2c3d4e5f", "run-1733241234" go.
  return hex == c.size() || digits >= 6 || digits * 2 >= c.size();
}

// Runs of 6+ alphanumerics with a digit in them ("tmp.a8Xk29", "build-171234"): temp names.
std::string mask_random_runs(const std::string& name) {
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    size_t j = i;
    bool digit = false;
    while (j < name.size() && std::isalnum(static_cast<unsigned char>(name[j]))) {
      digit = digit || std::isdigit(static_cast<unsigned char>(name[j]));
      ++j;
    }
    if (j > i) {
      out += (j - i >= 6 && digit) ? std::string("*") : name.substr(i, j - i);
      i = j;
    } else {
      out += name[i++];
    }
  }
  return out;
}

// Linux's default ip_local_port_range: a test server on loopback bound to port 0 lands here.
bool ephemeral_port(int port) { return port >= 32768 && port <= 60999; }

bool loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

bool writes(const FileAccess& f) {
  for (const auto& op : f.ops)
    if (op == "write" || op == "create" || op == "delete" || op == "rename_to") return true;
  return false;
}

std::string short_digest(const std::string& hex) { return hex.size() > 12 ? hex.substr(0, 12) : hex; }

void dependencies(const StepRecord& r, const BehaviourContext& ctx, std::vector<BehaviourValue>& out) {
  if (r.workspace.empty()) return;
  std::set<std::string> paths;
  auto consider = [&](const FileEntry& e) {
    if (e.kind != FileKind::regular || e.size > kMaxManifestBytes || paths.size() >= kMaxManifests) return;
    const std::string& p = e.path;
    if (p.find("node_modules/") != std::string::npos || p.find("vendor/") != std::string::npos ||
        p.rfind(".hallmark/", 0) == 0)
      return;
    std::string_view file = std::string_view(p).substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
    for (const auto& c : sbom::catalogers())
      if (c.matches(file, p)) {
        paths.insert(p);
        return;
      }
  };
  for (const auto& e : r.materials) consider(e);
  for (const auto& e : r.products) consider(e);
  (void)ctx;
  for (const auto& p : paths) {
    fs::path abs = fs::path(r.workspace) / p;
    auto text = read_file(abs, kMaxManifestBytes);
    if (!text) continue;  // deleted by the step: its products say so
    sbom::CatalogResult res = sbom::catalog_file(p, *text, abs.parent_path(), true);
    for (const auto& c : res.components) {
      if (c.version.empty()) continue;  // a range in a manifest is no dependency yet
      std::string id = sbom::make_purl(c);
      if (id.empty()) id = c.name + "@" + c.version;
      out.emplace_back("dependency", id);
    }
  }
}

// How the baseline keeps a destination: by the name the step resolved it from when there is
// one (a CDN's rotating addresses stay one destination), else by address; an ephemeral port on
// loopback (a test's own server) is not a destination of its own.
std::string egress_value(const Connection& c) {
  std::string port = loopback(c.address) && ephemeral_port(c.port) ? "ephemeral" : std::to_string(c.port);
  if (!c.host.empty()) return c.host + ":" + port;
  return (c.family == "inet6" ? "[" + c.address + "]" : c.address) + ":" + port;
}

// "connected to 203.0.113.9:443 (files.example.net)": the address as connected, and the name.
std::string egress_message(const std::string& value, const StepRecord& r) {
  if (r.trace)
    for (const auto& c : r.trace->network)
      if ((c.family == "inet" || c.family == "inet6") && !c.host.empty() && egress_value(c) == value)
        return "connected to " + (c.family == "inet6" ? "[" + c.address + "]" : c.address) + ":" +
               std::to_string(c.port) + " (" + c.host + ")";
  return "connected to " + value;
}

}  // namespace

const std::vector<std::string>& anomaly_kinds() {
  static const std::vector<std::string> kinds{"egress", "exec", "toolchain", "dependency", "write_outside", "env"};
  return kinds;
}

Result<std::set<std::string>> parse_anomaly_kinds(const std::string& csv) {
  std::set<std::string> out;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    std::string k = csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (k == "all") {
      out.insert(anomaly_kinds().begin(), anomaly_kinds().end());
    } else if (!k.empty()) {
      if (std::find(anomaly_kinds().begin(), anomaly_kinds().end(), k) == anomaly_kinds().end())
        return make_error("--fail-on-anomaly: unknown kind '" + k +
                          "' (use all or a comma-separated list of egress, exec, toolchain, dependency, "
                          "write_outside, env)");
      out.insert(k);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

BehaviourContext BehaviourContext::from(const StepRecord& r, const EnvMap& env) {
  BehaviourContext c;
  c.workspace = r.workspace;
  std::string tmpdir = env_get(env, "TMPDIR");
  if (!tmpdir.empty() && tmpdir[0] == '/') {
    while (tmpdir.size() > 1 && tmpdir.back() == '/') tmpdir.pop_back();
    c.temp_dirs.push_back(tmpdir);
  }
  for (const char* d : {"/tmp", "/var/tmp", "/dev/shm"}) c.temp_dirs.emplace_back(d);
  c.home = env_get(env, "HOME");
  if (c.home == "/") c.home.clear();
  return c;
}

std::string normalise_path(const std::string& path, const BehaviourContext& ctx) {
  if (path.empty()) return path;
  std::string rest;
  std::string prefix;
  bool temp = false;
  if (path[0] != '/') {
    prefix = "$WORKSPACE";
    rest = "/" + path;
  } else if (!ctx.workspace.empty() && path_under(path, ctx.workspace)) {
    prefix = "$WORKSPACE";
    rest = path.substr(ctx.workspace.size());
  } else {
    // The longest temp dir that holds it ($TMPDIR may be under /tmp).
    size_t best = 0;
    for (const auto& d : ctx.temp_dirs)
      if (path_under(path, d) && d.size() > best) best = d.size();
    if (best > 0) {
      prefix = "$TMPDIR";
      rest = path.substr(best);
      temp = true;
    } else if (!ctx.home.empty() && path_under(path, ctx.home)) {
      prefix = "$HOME";
      rest = path.substr(ctx.home.size());
    } else {
      rest = path;
    }
  }
  std::string out = prefix;
  size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] == '/') {
      ++i;
      continue;
    }
    size_t j = rest.find('/', i);
    bool last = j == std::string::npos;
    std::string comp = rest.substr(i, last ? std::string::npos : j - i);
    out += '/';
    if (temp) out += last ? mask_random_runs(comp) : "*";
    else out += random_looking(comp) ? "*" : comp;
    if (last) break;
    i = j;
  }
  return out.empty() ? "/" : out;
}

std::vector<BehaviourValue> step_behaviour(const StepRecord& r, const BehaviourContext& ctx) {
  std::vector<BehaviourValue> out;
  if (r.trace) {
    const TraceSection& t = *r.trace;
    for (const auto& c : t.network) {
      if (c.family != "inet" && c.family != "inet6") continue;  // unix sockets: local IPC
      out.emplace_back("egress", egress_value(c));
    }
    std::unordered_set<std::string> seen;
    for (const auto& p : t.processes) {
      if (p.exe.empty() || !seen.insert(p.exe + '\n' + p.exe_sha256).second) continue;
      std::string n = normalise_path(p.exe, ctx);
      out.emplace_back("exec", n);
      // A program in a temp dir or the workspace is the build's own: its digest changes with it.
      if (!p.exe_sha256.empty() && n.rfind("$TMPDIR/", 0) != 0 && n.rfind("$WORKSPACE/", 0) != 0)
        out.emplace_back("toolchain", n + " " + p.exe_sha256);
    }
    for (const auto& e : t.toolchain) {
      auto it = e.digests.find("sha256");
      if (it == e.digests.end()) continue;
      std::string n = normalise_path(e.path, ctx);
      if (n.rfind("$TMPDIR/", 0) == 0 || n.rfind("$WORKSPACE/", 0) == 0) continue;
      out.emplace_back("toolchain", n + " " + it->second);
    }
    for (const auto& f : t.files) {
      if (!f.success || f.path.empty() || f.path[0] != '/' || !writes(f)) continue;
      if (path_under(f.path, "/dev") || path_under(f.path, "/proc") || path_under(f.path, "/sys")) continue;
      if (!ctx.workspace.empty() && path_under(f.path, ctx.workspace)) continue;
      std::string n = normalise_path(f.path, ctx);
      if (n.rfind("$TMPDIR/", 0) == 0) continue;  // scratch files: every compiler writes them
      out.emplace_back("write_outside", n);
    }
  }
  dependencies(r, ctx, out);
  for (const auto& [name, value] : r.env.vars) out.emplace_back("env", name);
  for (const auto& name : r.env.redacted) out.emplace_back("env", name);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Anomaly> compare_behaviour(const std::vector<BehaviourValue>& now, const Baseline& baseline) {
  std::vector<Anomaly> out;
  if (baseline.runs == 0) return out;
  // Paths with a digest in the baseline: a new digest at a known path is a changed toolchain.
  std::unordered_map<std::string, std::string> known_paths;
  if (auto it = baseline.values.find("toolchain"); it != baseline.values.end())
    for (const auto& v : it->second) known_paths.emplace(v.substr(0, v.rfind(' ')), v.substr(v.rfind(' ') + 1));
  std::unordered_set<std::string> new_execs;
  for (const auto& [kind, value] : now)
    if (kind == "exec" && !baseline.has(kind, value)) new_execs.insert(value);
  for (const std::string& kind : anomaly_kinds())
    for (const auto& [k, value] : now) {
      if (k != kind || baseline.has(k, value)) continue;
      Anomaly a;
      a.kind = k;
      a.value = value;
      a.baseline_runs = baseline.runs;
      if (k == "egress") {
        a.message = "connected to " + value;
      } else if (k == "exec") {
        a.message = "ran " + value;
      } else if (k == "toolchain") {
        std::string path = value.substr(0, value.rfind(' ')), digest = value.substr(value.rfind(' ') + 1);
        if (new_execs.count(path)) continue;  // already said as a new program
        auto known = known_paths.find(path);
        a.message = known != known_paths.end()
                        ? "ran " + path + " with a changed digest (sha256 " + short_digest(digest) + "…, was " +
                              short_digest(known->second) + "…)"
                        : "loaded " + path + " (sha256 " + short_digest(digest) + "…)";
      } else if (k == "dependency") {
        a.message = "has dependency " + value;
      } else if (k == "write_outside") {
        a.message = "wrote " + value + " outside the workspace";
      } else {
        a.message = "had environment variable " + value;
      }
      out.push_back(std::move(a));
      if (out.size() >= kMaxAnomalies) return out;
    }
  return out;
}

BaselineKey baseline_key(const StepRecord& r) {
  BaselineKey k;
  k.step = r.name;
  if (r.ci && (!r.ci->repository_url.empty() || !r.ci->pipeline.empty())) {
    k.pipeline = r.ci->repository_url + "#" + r.ci->pipeline;
  } else {
    std::string remote = r.git ? r.git->remote_url : std::string();
    k.pipeline = (remote.empty() ? std::string() : remote + " ") + r.workspace;
  }
  return k;
}

DetectReport detect_anomalies(StepRecord& r, const DetectOptions& options, const EnvMap& env) {
  DetectReport rep;
  auto t0 = std::chrono::steady_clock::now();
  auto where = resolve_store(options.store_flag, env);
  if (!where) {
    rep.lines.push_back("warning: anomaly detection: " + where.message());
    return rep;
  }
  if (where->kind == StoreLocation::Kind::off) {
    rep.store_off = true;
    return rep;
  }
  auto store = EvidenceStore::open(*where);
  if (!store) {
    rep.lines.push_back("warning: anomaly detection: evidence store " + where->display() + ": " + store.message());
    return rep;
  }
  BaselineKey key = baseline_key(r);
  auto baseline = load_baseline(**store, key, options.baseline_runs);
  if (!baseline) {
    rep.lines.push_back("warning: anomaly detection: " + baseline.message());
    return rep;
  }
  std::vector<BehaviourValue> now = step_behaviour(r, BehaviourContext::from(r, env));
  if (baseline->runs == 0) {
    rep.lines.push_back("no baseline yet for step '" + r.name + "'" +
                        (r.exit_code == 0 ? ": this run starts it" : ": nothing compared"));
  } else {
    r.anomalies = compare_behaviour(now, *baseline);
    for (auto& a : r.anomalies)
      if (a.kind == "egress") a.message = egress_message(a.value, r);
    size_t shown = 0;
    for (const auto& a : r.anomalies) {
      if (options.fail_on.count(a.kind)) rep.fail = true;
      if (shown++ < kMaxLinesPerStep)
        rep.lines.push_back("anomaly: step " + r.name + " " + a.message + ", not seen in " +
                            std::to_string(a.baseline_runs) + (a.baseline_runs == 1 ? " run" : " runs"));
    }
    if (r.anomalies.size() > kMaxLinesPerStep)
      rep.lines.push_back("anomaly: step " + r.name + ": " + std::to_string(r.anomalies.size() - kMaxLinesPerStep) +
                          " more in the step record");
  }
  // A run stopped by --fail-on-anomaly stays out: a gated pipeline keeps failing until someone
  // looks. One only reported joins (the anomaly is said once).
  if (r.exit_code == 0 && r.spawn_error.empty() && !rep.fail) {
    // Kept: more than the window, so a larger --baseline-runs later has history to use.
    int keep = std::max(options.baseline_runs, 50);
    if (Status st = add_to_baseline(**store, key, r.run_id + " " + r.name + " " + r.started, r.finished, now, keep);
        !st.ok())
      rep.lines.push_back("warning: anomaly detection: cannot add the step to its baseline: " + st.message());
  }
  rep.store = std::move(*store);
  rep.elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace hallmark
