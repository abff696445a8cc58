#include "hallmark/util/dynlib.hpp"
#include "hallmark/util/json_text.hpp"
#include "hallmark/telemetry/exporter.hpp"

#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/otlp_protobuf.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <charconv>
#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <random>
#include <set>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace hallmark {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = ExportDeadline::Clock;
using std::chrono::milliseconds;

void ExportDeadline::set(Clock::time_point at) {
  {
    std::lock_guard<std::mutex> g(m_);
    at_ = at;
  }
  cv_.notify_all();
}

Clock::time_point ExportDeadline::get() const {
  std::lock_guard<std::mutex> g(m_);
  return at_;
}

void ExportDeadline::sleep_until(Clock::time_point until) const {
  std::unique_lock<std::mutex> lk(m_);
  while (true) {
    auto limit = std::min(until, at_);
    if (Clock::now() >= limit) return;
    auto before = at_;
    cv_.wait_until(lk, limit);
    if (at_ != before) continue;  // deadline moved: re-evaluate
  }
}

fs::path sent_list_path(const fs::path& log) { return fs::path(log.string() + ".sent"); }
fs::path export_lock_path(const fs::path& log) { return fs::path(log.string() + ".export.lock"); }

std::optional<milliseconds> parse_retry_after(const std::string& value, std::chrono::system_clock::time_point now) {
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789 ") == std::string::npos) {
    // delta-seconds; beyond a day it is no retry hint we would wait for, and not an overflow.
    size_t start = value.find_first_not_of(' ');
    int64_t seconds = 0;
    if (start == std::string::npos) return std::nullopt;
    auto [p, ec] = std::from_chars(value.data() + start, value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range) return milliseconds(int64_t(86400) * 1000);
    if (ec != std::errc() || value.find_first_not_of(' ', size_t(p - value.data())) != std::string::npos)
      return std::nullopt;
    return milliseconds(std::min<int64_t>(seconds, 86400) * 1000);
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the only form senders may generate).
  struct tm tm {};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end) return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto d = std::chrono::duration_cast<milliseconds>(at - now);
  return d.count() > 0 ? d : milliseconds(0);
}

