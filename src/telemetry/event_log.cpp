#include "hallmark/telemetry/event_log.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/json_text.hpp"

#include <charconv>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hallmark {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSeq = "hallmark.chain.seq";
constexpr const char* kPrev = "hallmark.chain.prev";
constexpr const char* kLine = "hallmark.chain.line";
// How the own-digest attribute is serialised (nlohmann sorts object keys: "key" < "value").
const std::string kLineMarker = std::string("{\"key\":\"") + kLine + "\",\"value\":{\"stringValue\":\"";

json* first_resource(json& request, bool* traces) {
  for (const char* field : {"resourceSpans", "resourceLogs", "resourceMetrics"}) {
    auto it = request.find(field);
    if (it != request.end() && it->is_array() && !it->empty() && (*it)[0].is_object()) {
      if (traces) *traces = std::string(field) == "resourceSpans";
      return &(*it)[0];
    }
  }
  return nullptr;
}

// The first span, log record or metric of a request's first resource, and the name of its
// attribute list ("attributes"; a metric's is "metadata": data point attributes would make every
// line a new time series).
json* first_item(json& resource, const char** list) {
  static const std::pair<const char*, const char*> kinds[] = {
      {"scopeSpans", "spans"}, {"scopeLogs", "logRecords"}, {"scopeMetrics", "metrics"}};
  for (const auto& [scopes, items] : kinds) {
    auto s = resource.find(scopes);
    if (s == resource.end() || !s->is_array() || s->empty() || !(*s)[0].is_object()) continue;
    auto i = (*s)[0].find(items);
    if (i == (*s)[0].end() || !i->is_array() || i->empty() || !(*i)[0].is_object()) return nullptr;
    *list = std::string(items) == "metrics" ? "metadata" : "attributes";
    return &(*i)[0];
  }
  return nullptr;
}

bool has_key(const json& attrs, const char* key) {
  if (!attrs.is_array()) return false;
  for (const auto& kv : attrs)
    if (kv.is_object() && kv.value("key", "") == key) return true;
  return false;
}

// Where a line keeps its chain fields: the first item's attributes (docs/telemetry.md); lines
// written before hallmark moved them there keep them on the resource, and still verify.
const json* chain_attributes(json& request) {
  json* res = first_resource(request, nullptr);
  if (!res) return nullptr;
  const char* list = nullptr;
  if (json* item = first_item(*res, &list); item && item->contains(list) && has_key((*item)[list], kSeq))
    return &(*item)[list];
  auto r = res->find("resource");
  if (r == res->end() || !r->is_object() || !r->contains("attributes")) return nullptr;
  return &(*r)["attributes"];
}

// The digest of a line with its own-digest value zeroed; npos-safe: returns "" if no marker.
std::string own_digest(const std::string& line, std::string* stated) {
  size_t at = line.find(kLineMarker);
  if (at == std::string::npos || at + kLineMarker.size() + 64 > line.size()) return {};
  size_t v = at + kLineMarker.size();
  if (stated) *stated = line.substr(v, 64);
  std::string zeroed = line;
  zeroed.replace(v, 64, kZeroDigest);
  return sha256_hex(zeroed);
}

std::string errno_text() { return std::strerror(errno); }

// Reads the last complete line of an open file (without its '\n'); "" for an empty file.
Result<std::string> read_last_line(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return make_error("cannot stat " + path.string() + ": " + errno_text());
  off_t size = st.st_size;
  if (size == 0) return std::string();
  size_t chunk = 65536;
  while (true) {
    off_t start = size > off_t(chunk) ? size - off_t(chunk) : 0;
    std::string buf(size_t(size - start), '\0');
    ssize_t n = ::pread(fd, buf.data(), buf.size(), start);
    if (n < 0) return make_error("cannot read " + path.string() + ": " + errno_text());
    buf.resize(size_t(n));
    size_t end = buf.size();
    if (end > 0 && buf[end - 1] == '\n') --end;
    size_t nl = buf.rfind('\n', end == 0 ? 0 : end - 1);
    if (nl != std::string::npos && nl < end) return buf.substr(nl + 1, end - nl - 1);
    if (start == 0) return buf.substr(0, end);
    chunk *= 4;
  }
}

