// OTLP/HTTP export of the event log (libcurl, http/json or http/protobuf, optional gzip). The
// event log is the source of truth: the exporter sends the lines not yet listed in
// events.otlp.sent (their chain digests), merging lines of one signal into batched requests, and
// appends what the collector took to that file. With http/protobuf each batch is transcoded from
// its JSON just before it is sent (otlp_protobuf.hpp); one that does not transcode goes as JSON.
// One process at a time exports (flock on events.otlp.export.lock), so each line reaches the
// collector exactly once even when parallel steps flush together.
// Retries: only 429/502/503/504 and dropped/refused connections, with jittered exponential
// backoff that honours Retry-After; 400 and partial success are final (counts are reported).
// Everything is bounded by an ExportDeadline that the caller can tighten at any time.
#pragma once

#include "hallmark/telemetry/otel_config.hpp"
#include "hallmark/util/result.hpp"

#include "hallmark/util/diagnostics.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace hallmark {

// A deadline shared between the exporter thread and the thread that sets it.
class ExportDeadline {
public:
  using Clock = std::chrono::steady_clock;
  void set(Clock::time_point at);
  Clock::time_point get() const;
  bool passed() const { return Clock::now() >= get(); }
  // Sleeps until `until` or the deadline, whichever is first; wakes early when set() moves it.
  void sleep_until(Clock::time_point until) const;

private:
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  Clock::time_point at_ = Clock::time_point::max();
};

struct FlushStats {
  size_t lines = 0;     // lines in the log
  size_t pending = 0;   // not yet exported when the flush started
  size_t sent = 0;      // accepted by the collector now
  size_t rejected = 0;  // answered 400 (or partially rejected): never re-sent
  size_t unsent = 0;    // still to send (collector down or hung, deadline reached)
  // Of a signal this configuration does not export (no endpoint, OTEL_<SIGNAL>_EXPORTER=none,
  // OTEL_SDK_DISABLED): kept in the log for a later flush, but nothing failed, so no warning.
  size_t not_configured = 0;
  size_t http_requests = 0;
  bool already_closed = false;  // close_run_telemetry: the run span was in the log already
};

// Sends what is pending in `log` to the configured endpoints before `deadline`. What went wrong
// (a collector down, a batch refused) is reported into `diag`; the counts are the result.
FlushStats flush_event_log(const std::filesystem::path& log, const ExporterConfig& config,
                           const ExportDeadline& deadline, Diagnostics& diag);

// Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); nullopt when unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);

// The sidecar files next to the log.
std::filesystem::path sent_list_path(const std::filesystem::path& log);
std::filesystem::path export_lock_path(const std::filesystem::path& log);

}  // namespace hallmark
