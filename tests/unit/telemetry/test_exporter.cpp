#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/exporter.hpp"
#include "hallmark/telemetry/otlp.hpp"
#include "hallmark/util/atomic_file.hpp"

#include "sink.hpp"

#include <doctest/doctest.h>

using namespace hallmark;
namespace fs = std::filesystem;
using Clock = ExportDeadline::Clock;

namespace {

struct Log {
  hmtest::TempDir tmp{"exp"};
  fs::path dir = tmp.path;
  fs::path log = dir / kEventLogName;
  void add_span(const std::string& name) {
    otlp::Span s;
    s.trace_id = "0af7651916cd43dd8448eb211c80319c";
    s.span_id = "b7ad6b7169203331";
    s.name = name;
    s.start_ns = 1;
    s.end_ns = 2;
    REQUIRE(append_event_request(log, otlp::trace_request({}, {s}, "0.1.0")).ok());
  }
  void add_log(const std::string& name) {
    otlp::LogRecord l;
    l.event_name = name;
    l.time_ns = 1;
    l.trace_id = "0af7651916cd43dd8448eb211c80319c";
    l.span_id = "b7ad6b7169203331";
    REQUIRE(append_event_request(log, otlp::logs_request({}, {l}, "0.1.0")).ok());
  }
};

ExporterConfig config_for(const std::string& base, OtlpProtocol protocol = OtlpProtocol::http_json) {
  ExporterConfig c;
  c.traces_url = base + "/v1/traces";
  c.logs_url = base + "/v1/logs";
  c.timeout = std::chrono::milliseconds(3000);
  c.traces_protocol = c.logs_protocol = protocol;
  return c;
}

// The counts and, as lines, what the flush reported.
struct Flushed : FlushStats {
  std::vector<std::string> warnings;
};

Flushed flush(const Log& l, const ExporterConfig& c, int ms = 5000) {
  ExportDeadline d;
  d.set(Clock::now() + std::chrono::milliseconds(ms));
  Diagnostics diag;
  Flushed out{flush_event_log(l.log, c, d, diag), {}};
  out.warnings = diag.lines();
  return out;
}

// Items (spans or log records) whose `field` is `value`, over every request the sink received.
int count_items(const std::vector<nlohmann::json>& got, const char* resources, const char* scopes, const char* items,
                const char* field, const std::string& value) {
  int n = 0;
  for (auto& r : got)
    if (r.contains("request") && r["request"].contains(resources))
      for (auto& res : r["request"][resources])
        for (auto& scope : res[scopes])
          for (auto& item : scope[items]) n += item[field] == value;
  return n;
}

int count_logs(const std::vector<nlohmann::json>& got, const std::string& event_name) {
  return count_items(got, "resourceLogs", "scopeLogs", "logRecords", "eventName", event_name);
}

int count_spans(const std::vector<nlohmann::json>& got, const std::string& name) {
  return count_items(got, "resourceSpans", "scopeSpans", "spans", "name", name);
}

}  // namespace

TEST_SUITE_BEGIN("telemetry");

TEST_CASE("telemetry::retry_after_forms") {
  auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(parse_retry_after("3", now)->count() == 3000);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now)->count() == 3000);
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("1 2", now));
  CHECK_FALSE(parse_retry_after("   ", now));
  // Too large to be a hint worth waiting for (and to multiply by 1000): one day.
  CHECK(parse_retry_after("99999999999999999999", now)->count() == 86400000);
  CHECK_FALSE(parse_retry_after("", now));
}