namespace {

// libcurl, opened on the first export (util/dynlib.hpp): a step that exports nothing, or whose
// exporter thread loads it while the build runs, never waits for its 25 libraries to map.
struct CurlApi {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
  decltype(&curl_multi_init) multi_init;
  decltype(&curl_multi_add_handle) multi_add_handle;
  decltype(&curl_multi_remove_handle) multi_remove_handle;
  decltype(&curl_multi_perform) multi_perform;
  decltype(&curl_multi_poll) multi_poll;
  decltype(&curl_multi_info_read) multi_info_read;
  decltype(&curl_multi_cleanup) multi_cleanup;
};

Status fill_curl_api(void* lib, CurlApi& a) {
  HALLMARK_TRY(load_symbols(
      lib, {symbol(a.global_init, "curl_global_init"), symbol(a.easy_init, "curl_easy_init"),
            symbol(a.easy_setopt, "curl_easy_setopt"), symbol(a.easy_getinfo, "curl_easy_getinfo"),
            symbol(a.easy_cleanup, "curl_easy_cleanup"), symbol(a.easy_strerror, "curl_easy_strerror"),
            symbol(a.slist_append, "curl_slist_append"), symbol(a.slist_free_all, "curl_slist_free_all"),
            symbol(a.multi_init, "curl_multi_init"), symbol(a.multi_add_handle, "curl_multi_add_handle"),
            symbol(a.multi_remove_handle, "curl_multi_remove_handle"), symbol(a.multi_perform, "curl_multi_perform"),
            symbol(a.multi_poll, "curl_multi_poll"), symbol(a.multi_info_read, "curl_multi_info_read"),
            symbol(a.multi_cleanup, "curl_multi_cleanup")}));
  a.global_init(CURL_GLOBAL_DEFAULT);
  return ok_status();
}

Result<const CurlApi*> curl_api() { return library_api<CurlApi>("libcurl.so.4", "libcurl4", fill_curl_api); }

std::string curl_error_text(CURLcode c) {
  auto api = curl_api();
  return api ? (*api)->easy_strerror(c) : "libcurl unavailable";
}

std::string gzip(const std::string& in) {
  z_stream zs{};
  // 15 + 16: a gzip wrapper rather than zlib's, as Content-Encoding: gzip requires.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, uLong(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = uInt(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

size_t collect(char* p, size_t size, size_t n, void* ud) {
  auto* s = static_cast<std::string*>(ud);
  if (s->size() < (1u << 20)) s->append(p, size * n);
  return size * n;
}

size_t header_cb(char* p, size_t size, size_t n, void* ud) {
  auto* retry_after = static_cast<std::string*>(ud);
  std::string line(p, size * n);
  if (line.size() > 12 && strncasecmp(line.c_str(), "retry-after:", 12) == 0) {
    std::string v = line.substr(12);
    size_t b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t\r\n");
    *retry_after = b == std::string::npos ? "" : v.substr(b, e - b + 1);
  }
  return size * n;
}

struct Attempt {
  long status = 0;  // HTTP status, 0 if no response
  CURLcode curl = CURLE_OK;
  bool aborted = false;  // the deadline passed mid-request
  std::string body, retry_after;
  std::string content_type;  // of the response
};

// One encoded request body: OTLP/JSON as logged, or its protobuf transcoding.
struct Body {
  std::string bytes;
  bool protobuf = false;
  bool gzipped = false;
};

Attempt post_once(const std::string& url, const Body& body, const ExporterConfig& cfg, const ExportDeadline& deadline) {
  Attempt a;
  auto loaded = curl_api();
  const CurlApi* api = loaded ? *loaded : nullptr;
  CURL* h = api != nullptr ? api->easy_init() : nullptr;
  if (!h) {
    a.curl = CURLE_FAILED_INIT;
    return a;
  }
  curl_slist* hdrs = nullptr;
  hdrs = api->slist_append(hdrs,
                           body.protobuf ? "Content-Type: application/x-protobuf" : "Content-Type: application/json");
  if (body.gzipped) hdrs = api->slist_append(hdrs, "Content-Encoding: gzip");
  hdrs = api->slist_append(hdrs, "Expect:");  // no 100-continue round trip
  for (const auto& [k, v] : cfg.headers) hdrs = api->slist_append(hdrs, (k + ": " + v).c_str());
  auto remaining = std::chrono::duration_cast<milliseconds>(deadline.get() - Clock::now());
  long timeout_ms = long(std::min<int64_t>(cfg.timeout.count(), std::max<int64_t>(1, remaining.count())));
  api->easy_setopt(h, CURLOPT_URL, url.c_str());
  api->easy_setopt(h, CURLOPT_POST, 1L);
  api->easy_setopt(h, CURLOPT_POSTFIELDS, body.bytes.data());
  api->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.bytes.size()));
  api->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  api->easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  api->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  api->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(h, CURLOPT_USERAGENT, "hallmark-otlp/1");
  api->easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  api->easy_setopt(h, CURLOPT_WRITEDATA, &a.body);
  api->easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
  api->easy_setopt(h, CURLOPT_HEADERDATA, &a.retry_after);
  // The multi interface lets us poll in short slices and abandon the request the moment the
  // flush deadline passes, however the socket is behaving.
  CURLM* m = api->multi_init();
  api->multi_add_handle(m, h);
  int running = 1;
  while (running) {
    if (api->multi_perform(m, &running) != CURLM_OK) break;
    if (!running) break;
    if (deadline.passed()) {
      a.aborted = true;
      break;
    }
    api->multi_poll(m, nullptr, 0, 20, nullptr);
  }
  if (!a.aborted) {
    int left = 0;
    while (CURLMsg* msg = api->multi_info_read(m, &left))
      if (msg->msg == CURLMSG_DONE) a.curl = msg->data.result;
    api->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.status);
    const char* ctype = nullptr;
    if (api->easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype != nullptr) a.content_type = ctype;
  }
  api->multi_remove_handle(m, h);
  api->multi_cleanup(m);
  api->easy_cleanup(h);
  api->slist_free_all(hdrs);
  return a;
}