Status write_all(int fd, const std::string& data, const fs::path& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("cannot append to " + path.string() + ": " + errno_text());
    }
    off += size_t(n);
  }
  return ok_status();
}

// hallmark.chain.seq read from a line's text without parsing it (lines can be megabytes).
const std::string kSeqMarker = std::string("{\"key\":\"") + kSeq + "\",\"value\":{\"intValue\":\"";

int64_t seq_of_text(const std::string& line) {
  size_t at = line.find(kSeqMarker);
  if (at == std::string::npos) return -1;
  int64_t v = 0;
  size_t i = at + kSeqMarker.size(), digits = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9' && digits < 18; ++i, ++digits)
    v = v * 10 + (line[i] - '0');
  return digits && i < line.size() && line[i] == '"' ? v : -1;
}

int64_t seq_of(json& request) {
  const json* attrs = chain_attributes(request);
  if (!attrs || !attrs->is_array()) return -1;
  for (const auto& kv : *attrs)
    if (kv.is_object() && kv.value("key", "") == kSeq) {
      // -1 for anything but a decimal intValue: the caller names the line as altered.
      auto value = kv.find("value");
      if (value == kv.end() || !value->is_object()) return -1;
      auto iv = value->find("intValue");
      if (iv == value->end() || !iv->is_string()) return -1;
      const std::string& text = iv->get_ref<const std::string&>();
      int64_t n = -1;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      return ec == std::errc() && p == text.data() + text.size() ? n : -1;
    }
  return -1;
}

std::string chain_string(json& request, const char* key) {
  const json* attrs = chain_attributes(request);
  if (!attrs || !attrs->is_array()) return {};
  for (const auto& kv : *attrs)
    if (kv.is_object() && kv.value("key", "") == key && kv.contains("value") && kv["value"].is_object() &&
        kv["value"].contains("stringValue") && kv["value"]["stringValue"].is_string())
      return kv["value"]["stringValue"].get<std::string>();
  return {};
}

}  // namespace

Result<EventLine> append_event_request(const fs::path& log, bool traces, const RequestEncoder& encode) {
  EventLine out;
  out.traces = traces;
  int fd = ::open(log.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("cannot open " + log.string() + ": " + errno_text());
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      std::string e = errno_text();
      ::close(fd);
      return make_error("cannot lock " + log.string() + ": " + e);
    }
  }
  auto last = read_last_line(fd, log);
  if (!last.ok()) {
    ::close(fd);
    return last.error();
  }
  std::string prev = kZeroDigest;
  int64_t seq = 1;
  if (!last->empty()) {
    prev = sha256_hex(*last);
    int64_t s = seq_of_text(*last);
    // A damaged last line still gets a successor: verify reports the damage, we don't hide it.
    seq = s > 0 ? s + 1 : 0;
  }
  otlp::Attributes chain = {{kSeq, int64_t(seq)}, {kPrev, prev}, {kLine, std::string(kZeroDigest)}};
  std::string line = encode(chain);
  size_t marker = line.find(kLineMarker);
  if (marker == std::string::npos || line.find('\n') != std::string::npos) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return make_error("internal: an event request without the chain fields or on several lines");
  }
  std::string digest = own_digest(line, nullptr);
  line.replace(marker + kLineMarker.size(), 64, digest);
  line += '\n';
  Status st = write_all(fd, line, log);
  ::flock(fd, LOCK_UN);
  ::close(fd);
  if (!st.ok()) return st.error();
  line.pop_back();
  out.seq = uint64_t(seq);
  out.digest = digest;
  out.text = std::move(line);
  return out;
}

Result<EventLine> append_event_request(const fs::path& log, json request) {
  bool traces = false;
  if (!first_resource(request, &traces)) return make_error("internal: not an OTLP export request");
  return append_event_request(log, traces, [&](const otlp::Attributes& chain) {
    json copy = request;
    json* res = first_resource(copy, nullptr);
    const char* list = nullptr;
    json* item = first_item(*res, &list);
    json& attrs = item ? (*item)[list] : (*res)["resource"]["attributes"];
    if (!attrs.is_array()) attrs = json::array();
    for (const auto& kv : chain) attrs.push_back(otlp::to_json(otlp::Attributes{kv})[0]);
    return dump_json(copy);
  });
}