TEST_CASE("telemetry::export_to_strict_sink_exactly_once") {
  test::OtlpSink sink;
  REQUIRE(sink.port() > 0);
  Log l;
  l.add_span("a");
  l.add_log("hallmark.test");
  l.add_span("b");
  auto st = flush(l, config_for(sink.base()));
  CHECK(st.sent == 3);
  CHECK(st.unsent == 0);
  CHECK(st.http_requests == 2);  // one batch per signal
  auto again = flush(l, config_for(sink.base()));
  CHECK(again.sent == 0);
  CHECK(again.pending == 0);
  auto got = sink.received();
  REQUIRE(got.size() == 2);
  for (auto& r : got) CHECK_MESSAGE(!r.contains("error"), r.dump());
  CHECK(count_spans(got, "a") == 1);
  CHECK(count_spans(got, "b") == 1);
  CHECK(got[0]["encoding"] == "json");
}

TEST_CASE("telemetry::export_skips_what_is_done") {
  // After a flush the sent list carries "@done OFFSET LINES": the next flush reads only the
  // lines after it, still counts the whole log, and sends each new line once.
  test::OtlpSink sink;
  Log l;
  l.add_span("a");
  l.add_span("b");
  REQUIRE(flush(l, config_for(sink.base())).sent == 2);
  auto sent_text = read_file(sent_list_path(l.log));
  REQUIRE(sent_text.ok());
  CHECK(sent_text->find("@done " + std::to_string(fs::file_size(l.log)) + " 2\n") != std::string::npos);
  l.add_span("c");
  auto st = flush(l, config_for(sink.base()));
  CHECK(st.pending == 1);
  CHECK(st.sent == 1);
  CHECK(st.lines == 3);
  CHECK(count_spans(sink.received(), "a") == 1);
  CHECK(count_spans(sink.received(), "c") == 1);
  // A log replaced by a shorter one: the mark no longer fits, the whole file is read again.
  fs::remove(l.log);
  l.add_span("d");
  auto fresh = flush(l, config_for(sink.base()));
  CHECK(fresh.lines == 1);
  CHECK(fresh.sent == 1);
  CHECK(count_spans(sink.received(), "d") == 1);
}

TEST_CASE("telemetry::export_gzip") {
  test::OtlpSink sink;
  REQUIRE(sink.port() > 0);
  Log l;
  l.add_span("zipped");
  auto c = config_for(sink.base());
  c.gzip = true;
  CHECK(flush(l, c).sent == 1);
  auto got = sink.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["gzip"] == true);
  CHECK(count_spans(got, "zipped") == 1);
}