bool retryable_status(long s) { return s == 429 || s == 502 || s == 503 || s == 504; }

bool retryable_curl(CURLcode c) {
  switch (c) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_PARTIAL_FILE: return true;
  default: return false;
  }
}

enum class PostOutcome { accepted, rejected, gave_up };

// A partialSuccess count (an int64, which proto3 JSON writes as a string); absent is 0. A
// value that is no count is reported, not read as 0 in silence.
int64_t json_count(const json& j, const char* key, const std::string& url, Diagnostics& diag) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && p == text.data() + text.size()) return n;
  }
  diag.warn("", "collector at " + url + " answered a partialSuccess." + key + " that is not a count (" +
                    it->dump().substr(0, 40) + ")");
  return 0;
}

// Partial success is final: the collector said why, sending again cannot help.
void note_partial_success(const std::string& url, int64_t n, const std::string& message, Diagnostics& diag,
                          size_t& rejected_items) {
  if (n <= 0) return;
  rejected_items += size_t(n);
  diag.warn("", "collector at " + url + " rejected " + std::to_string(n) + " items: " + message);
}

// OTLP/HTTP servers answer in the encoding of the request, but a proxy or an error page in
// between may not: the response's own Content-Type decides how it is read.
bool protobuf_response(const Body& sent, const Attempt& a) {
  return sent.protobuf && strncasecmp(a.content_type.c_str(), "application/x-protobuf", 22) == 0;
}

// The request body for one batch of OTLP/JSON: transcoded to protobuf when the signal's
// protocol asks for it, then gzipped when configured. A batch that does not transcode goes as
// JSON with a warning: the data matters more than its encoding.
Body encode_body(const std::string& payload, otlp::Signal signal, const ExporterConfig& cfg, const std::string& url,
                 Diagnostics& diag) {
  Body b{payload};
  OtlpProtocol protocol = signal == otlp::Signal::traces ? cfg.traces_protocol
                          : signal == otlp::Signal::logs ? cfg.logs_protocol
                                                         : cfg.metrics_protocol;
  if (protocol == OtlpProtocol::http_protobuf) {
    auto pb = otlp::json_to_protobuf(payload, signal);
    if (pb.ok()) b.bytes = std::move(*pb), b.protobuf = true;
    else
      diag.warn("",
                "cannot encode a batch for " + url + " as protobuf (" + pb.message() + "); sending it as http/json");
  }
  if (cfg.gzip) {
    std::string z = gzip(b.bytes);
    if (!z.empty()) b.bytes = std::move(z), b.gzipped = true;
  }
  return b;
}