Result<std::vector<EventLine>> read_event_lines(const fs::path& log, uint64_t from) {
  std::vector<EventLine> out;
  int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    return make_error("cannot open " + log.string() + ": " + errno_text());
  }
  struct stat st {};
  char before = '\n';
  if (::fstat(fd, &st) != 0 || from > uint64_t(st.st_size) ||
      (from > 0 && (::pread(fd, &before, 1, off_t(from - 1)) != 1 || before != '\n')))
    from = 0;
  std::string text(size_t(st.st_size) - from, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::pread(fd, text.data() + got, text.size() - got, off_t(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
  }
  ::close(fd);
  text.resize(got);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // torn tail: a writer died mid-line
    EventLine l;
    l.offset = from + pos;
    l.text = text.substr(pos, nl - pos);
    pos = nl + 1;
    l.digest = own_digest(l.text, nullptr);
    l.traces = l.text.rfind("{\"resourceSpans\"", 0) == 0;
    l.metrics = l.text.rfind("{\"resourceMetrics\"", 0) == 0;
    int64_t s = seq_of_text(l.text);
    l.seq = s > 0 ? uint64_t(s) : 0;
    out.push_back(std::move(l));
  }
  return out;
}

Status verify_event_chain(const fs::path& log, const std::string& expected_head) {
  auto text = read_file(log);
  if (!text.ok()) return text.error();
  const std::string name = log.string();
  if (!text->empty() && text->back() != '\n')
    return make_error(name + ": the last line is incomplete (no trailing newline): the log was "
                             "truncated or is being written");
  std::string prev_hash = kZeroDigest;
  // Lines appended after the head was signed (a later failed-verification event) are checked
  // like the rest but are not covered by the signature; the signed head must be in the chain.
  bool head_seen = expected_head.empty() || expected_head == kZeroDigest;
  uint64_t lineno = 0;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    std::string line = text->substr(pos, nl - pos);
    pos = nl + 1;
    ++lineno;
    std::string where = name + " line " + std::to_string(lineno) + ": ";
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) return make_error(where + "not valid JSON (the line was altered)");
    bool traces = false;
    if (!first_resource(j, &traces))
      return make_error(
          where + "not an OTLP ExportTraceServiceRequest, ExportLogsServiceRequest or ExportMetricsServiceRequest");
    int64_t seq = seq_of(j);
    if (seq != int64_t(lineno))
      return make_error(where + "hallmark.chain.seq is " +
                        (seq < 0 ? std::string("missing or not an integer") : std::to_string(seq)) + ", expected " +
                        std::to_string(lineno) + " (a line was removed, inserted or reordered)");
    if (chain_string(j, kPrev) != prev_hash)
      return make_error(where + "hallmark.chain.prev does not match the SHA-256 of line " + std::to_string(lineno - 1) +
                        " (a line was edited, removed or reordered)");
    std::string stated;
    std::string actual = own_digest(line, &stated);
    if (actual.empty() || actual != stated)
      return make_error(where + "hallmark.chain.line does not match the line's content (the line was edited)");
    prev_hash = sha256_hex(line);
    if (prev_hash == expected_head) head_seen = true;
  }
  if (!head_seen)
    return make_error(name + ": the expected chain head " + expected_head + " is not in the log (head now " +
                      prev_hash + "): lines were removed from the end or the log was replaced");
  return ok_status();
}

Result<std::string> last_event_line(const fs::path& log) {
  std::error_code ec;
  if (!fs::exists(log, ec)) return std::string();
  int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open " + log.string() + ": " + errno_text());
  ::flock(fd, LOCK_SH);  // never read a half-appended line
  auto last = read_last_line(fd, log);
  ::flock(fd, LOCK_UN);
  ::close(fd);
  return last;
}

Result<std::string> event_chain_head(const fs::path& log) {
  auto last = last_event_line(log);
  if (!last.ok()) return last.error();
  if (last->empty()) return std::string(kZeroDigest);
  return sha256_hex(*last);
}

}  // namespace hallmark
