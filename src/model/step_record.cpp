#include "hallmark/model/step_record.hpp"

#include "hallmark/util/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>

namespace hallmark {

using nlohmann::json;

// A record's warnings keep the field names of record-format v1: {"path", "message"}.
void to_json(json& j, const Diagnostic& d) { j = json{{"path", d.subject}, {"message", d.message}}; }
void from_json(const json& j, Diagnostic& d) {
  d.subject = j.value("path", std::string());
  d.message = j.value("message", std::string());
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Rusage, user_cpu_s, sys_cpu_s, max_rss_kb)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HostInfo, hostname, os, kernel, arch, uid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GitContext, root, commit, branch, detached, tags, remote_url, dirty,
                                                untracked, shallow, worktree)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CiContext, platform, builder_id, run_id, run_attempt, run_url, pipeline,
                                                job, trigger, ref, commit, actor, repository_url, selected)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EnvContext, vars, redacted)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ProcessRecord, pid, ppid, exe, exe_sha256, argv, cwd, started, finished,
                                                exit_code, signal, setuid, foreign_abi)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Anomaly, kind, value, message, baseline_runs)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RecordTampering, path, change, pid, exe, detected_by)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FileAccess, path, ops, success, pid, sha256)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Connection, family, address, port, success, pid, transport, host)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TraceSummary, processes, files_read, files_written, failed_opens,
                                                connections, remote_hosts, foreign_abi_syscalls, summarized, read_opens,
                                                reads_lost)

static const char* const kKindNames[] = {"file",   "symlink", "dirhash",  "fifo",
                                         "socket", "chardev", "blockdev", "other"};

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

namespace {

enum FieldFlags : unsigned { kRequired = 1, kOmitEmpty = 2 };

template <class S, class T>
struct Field {
  const char* key;
  T S::*member;
  unsigned flags;
};

template <class S, class T>
constexpr Field<S, T> field(const char* key, T S::*member, unsigned flags = 0) {
  return {key, member, flags};
}

// Every member of TraceSection and StepRecord with its JSON key, in one list each: to_json, the
// record text writer and step_record_from_json all walk these, so no member can be written by
// one and forgotten by another. A member missing from a list is a compile error (below).
constexpr auto kTraceFields =
    std::make_tuple(field("processes", &TraceSection::processes), field("files", &TraceSection::files),
                    field("network", &TraceSection::network), field("toolchain", &TraceSection::toolchain),
                    field("materials", &TraceSection::materials), field("products", &TraceSection::products),
                    field("summary", &TraceSection::summary));

constexpr auto kStepFields = std::make_tuple(
    field("name", &StepRecord::name, kRequired), field("run_id", &StepRecord::run_id), field("argv", &StepRecord::argv),
    field("cwd", &StepRecord::cwd), field("workspace", &StepRecord::workspace), field("started", &StepRecord::started),
    field("finished", &StepRecord::finished), field("duration_ms", &StepRecord::duration_ms),
    field("exit_code", &StepRecord::exit_code), field("signal", &StepRecord::signal),
    field("spawn_error", &StepRecord::spawn_error, kOmitEmpty), field("rusage", &StepRecord::rusage),
    field("host", &StepRecord::host), field("hallmark_version", &StepRecord::hallmark_version),
    field("digest_algorithms", &StepRecord::digest_algorithms), field("materials", &StepRecord::materials),
    field("products", &StepRecord::products), field("deleted", &StepRecord::deleted),
    field("warnings", &StepRecord::warnings), field("git", &StepRecord::git), field("ci", &StepRecord::ci),
    field("env", &StepRecord::env), field("trace", &StepRecord::trace),
    field("anomalies", &StepRecord::anomalies, kOmitEmpty),
    field("record_tampering", &StepRecord::record_tampering, kOmitEmpty));

// A member added to either struct breaks its binding here ("N names provided ..."): list the
// member in its table above, then add a name here and raise the count.
[[maybe_unused]] void every_member_is_listed(const TraceSection& t, const StepRecord& r) {
  [[maybe_unused]] const auto& [t1, t2, t3, t4, t5, t6, t7] = t;
  [[maybe_unused]] const auto& [r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, r16, r17, r18, r19,
                                r20, r21, r22, r23, r24, r25] = r;
}
static_assert(std::tuple_size_v<decltype(kTraceFields)> == 7);
static_assert(std::tuple_size_v<decltype(kStepFields)> == 25);

template <class T>
constexpr bool is_entry_list = std::is_same_v<T, std::vector<FileEntry>>;
template <class T>
constexpr bool is_optional = false;
template <class T>
constexpr bool is_optional<std::optional<T>> = true;

// Whether a member is written at all: an absent optional, or an empty kOmitEmpty member, is not.
template <class T>
bool written(const T& v, unsigned flags) {
  if constexpr (is_optional<T>) return v.has_value();
  else if constexpr (requires { v.empty(); }) return !(flags & kOmitEmpty) || !v.empty();
  else return true;
}

json value_json(const TraceSection& t);

template <class T>
json value_json(const T& v) {
  if constexpr (is_optional<T>) return value_json(*v);
  else if constexpr (is_entry_list<T>) return entries_json(v);
  else return json(v);
}

template <class S, class Fields>
json object_json(const S& s, const Fields& fields) {
  json j = json::object();
  std::apply(
      [&](const auto&... f) {
        ((written(s.*f.member, f.flags) ? void(j[f.key] = value_json(s.*f.member)) : void()), ...);
      },
      fields);
  return j;
}

json value_json(const TraceSection& t) { return object_json(t, kTraceFields); }

}  // namespace