PostOutcome post_with_retry(const std::string& url, const std::string& payload, otlp::Signal signal,
                            const ExporterConfig& cfg, const ExportDeadline& deadline, FlushStats& stats,
                            Diagnostics& diag, size_t& rejected_items) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  Body body = encode_body(payload, signal, cfg, url, diag);
  milliseconds backoff(250);
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (deadline.passed()) return PostOutcome::gave_up;
    ++stats.http_requests;
    Attempt a = post_once(url, body, cfg, deadline);
    if (a.aborted) return PostOutcome::gave_up;
    if (a.curl == CURLE_OK && a.status >= 200 && a.status < 300) {
      if (protobuf_response(body, a)) {
        auto ps = otlp::decode_export_response(a.body);
        if (ps.ok())
          note_partial_success(url, ps->rejected, ps->error_message.empty() ? "(no message)" : ps->error_message, diag,
                               rejected_items);
        else diag.warn("", "cannot read the answer of " + url + ": " + ps.message());
        return PostOutcome::accepted;
      }
      json r = json::parse(a.body, nullptr, false);
      if (r.is_object() && r.contains("partialSuccess") && r["partialSuccess"].is_object()) {
        const json& ps = r["partialSuccess"];
        note_partial_success(url,
                             json_count(ps, "rejectedSpans", url, diag) +
                                 json_count(ps, "rejectedLogRecords", url, diag) +
                                 json_count(ps, "rejectedDataPoints", url, diag),
                             ps.value("errorMessage", std::string("(no message)")), diag, rejected_items);
      }
      return PostOutcome::accepted;
    }
    bool retry = (a.curl == CURLE_OK && retryable_status(a.status)) || (a.curl != CURLE_OK && retryable_curl(a.curl));
    if (!retry) {
      std::string why = a.curl != CURLE_OK ? curl_error_text(a.curl) : "HTTP " + std::to_string(a.status);
      if (a.curl == CURLE_OK && a.status >= 400 && a.status < 500) {
        if (protobuf_response(body, a)) {
          // OTLP/HTTP: the body of a 4xx to a protobuf request is a google.rpc.Status.
          auto m = otlp::decode_status_message(a.body);
          if (m.ok() && !m->empty()) why += ": " + m->substr(0, 300);
        } else {
          json r = json::parse(a.body, nullptr, false);
          if (r.is_object() && r.contains("message") && r["message"].is_string())
            why += ": " + r["message"].get<std::string>().substr(0, 300);
        }
        diag.warn("", "collector at " + url + " refused a batch (" + why + "); not retrying");
        return PostOutcome::rejected;
      }
      diag.warn("", "cannot export to " + url + " (" + why + ")");
      return PostOutcome::gave_up;
    }
    // Full jitter around the exponential step, never shorter than what Retry-After asks.
    std::uniform_int_distribution<int64_t> jitter(backoff.count() / 2, backoff.count() * 3 / 2);
    milliseconds wait(jitter(rng));
    if (auto ra = parse_retry_after(a.retry_after, std::chrono::system_clock::now())) wait = std::max(wait, *ra);
    if (Clock::now() + wait >= deadline.get()) {
      diag.warn("",
                "giving up on " + url + " before the flush deadline (" +
                    (a.curl != CURLE_OK ? std::string(curl_error_text(a.curl)) : "HTTP " + std::to_string(a.status)) +
                    ")");
      return PostOutcome::gave_up;
    }
    deadline.sleep_until(Clock::now() + wait);
    backoff = std::min(backoff * 2, milliseconds(8000));
  }
  return PostOutcome::gave_up;
}

// Holds the export lock for the duration of one flush; polls so a busy peer never blocks us
// past the deadline.
class ExportLock {
public:
  ExportLock(const fs::path& path, const ExportDeadline& deadline) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (deadline.passed()) {
        ::close(fd_);
        fd_ = -1;
        return;
      }
      deadline.sleep_until(Clock::now() + milliseconds(20));
    }
    held_ = true;
  }
  ~ExportLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  }
  bool held() const { return held_; }

private:
  int fd_ = -1;
  bool held_ = false;
};

// The sent list: one line per exported line, "<chain digest>" or "<chain digest> rejected",
// and now and then "@done OFFSET LINES": every line of the log before byte OFFSET (LINES lines)
// is sent or rejected, so a flush reads and hashes only what follows instead of the whole log
// of a long pipeline.
struct SentList {
  std::set<std::string> digests;
  uint64_t done_offset = 0;
  size_t done_lines = 0;
};

