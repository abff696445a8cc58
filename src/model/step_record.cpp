#include "hallmark/model/step_record.hpp"

#include "hallmark/util/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>

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
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Connection, family, address, port, success, pid, transport)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TraceSummary, processes, files_read, files_written,
                                                failed_opens, connections, remote_hosts,
                                                foreign_abi_syscalls, summarized, read_opens, reads_lost)

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

namespace {

// The text being written, handed to `sink` in pieces of about 256 KiB when there is one.
struct Out {
  std::string s;
  const std::function<void(std::string_view)>* sink = nullptr;
  void maybe_flush() {
    if (sink != nullptr && s.size() >= (256u << 10)) {
      (*sink)(s);
      s.clear();
    }
  }
};

void append_entry(std::string& out, const FileEntry& e) {
  out += "{\"path\":";
  json_quote_into(out, e.path);
  if (e.kind != FileKind::regular) {
    out += ",\"kind\":\"";
    out += to_string(e.kind);
    out += '"';
  }
  if (e.kind == FileKind::regular || e.kind == FileKind::dirhash) {
    out += ",\"size\":";
    out += std::to_string(e.size);
  }
  if (!e.digests.empty()) {
    out += ",\"digests\":{";
    bool first = true;
    for (const auto& [alg, hex] : e.digests) {
      if (!first) out += ',';
      first = false;
      json_quote_into(out, alg);
      out += ':';
      json_quote_into(out, hex);
    }
    out += '}';
  }
  if (e.kind == FileKind::symlink) {
    out += ",\"target\":";
    json_quote_into(out, e.link_target);
  }
  if (e.kind == FileKind::dirhash) {
    out += ",\"files\":";
    out += std::to_string(e.file_count);
  }
  out += '}';
}

// `"key": [` one entry per line `]`, at nesting depth `depth` (one space per level).
void append_entries(Out& o, const std::vector<FileEntry>& v, int depth) {
  std::string& out = o.s;
  if (v.empty()) {
    out += "[]";
    return;
  }
  out += "[\n";
  for (size_t i = 0; i < v.size(); ++i) {
    out.append(size_t(depth + 1), ' ');
    append_entry(out, v[i]);
    out += i + 1 < v.size() ? ",\n" : "\n";
    o.maybe_flush();
  }
  out.append(size_t(depth), ' ');
  out += ']';
}

// A DOM value pretty-printed at nesting depth `depth`.
void append_value(std::string& out, const json& j, int depth) {
  std::string text = dump_json(j, 1);
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(size_t(depth), ' ');
  }
}

using Member = std::pair<std::string, std::function<void(Out&, int)>>;

// The members of a DOM object (which must outlive the writers).
std::vector<Member> dom_members(const json& object) {
  std::vector<Member> out;
  for (const auto& [k, v] : object.items())
    out.emplace_back(k, [&v](Out& o, int depth) { append_value(o.s, v, depth); });
  return out;
}

Member list_member(const char* key, const std::vector<FileEntry>& v) {
  return {key, [&v](Out& o, int depth) { append_entries(o, v, depth); }};
}

// `{ "k": v, ... }` at nesting depth `depth`, members in key order as the DOM writes them.
void append_object(Out& o, std::vector<Member> members, int depth) {
  std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.first < b.first; });
  o.s += "{\n";
  for (size_t i = 0; i < members.size(); ++i) {
    o.s.append(size_t(depth + 1), ' ');
    json_quote_into(o.s, members[i].first);
    o.s += ": ";
    members[i].second(o, depth + 1);
    o.s += i + 1 < members.size() ? ",\n" : "\n";
  }
  o.s.append(size_t(depth), ' ');
  o.s += '}';
}

void write_record_text(const StepRecord& r, Out& out) {
  // Everything but the entry lists goes through the DOM; those are written from `r` directly.
  StepRecord head;
  head.name = r.name;
  head.run_id = r.run_id;
  head.argv = r.argv;
  head.cwd = r.cwd;
  head.workspace = r.workspace;
  head.started = r.started;
  head.finished = r.finished;
  head.duration_ms = r.duration_ms;
  head.exit_code = r.exit_code;
  head.signal = r.signal;
  head.spawn_error = r.spawn_error;
  head.rusage = r.rusage;
  head.host = r.host;
  head.hallmark_version = r.hallmark_version;
  head.digest_algorithms = r.digest_algorithms;
  head.deleted = r.deleted;
  head.warnings = r.warnings;
  head.git = r.git;
  head.ci = r.ci;
  head.env = r.env;
  json small = to_json(head);
  small.erase("materials");
  small.erase("products");
  std::vector<Member> members = dom_members(small);
  members.push_back(list_member("materials", r.materials));
  members.push_back(list_member("products", r.products));

  json trace_small;
  if (r.trace) {
    const TraceSection& t = *r.trace;
    trace_small = {{"processes", t.processes}, {"files", t.files}, {"network", t.network}, {"summary", t.summary}};
    members.emplace_back("trace", [&t, &trace_small](Out& o, int depth) {
      std::vector<Member> tm = dom_members(trace_small);
      tm.push_back(list_member("toolchain", t.toolchain));
      tm.push_back(list_member("materials", t.materials));
      tm.push_back(list_member("products", t.products));
      append_object(o, std::move(tm), depth);
    });
  }
  append_object(out, std::move(members), 0);
  out.s += '\n';
  if (out.sink != nullptr) (*out.sink)(out.s);
}

} // namespace

std::string to_record_text(const StepRecord& r) {
  Out out;
  write_record_text(r, out);
  return std::move(out.s);
}

void write_record_text(const StepRecord& r, const std::function<void(std::string_view)>& sink) {
  Out out;
  out.s.reserve(300u << 10);
  out.sink = &sink;
  write_record_text(r, out);
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
