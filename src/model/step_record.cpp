#include "hallmark/model/step_record.hpp"

#include <nlohmann/json.hpp>

namespace hallmark {

using nlohmann::json;

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Warning, path, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Rusage, user_cpu_s, sys_cpu_s, max_rss_kb)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HostInfo, hostname, os, kernel, arch, uid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GitContext, root, commit, branch, detached, tags,
                                                remote_url, dirty, untracked, shallow, worktree)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CiContext, platform, builder_id, run_id, run_attempt,
                                                run_url, pipeline, job, trigger, ref, commit, actor,
                                                repository_url, selected)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EnvContext, vars, redacted)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ProcessRecord, pid, ppid, exe, exe_sha256, argv, cwd,
                                                started, finished, exit_code, signal, setuid,
                                                foreign_abi)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FileAccess, path, ops, success, pid, sha256)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Connection, family, address, port, success, pid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TraceSummary, processes, files_read, files_written,
                                                failed_opens, connections, remote_hosts,
                                                foreign_abi_syscalls, summarized)

static const char* const kKindNames[] = {"file",   "symlink",   "dirhash", "fifo",
                                         "socket", "chardev",   "blockdev", "other"};

const char* to_string(FileKind k) { return kKindNames[static_cast<int>(k)]; }

std::optional<FileKind> file_kind_from_string(const std::string& s) {
  for (int i = 0; i < 8; ++i)
    if (s == kKindNames[i]) return static_cast<FileKind>(i);
  return std::nullopt;
}

json to_json(const FileEntry& e) {
  // Compact on purpose: a record can hold tens of thousands of entries.
  json j = {{"path", e.path}};
  if (e.kind != FileKind::regular) j["kind"] = to_string(e.kind);
  if (e.kind == FileKind::regular || e.kind == FileKind::dirhash) j["size"] = e.size;
  if (!e.digests.empty()) j["digests"] = e.digests;
  if (e.kind == FileKind::symlink) j["target"] = e.link_target;
  if (e.kind == FileKind::dirhash) j["files"] = e.file_count;
  return j;
}

Result<FileEntry> file_entry_from_json(const json& j) {
  try {
    FileEntry e;
    e.path = j.at("path").get<std::string>();
    if (j.contains("kind")) {
      auto k = file_kind_from_string(j["kind"].get<std::string>());
      if (!k) return make_error("unknown file kind '" + j["kind"].get<std::string>() + "' for " + e.path);
      e.kind = *k;
    }
    e.size = j.value("size", uint64_t(0));
    if (j.contains("digests")) e.digests = j["digests"].get<DigestMap>();
    e.link_target = j.value("target", std::string());
    e.file_count = j.value("files", uint64_t(0));
    return e;
  } catch (const json::exception& ex) {
    return make_error(std::string("bad file entry: ") + ex.what());
  }
}

static json entries_json(const std::vector<FileEntry>& v) {
  json a = json::array();
  for (const auto& e : v) a.push_back(to_json(e));
  return a;
}

static json trace_json(const TraceSection& t) {
  json j;
  j["processes"] = t.processes;
  j["files"] = t.files;
  j["network"] = t.network;
  j["toolchain"] = entries_json(t.toolchain);
  j["materials"] = entries_json(t.materials);
  j["products"] = entries_json(t.products);
  j["summary"] = t.summary;
  return j;
}

json to_json(const StepRecord& r) {
  json j;
  j["_type"] = StepRecord::kSchema;
  j["name"] = r.name;
  j["run_id"] = r.run_id;
  j["argv"] = r.argv;
  j["cwd"] = r.cwd;
  j["workspace"] = r.workspace;
  j["started"] = r.started;
  j["finished"] = r.finished;
  j["duration_ms"] = r.duration_ms;
  j["exit_code"] = r.exit_code;
  j["signal"] = r.signal;
  if (!r.spawn_error.empty()) j["spawn_error"] = r.spawn_error;
  j["rusage"] = r.rusage;
  j["host"] = r.host;
  j["hallmark_version"] = r.hallmark_version;
  j["digest_algorithms"] = r.digest_algorithms;
  j["materials"] = entries_json(r.materials);
  j["products"] = entries_json(r.products);
  j["deleted"] = r.deleted;
  j["warnings"] = r.warnings;
  if (r.git) j["git"] = *r.git;
  if (r.ci) j["ci"] = *r.ci;
  j["env"] = r.env;
  if (r.trace) j["trace"] = trace_json(*r.trace);
  return j;
}

static Result<std::vector<FileEntry>> entries_from(const json& j, const char* key) {
  std::vector<FileEntry> out;
  if (!j.contains(key)) return out;
  for (const auto& e : j.at(key)) {
    auto fe = file_entry_from_json(e);
    if (!fe) return make_error(std::string(key) + ": " + fe.message());
    out.push_back(std::move(*fe));
  }
  return out;
}

Result<StepRecord> step_record_from_json(const json& j) {
  try {
    if (j.value("_type", std::string()) != StepRecord::kSchema)
      return make_error("not a hallmark step record (_type is '" + j.value("_type", std::string()) + "')");
    StepRecord r;
    r.name = j.at("name").get<std::string>();
    r.run_id = j.value("run_id", std::string());
    r.argv = j.value("argv", std::vector<std::string>{});
    r.cwd = j.value("cwd", std::string());
    r.workspace = j.value("workspace", std::string());
    r.started = j.value("started", std::string());
    r.finished = j.value("finished", std::string());
    r.duration_ms = j.value("duration_ms", int64_t(0));
    r.exit_code = j.value("exit_code", 0);
    r.signal = j.value("signal", 0);
    r.spawn_error = j.value("spawn_error", std::string());
    if (j.contains("rusage")) r.rusage = j["rusage"].get<Rusage>();
    if (j.contains("host")) r.host = j["host"].get<HostInfo>();
    r.hallmark_version = j.value("hallmark_version", std::string());
    r.digest_algorithms = j.value("digest_algorithms", std::vector<std::string>{});
    auto m = entries_from(j, "materials");
    if (!m) return m.error();
    r.materials = std::move(*m);
    auto p = entries_from(j, "products");
    if (!p) return p.error();
    r.products = std::move(*p);
    r.deleted = j.value("deleted", std::vector<std::string>{});
    if (j.contains("warnings")) r.warnings = j["warnings"].get<std::vector<Warning>>();
    if (j.contains("git")) r.git = j["git"].get<GitContext>();
    if (j.contains("ci")) r.ci = j["ci"].get<CiContext>();
    if (j.contains("env")) r.env = j["env"].get<EnvContext>();
    if (j.contains("trace")) {
      const json& t = j["trace"];
      TraceSection ts;
      ts.processes = t.value("processes", std::vector<ProcessRecord>{});
      ts.files = t.value("files", std::vector<FileAccess>{});
      ts.network = t.value("network", std::vector<Connection>{});
      auto tc = entries_from(t, "toolchain");
      if (!tc) return tc.error();
      ts.toolchain = std::move(*tc);
      auto tm = entries_from(t, "materials");
      if (!tm) return tm.error();
      ts.materials = std::move(*tm);
      auto tp = entries_from(t, "products");
      if (!tp) return tp.error();
      ts.products = std::move(*tp);
      if (t.contains("summary")) ts.summary = t["summary"].get<TraceSummary>();
      r.trace = std::move(ts);
    }
    return r;
  } catch (const json::exception& ex) {
    return make_error(std::string("malformed step record: ") + ex.what());
  }
}

} // namespace hallmark