SentList read_sent(const fs::path& path) {
  SentList out;
  auto text = read_file(path);
  if (!text.ok()) return out;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) break;
    std::string line = text->substr(pos, nl - pos);
    pos = nl + 1;
    if (line.rfind("@done ", 0) == 0) {
      unsigned long long off = 0, n = 0;
      if (std::sscanf(line.c_str() + 6, "%llu %llu", &off, &n) == 2 && off > out.done_offset) {
        out.done_offset = off;
        out.done_lines = size_t(n);
      }
      continue;
    }
    out.digests.insert(line.substr(0, std::min<size_t>(64, line.size())));
  }
  return out;
}

// The resources array of one logged request, as text: lines are `{"resourceSpans":[...]}` (or
// resourceLogs), so requests merge into one batch by joining what is inside the brackets. A line
// of any other shape is re-encoded through the parser; one that does not parse sends nothing.
std::string_view resources_of(const std::string& line, const char* field, std::string& scratch) {
  std::string prefix = std::string("{\"") + field + "\":[";
  if (line.size() >= prefix.size() + 2 && line.compare(0, prefix.size(), prefix) == 0 &&
      line.compare(line.size() - 2, 2, "]}") == 0)
    return std::string_view(line).substr(prefix.size(), line.size() - prefix.size() - 2);
  json j = json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains(field) || !j[field].is_array()) return {};
  scratch = dump_json(j[field]);
  return std::string_view(scratch).substr(1, scratch.size() - 2);
}

constexpr size_t kMaxBatchBytes = 4u << 20;
constexpr size_t kMaxBatchLines = 256;

// What is left of the log past the done mark, and what the sent list says of it.
struct PendingLog {
  SentList sent;
  std::vector<EventLine> lines;
  size_t before = 0;  // lines of the log before the first one read
};

// Warns and returns nothing when the log cannot be read.
std::optional<PendingLog> read_pending(const fs::path& log, Diagnostics& diag) {
  PendingLog p;
  p.sent = read_sent(sent_list_path(log));
  auto lines = read_event_lines(log, p.sent.done_offset);
  if (!lines.ok()) {
    diag.warn("", lines.message());
    return std::nullopt;
  }
  p.lines = std::move(lines.value());
  // The offset is ignored (and the whole log read) when it no longer fits the file.
  p.before = !p.lines.empty() && p.lines.front().offset == 0 ? 0 : p.sent.done_lines;
  return p;
}

size_t count_unsent(const PendingLog& p) {
  size_t n = 0;
  for (const auto& l : p.lines)
    if (!p.sent.digests.count(l.digest)) ++n;
  return n;
}

// One request body from todo[i] on: up to kMaxBatchLines lines and kMaxBatchBytes (a bigger line
// goes alone). Moves i past the lines taken.
std::string batch_body(const std::vector<const EventLine*>& todo, const char* field, size_t& i) {
  std::string body = std::string("{\"") + field + "\":[";
  bool empty = true;
  size_t bytes = 0, first = i;
  while (i < todo.size() && i - first < kMaxBatchLines &&
         (i == first || bytes + todo[i]->text.size() < kMaxBatchBytes)) {
    std::string scratch;
    if (std::string_view inner = resources_of(todo[i]->text, field, scratch); !inner.empty()) {
      if (!empty) body += ',';
      body += inner;
      empty = false;
    }
    bytes += todo[i]->text.size();
    ++i;
  }
  body += "]}";
  return body;
}

// Marks todo[first, end) in the sent list, one append for the batch; a line marked rejected is
// never sent again.
void record_sent(const fs::path& log, const std::vector<const EventLine*>& todo, size_t first, size_t end,
                 bool rejected, std::set<std::string>& finished, Diagnostics& diag) {
  std::string marks;
  for (size_t k = first; k < end; ++k) {
    marks += todo[k]->digest + (rejected ? " rejected\n" : "\n");
    finished.insert(todo[k]->digest);
  }
  marks.pop_back();
  Status st = append_line_locked(sent_list_path(log), marks);
  if (!st.ok()) diag.warn("", st.message());
}