json to_json(const StepRecord& r) {
  json j = object_json(r, kStepFields);
  j["_type"] = StepRecord::kSchema;
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
  for (const auto& item : object.items()) {
    const json& v = item.value();  // (clang 14 cannot capture a structured binding)
    out.emplace_back(item.key(), [&v](Out& o, int depth) { append_value(o.s, v, depth); });
  }
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

// The members of `s` for append_object: entry lists and a trace section written from `s`
// directly, every other member through `dom` (which must outlive the writers).
template <class S, class Fields>
std::vector<Member> record_members(const S& s, const Fields& fields, json& dom) {
  std::vector<Member> lists;
  std::apply(
      [&](const auto&... f) {
        auto one = [&](const auto& fd) {
          const auto& v = s.*fd.member;
          using T = std::decay_t<decltype(v)>;
          if (!written(v, fd.flags)) return;
          if constexpr (is_entry_list<T>) {
            lists.push_back(list_member(fd.key, v));
          } else if constexpr (std::is_same_v<T, std::optional<TraceSection>>) {
            lists.emplace_back(fd.key, [&t = *v](Out& o, int depth) {
              json trace_dom = json::object();
              append_object(o, record_members(t, kTraceFields, trace_dom), depth);
            });
          } else {
            dom[fd.key] = value_json(v);
          }
        };
        (one(f), ...);
      },
      fields);
  std::vector<Member> members = dom_members(dom);
  for (auto& m : lists) members.push_back(std::move(m));
  return members;
}

void write_record_text(const StepRecord& r, Out& out) {
  // Everything but the entry lists goes through the DOM; those are written from `r` directly.
  json dom = json::object();
  dom["_type"] = StepRecord::kSchema;
  append_object(out, record_members(r, kStepFields, dom), 0);
  out.s += '\n';
  if (out.sink != nullptr) (*out.sink)(out.s);
}

}  // namespace

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

namespace {

Result<std::vector<FileEntry>> entries_from(const json& a, const char* key) {
  std::vector<FileEntry> out;
  for (const auto& e : a) {
    auto fe = file_entry_from_json(e);
    if (!fe) return make_error(std::string(key) + ": " + fe.message());
    out.push_back(std::move(*fe));
  }
  return out;
}

template <class S, class Fields>
Status object_from(const json& j, const Fields& fields, S& s);

// Throws json::exception on a wrong type (caught by step_record_from_json).
template <class T>
Status value_from(const json& j, const char* key, T& out) {
  if constexpr (is_optional<T>) {
    typename T::value_type v;
    HALLMARK_TRY(value_from(j, key, v));
    out = std::move(v);
  } else if constexpr (is_entry_list<T>) {
    auto v = entries_from(j, key);
    if (!v) return v.error();
    out = std::move(*v);
  } else if constexpr (std::is_same_v<T, TraceSection>) {
    HALLMARK_TRY(object_from(j, kTraceFields, out));
  } else {
    out = j.get<T>();
  }
  return ok_status();
}

template <class S, class Fields>
Status object_from(const json& j, const Fields& fields, S& s) {
  if (!j.is_object())
    return make_error("malformed step record: an object expected, found " + std::string(j.type_name()));
  Status st = ok_status();
  auto one = [&](const auto& f) {
    if (!st.ok()) return;
    auto it = j.find(f.key);
    if (it == j.end()) {
      if (f.flags & kRequired) st = make_error(std::string("malformed step record: '") + f.key + "' is missing");
      return;
    }
    st = value_from(*it, f.key, s.*f.member);
  };
  std::apply([&](const auto&... f) { (one(f), ...); }, fields);
  return st;
}

}  // namespace

Result<StepRecord> step_record_from_json(const json& j) {
  try {
    if (j.value("_type", std::string()) != StepRecord::kSchema)
      return make_error("not a hallmark step record (_type is '" + j.value("_type", std::string()) + "')");
    StepRecord r;
    HALLMARK_TRY(object_from(j, kStepFields, r));
    return r;
  } catch (const json::exception& ex) {
    return make_error(std::string("malformed step record: ") + ex.what());
  }
}

}  // namespace hallmark