TEST_CASE("telemetry::export_protobuf") {
  // The strict sink decodes application/x-protobuf with the official schema; what it decoded
  // must be what the log holds, for both signals, plain and gzipped.
  for (bool zipped : {false, true}) {
    CAPTURE(zipped);
    test::OtlpSink sink;
    REQUIRE(sink.port() > 0);
    Log l;
    l.add_span("a");
    l.add_log("hallmark.test");
    l.add_span("b");
    auto c = config_for(sink.base(), OtlpProtocol::http_protobuf);
    c.gzip = zipped;
    auto st = flush(l, c);
    CHECK(st.sent == 3);
    CHECK(st.rejected == 0);
    CHECK(st.http_requests == 2);
    CHECK(st.warnings.empty());
    auto got = sink.received();
    REQUIRE(got.size() == 2);
    for (auto& r : got) {
      CHECK_MESSAGE(!r.contains("error"), r.dump());
      CHECK(r["encoding"] == "protobuf");
      CHECK(r["gzip"] == zipped);
    }
    CHECK(count_spans(got, "a") == 1);
    CHECK(count_spans(got, "b") == 1);
    CHECK(count_logs(got, "hallmark.test") == 1);
    auto span = got[0]["request"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    CHECK(span["traceId"] == "0af7651916cd43dd8448eb211c80319c");
    CHECK(span["spanId"] == "b7ad6b7169203331");
    CHECK(span["startTimeUnixNano"] == "1");
  }
}

TEST_CASE("telemetry::export_protobuf_per_signal") {
  test::OtlpSink sink;
  Log l;
  l.add_span("a");
  l.add_log("hallmark.test");
  auto c = config_for(sink.base());
  c.logs_protocol = OtlpProtocol::http_protobuf;
  CHECK(flush(l, c).sent == 2);
  auto got = sink.received();
  REQUIRE(got.size() == 2);
  CHECK(got[0]["path"] == "/v1/traces");
  CHECK(got[0]["encoding"] == "json");
  CHECK(got[1]["path"] == "/v1/logs");
  CHECK(got[1]["encoding"] == "protobuf");
}

TEST_CASE("telemetry::export_protobuf_falls_back_to_json") {
  // A line the transcoder refuses (here a field it does not know) is not lost: that batch goes
  // as JSON with a warning; a lenient collector, as the OTLP spec asks, ignores the field.
  test::OtlpSink sink({"--lenient"});
  REQUIRE(sink.port() > 0);
  Log l;
  otlp::Span s;
  s.trace_id = "0af7651916cd43dd8448eb211c80319c";
  s.span_id = "b7ad6b7169203331";
  s.name = "future";
  s.start_ns = 1;
  s.end_ns = 2;
  auto req = otlp::trace_request({}, {s}, "0.1.0");
  req["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["futureField"] = 1;
  REQUIRE(append_event_request(l.log, req).ok());
  l.add_log("hallmark.test");
  auto st = flush(l, config_for(sink.base(), OtlpProtocol::http_protobuf));
  CHECK(st.sent == 2);
  REQUIRE(st.warnings.size() == 1);
  CHECK(st.warnings[0].find("as protobuf") != std::string::npos);
  CHECK(st.warnings[0].find("spans[0].futureField: unknown field of Span") != std::string::npos);
  auto got = sink.received();
  REQUIRE(got.size() == 2);
  CHECK(got[0]["encoding"] == "json");  // the batch that did not transcode
  CHECK(got[1]["encoding"] == "protobuf");
  CHECK(count_spans(got, "future") == 1);
}

TEST_CASE("telemetry::export_retries_503_then_delivers_once") {
  test::OtlpSink sink({"--fail-first", "2"});
  REQUIRE(sink.port() > 0);
  Log l;
  l.add_span("retried");
  auto st = flush(l, config_for(sink.base()), 10000);  // Retry-After: 1 twice
  CHECK(st.sent == 1);
  CHECK(st.http_requests == 3);
  auto got = sink.received();
  REQUIRE(got.size() == 3);
  CHECK(got[0]["refused"] == 503);
  CHECK(got[1]["refused"] == 503);
  CHECK(count_spans(got, "retried") == 1);
}

TEST_CASE("telemetry::export_400_is_not_retried") {
  test::OtlpSink sink;
  REQUIRE(sink.port() > 0);
  Log l;
  auto req = otlp::trace_request({}, {}, "0.1.0");
  req["resourceSpans"][0]["bogusField"] = 1;  // the strict sink refuses unknown fields with 400
  REQUIRE(append_event_request(l.log, req).ok());
  auto st = flush(l, config_for(sink.base()));
  CHECK(st.http_requests == 1);
  CHECK(st.rejected == 1);
  CHECK(st.sent == 0);
  REQUIRE_FALSE(st.warnings.empty());
  CHECK(st.warnings[0].find("not retrying") != std::string::npos);
  CHECK(flush(l, config_for(sink.base())).http_requests == 0);  // never sent again
}

TEST_CASE("telemetry::export_collector_down_respects_deadline") {
  int port = 0;
  {
    test::OtlpSink gone;  // learn a free port, then stop the sink
    port = gone.port();
  }
  REQUIRE(port > 0);
  Log l;
  l.add_span("kept");
  auto t0 = Clock::now();
  auto st = flush(l, config_for("http://127.0.0.1:" + std::to_string(port)), 1500);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  CHECK(took < 1800);
  CHECK(st.sent == 0);
  CHECK(st.unsent == 1);
  // Still there for a later `hallmark telemetry flush`.
  test::OtlpSink back;
  CHECK(flush(l, config_for(back.base())).sent == 1);
}

TEST_SUITE_END();