// Sends one signal's unsent lines in batches. A batch the collector could not take before the
// deadline ends this signal (the rest stays unsent), not the others.
void send_signal(const fs::path& log, const PendingLog& pending, otlp::Signal signal, const ExporterConfig& cfg,
                 const ExportDeadline& deadline, FlushStats& stats, Diagnostics& diag,
                 std::set<std::string>& finished) {
  const bool traces = signal == otlp::Signal::traces, metrics = signal == otlp::Signal::metrics;
  const std::string& url = traces ? cfg.traces_url : metrics ? cfg.metrics_url : cfg.logs_url;
  std::vector<const EventLine*> todo;
  for (const auto& l : pending.lines)
    if (l.traces == traces && l.metrics == metrics && !l.digest.empty() && !pending.sent.digests.count(l.digest))
      todo.push_back(&l);
  stats.pending += todo.size();
  if (url.empty()) {
    stats.not_configured += todo.size();
    return;
  }
  const char* field = traces ? "resourceSpans" : metrics ? "resourceMetrics" : "resourceLogs";
  size_t i = 0;
  while (i < todo.size()) {
    size_t first = i;
    std::string body = batch_body(todo, field, i);
    size_t rejected_items = 0;
    PostOutcome out = post_with_retry(url, body, signal, cfg, deadline, stats, diag, rejected_items);
    if (out == PostOutcome::gave_up) {
      stats.unsent += todo.size() - first;
      return;
    }
    record_sent(log, todo, first, i, out == PostOutcome::rejected, finished, diag);
    (out == PostOutcome::accepted ? stats.sent : stats.rejected) += i - first;
  }
}

// Advances the done mark over the leading lines that are now all sent or rejected (a line
// without a chain digest can never be sent: it does not hold the mark back).
void advance_done_mark(const fs::path& log, const PendingLog& pending, const std::set<std::string>& finished,
                       Diagnostics& diag) {
  const auto& lines = pending.lines;
  size_t k = 0;
  while (k < lines.size() &&
         (lines[k].digest.empty() || pending.sent.digests.count(lines[k].digest) || finished.count(lines[k].digest)))
    ++k;
  if (k == 0) return;
  uint64_t offset = k < lines.size() ? lines[k].offset : lines[k - 1].offset + lines[k - 1].text.size() + 1;
  if (offset > pending.sent.done_offset) {
    Status st = append_line_locked(sent_list_path(log),
                                   "@done " + std::to_string(offset) + " " + std::to_string(pending.before + k));
    if (!st.ok()) diag.warn("", st.message());
  }
}

}  // namespace

FlushStats flush_event_log(const fs::path& log, const ExporterConfig& cfg, const ExportDeadline& deadline,
                           Diagnostics& diag) {
  FlushStats stats;
  if (auto api = curl_api(); !api) diag.warn("", "cannot export telemetry: " + api.message());
  std::optional<PendingLog> pending = read_pending(log, diag);
  if (!pending) return stats;
  stats.lines = pending->before + pending->lines.size();
  if (!cfg.exporting() || pending->lines.empty()) {
    stats.not_configured = count_unsent(*pending);
    return stats;
  }
  ExportLock lock(export_lock_path(log), deadline);
  if (!lock.held()) {
    diag.warn("", "another hallmark process is exporting " + log.string() + "; leaving it to that one");
    return stats;
  }
  // Re-read under the lock: a peer may have appended or exported since.
  pending = read_pending(log, diag);
  if (!pending) return stats;
  stats.lines = pending->before + pending->lines.size();
  std::set<std::string> finished;  // sent or rejected by this flush
  for (otlp::Signal signal : {otlp::Signal::traces, otlp::Signal::logs, otlp::Signal::metrics})
    send_signal(log, *pending, signal, cfg, deadline, stats, diag, finished);
  advance_done_mark(log, *pending, finished, diag);
  return stats;
}

}  // namespace hallmark
