// RecordDir::check_seal / update_seal (include/hallmark/store/record_dir.hpp).
#include "hallmark/store/record_dir.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/json_text.hpp"

#include "dir_lock.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>

namespace hallmark {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSealType = "https://hallmark.dev/record/seal/v1";

struct FileStamp {
  uint64_t size = 0, ino = 0;
  int64_t ctime_ns = 0;
  bool operator==(const FileStamp& o) const { return size == o.size && ino == o.ino && ctime_ns == o.ctime_ns; }
};

// size, inode and ctime: what no unprivileged process can set back, so an unchanged stamp means
// unchanged content and the file is not hashed again.
std::optional<FileStamp> stamp(const fs::path& f) {
  struct stat st {};
  if (::stat(f.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{uint64_t(st.st_size), uint64_t(st.st_ino),
                   int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec};
}

json stamp_json(const FileStamp& s, const std::string& sha256) {
  return {{"size", s.size}, {"ino", s.ino}, {"ctime_ns", s.ctime_ns}, {"sha256", sha256}};
}

std::string file_sha256(const fs::path& f) {
  auto text = read_file(f, size_t(1) << 31);
  return text ? sha256_hex(*text) : std::string();
}

// The event log's end: its size and the SHA-256 of the line that ends there (without its
// newline: the chain head of docs/telemetry.md). Empty log: size 0.
struct LogEnd {
  uint64_t size = 0, line_start = 0;
  std::string head;
};

std::optional<LogEnd> log_end(const fs::path& log) {
  std::error_code ec;
  uint64_t size = fs::exists(log, ec) ? fs::file_size(log, ec) : 0;
  if (ec) return std::nullopt;
  LogEnd e;
  if (size == 0) return e;
  std::ifstream in(log, std::ios::binary);
  // The last line starts after the newline before the final one; lines are at most a few MB.
  uint64_t end = size - 1, start = end;
  constexpr uint64_t kChunk = 64 << 10;
  std::string buf;
  for (bool found = false; !found && start > 0;) {
    uint64_t from = start > kChunk ? start - kChunk : 0;
    buf.resize(size_t(start - from));
    in.seekg(std::streamoff(from));
    if (!in.read(buf.data(), std::streamsize(buf.size()))) return std::nullopt;
    auto nl = buf.rfind('\n');
    if (nl != std::string::npos) {
      start = from + nl + 1;
      found = true;
    } else {
      start = from;
    }
  }
  std::string line(size_t(end - start), '\0');
  in.clear();
  in.seekg(std::streamoff(start));
  if (!in.read(line.data(), std::streamsize(line.size()))) return std::nullopt;
  e.size = size;
  e.line_start = start;
  e.head = sha256_hex(line);
  return e;
}

// The sealed line still ends the sealed prefix with the same bytes.
std::optional<std::string> log_change(const fs::path& log, const json& sealed) {
  uint64_t size = sealed.value("size", uint64_t(0)), start = sealed.value("line_start", uint64_t(0));
  if (size == 0) return std::nullopt;
  std::error_code ec;
  uint64_t now = fs::exists(log, ec) ? fs::file_size(log, ec) : 0;
  if (now < size) return "truncated";
  std::ifstream in(log, std::ios::binary);
  std::string line(size_t(size - 1 - start), '\0');
  in.seekg(std::streamoff(start));
  if (!in.read(line.data(), std::streamsize(line.size())) || sha256_hex(line) != sealed.value("head", std::string()))
    return "rewritten";
  return std::nullopt;
}

// How findings name a file: absolute, as docs/record-format.md promises.
std::string full(const fs::path& p) { return fs::absolute(p).lexically_normal().string(); }

json read_seal(const fs::path& file) {
  auto text = read_file(file, size_t(64) << 20);
  if (!text) return json();
  json j = json::parse(*text, nullptr, false);
  return j.is_object() && j.value("_type", std::string()) == kSealType ? j : json();
}

}  // namespace

std::vector<RecordTampering> RecordDir::check_seal(const fs::path& event_log) const {
  std::vector<RecordTampering> out;
  std::error_code ec;
  const fs::path file = dir_ / kSealName;
  if (!fs::exists(file, ec)) return out;
  auto finding = [&](const std::string& path, const std::string& change) {
    RecordTampering t;
    t.path = path;
    t.change = change;
    t.detected_by = "seal";
    out.push_back(std::move(t));
  };
  json seal = read_seal(file);
  if (seal.is_null()) {
    finding(full(file), "rewritten");
    return out;
  }
  auto run = current_run();
  if (!run || run->id != seal.value("run_id", std::string())) return out;  // a new run: nothing sealed yet
  if (const json* steps = &seal["steps"]; steps->is_object())
    for (const auto& [name, s] : steps->items()) {
      const fs::path f = dir_ / "steps" / name;
      auto now = stamp(f);
      if (!now) {
        finding(full(f), "deleted");
        continue;
      }
      FileStamp then{s.value("size", uint64_t(0)), s.value("ino", uint64_t(0)), s.value("ctime_ns", int64_t(0))};
      if (*now == then) continue;
      if (file_sha256(f) != s.value("sha256", std::string())) finding(full(f), "modified");
    }
  if (auto change = log_change(event_log, seal["events"])) finding(full(event_log), *change);
  return out;
}

Status RecordDir::update_seal(const fs::path& event_log, const std::vector<RecordTampering>& reported) {
  DirLock lock(dir_ / ".lock");
  HALLMARK_TRY(lock.status());
  auto run = current_run();
  if (!run) return run.error();
  const fs::path file = dir_ / kSealName;
  json old = read_seal(file);
  if (old.is_object() && old.value("run_id", std::string()) != run->id) old = json();
  std::set<std::string> accepted;
  for (const auto& t : reported) accepted.insert(t.path);

  json steps = json::object();
  const json* before = old.is_object() && old["steps"].is_object() ? &old["steps"] : nullptr;
  for (const fs::path& f : step_files()) {
    const std::string name = f.filename().string();
    auto now = stamp(f);
    if (!now) continue;
    if (before && before->contains(name) && !accepted.count(full(f))) {
      // Sealed before: kept as sealed, changed or not, so a change since is reported again.
      steps[name] = (*before)[name];
      continue;
    }
    steps[name] = stamp_json(*now, file_sha256(f));
  }
  // Steps sealed before and now gone stay in the seal (still reported) unless just reported.
  if (before)
    for (const auto& [name, s] : before->items())
      if (!steps.contains(name) && !accepted.count(full(dir_ / "steps" / name))) steps[name] = s;

  json events = old.is_object() ? old.value("events", json::object()) : json::object();
  const bool log_reported = accepted.count(full(event_log)) > 0;
  if (log_reported || !log_change(event_log, events)) {
    auto end = log_end(event_log);
    if (end) events = {{"size", end->size}, {"line_start", end->line_start}, {"head", end->head}};
  }
  json seal = {{"_type", kSealType}, {"run_id", run->id}, {"steps", steps}, {"events", events}};
  return write_file_atomic(file, dump_json(seal, 1) + "\n");
}

}  // namespace hallmark
