#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/otlp.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include "sink.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace hallmark;
namespace fs = std::filesystem;

namespace {

nlohmann::json sample_logs(const std::string& body) {
  otlp::LogRecord l;
  l.event_name = "hallmark.test";
  l.body = body;
  l.time_ns = 1;
  return otlp::logs_request({}, {l}, "0.1.0");
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::vector<std::string> out;
  std::string text = *read_file(p);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

void write_lines(const fs::path& p, const std::vector<std::string>& lines) {
  std::string text;
  for (auto& l : lines) text += l + "\n";
  REQUIRE(write_file_atomic(p, text).ok());
}

struct Fixture {
  hmtest::TempDir tmp{"chain"};
  fs::path dir = tmp.path;
  fs::path log = dir / kEventLogName;
  void append(int n) {
    for (int i = 0; i < n; ++i) REQUIRE(append_event_request(log, sample_logs("event " + std::to_string(i))).ok());
  }
};

}  // namespace

TEST_SUITE_BEGIN("telemetry");

TEST_CASE("telemetry::hash_chain_links_lines") {
  Fixture f;
  CHECK(*event_chain_head(f.log) == kZeroDigest);
  f.append(3);
  REQUIRE(verify_event_chain(f.log).ok());
  auto lines = read_lines(f.log);
  REQUIRE(lines.size() == 3);
  // Every line is itself a complete OTLP request, carrying the chain on its first log record;
  // the resource is the same on every line (one resource per run to a backend).
  auto j = nlohmann::json::parse(lines[1]);
  auto attrs = j["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"];
  std::map<std::string, nlohmann::json> a;
  for (auto& kv : attrs) a[kv["key"]] = kv["value"];
  CHECK(a["hallmark.chain.seq"]["intValue"] == "2");
  CHECK(a["hallmark.chain.prev"]["stringValue"] == sha256_hex(lines[0]));
  CHECK(a.count("hallmark.chain.line") == 1);
  for (const auto& l : lines)
    CHECK(nlohmann::json::parse(l)["resourceLogs"][0]["resource"] == j["resourceLogs"][0]["resource"]);
  CHECK(*event_chain_head(f.log) == sha256_hex(lines[2]));
  CHECK(verify_event_chain(f.log, sha256_hex(lines[2])).ok());
  auto parsed = read_event_lines(f.log);
  REQUIRE(parsed.ok());
  CHECK(parsed->size() == 3);
  CHECK((*parsed)[2].seq == 3);
  CHECK_FALSE((*parsed)[2].traces);
}

// Lines written before the chain moved off the resource (hallmark <= 2026-11) still verify, alone
// or followed by new ones; a metrics line keeps the chain in its first metric's metadata (data
// point attributes would make every line a new time series).
TEST_CASE("telemetry::hash_chain_old_resource_lines_and_metrics") {
  Fixture f;
  otlp::LogRecord l;
  l.event_name = "hallmark.test";
  l.body = "old";
  l.time_ns = 1;
  for (int i = 0; i < 2; ++i)
    REQUIRE(append_event_request(f.log, false, [&](const otlp::Attributes& chain) {
              otlp::Resource old;
              old.attributes = chain;
              return otlp::logs_request_text(old, {l}, "0.1.0");
            }).ok());
  REQUIRE(verify_event_chain(f.log).ok());
  f.append(1);
  nlohmann::json metrics = {{"resourceMetrics",
                             {{{"resource", {{"attributes", nlohmann::json::array()}}},
                               {"scopeMetrics",
                                {{{"scope", {{"name", "hallmark"}}},
                                  {"metrics", {{{"name", "m"}, {"sum", {{"dataPoints", {{{"asInt", "1"}}}}}}}}}}}}}}}};
  REQUIRE(append_event_request(f.log, metrics).ok());
  auto st = verify_event_chain(f.log);
  CHECK_MESSAGE(st.ok(), (st.ok() ? "" : st.message()));
  auto lines = read_lines(f.log);
  REQUIRE(lines.size() == 4);
  auto m = nlohmann::json::parse(lines[3])["resourceMetrics"][0];
  CHECK(m["resource"]["attributes"].empty());
  CHECK(m["scopeMetrics"][0]["metrics"][0]["metadata"].size() == 3);
  CHECK_FALSE(m["scopeMetrics"][0]["metrics"][0]["sum"]["dataPoints"][0].contains("attributes"));
  CHECK((*read_event_lines(f.log))[3].seq == 4);
  // An old line edited is still caught.
  auto edited = lines;
  edited[0].replace(edited[0].find("\"old\""), 5, "\"new\"");
  write_lines(f.log, edited);
  CHECK_FALSE(verify_event_chain(f.log).ok());
}

TEST_CASE("telemetry::hash_chain_detects_tampering") {
  Fixture f;
  f.append(4);
  auto lines = read_lines(f.log);
  std::string head = *event_chain_head(f.log);

  SUBCASE("edit a middle line") {
    auto l = lines;
    l[1].replace(l[1].find("event 1"), 7, "event X");
    write_lines(f.log, l);
    auto st = verify_event_chain(f.log);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("line 2") != std::string::npos);
  }
  SUBCASE("edit the last line") {
    auto l = lines;
    l[3].replace(l[3].find("event 3"), 7, "event X");
    write_lines(f.log, l);
    CHECK_FALSE(verify_event_chain(f.log).ok());
  }
  SUBCASE("delete a line") {
    auto l = lines;
    l.erase(l.begin() + 1);
    write_lines(f.log, l);
    auto st = verify_event_chain(f.log);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("line 2") != std::string::npos);
  }
  SUBCASE("reorder two lines") {
    auto l = lines;
    std::swap(l[1], l[2]);
    write_lines(f.log, l);
    CHECK_FALSE(verify_event_chain(f.log).ok());
  }
  SUBCASE("truncate the tail: caught by the attested head") {
    auto l = lines;
    l.pop_back();
    write_lines(f.log, l);
    CHECK(verify_event_chain(f.log).ok());
    auto st = verify_event_chain(f.log, head);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("head") != std::string::npos);
  }
  SUBCASE("torn last line") {
    std::string text = *read_file(f.log);
    text.pop_back();
    REQUIRE(write_file_atomic(f.log, text).ok());
    CHECK_FALSE(verify_event_chain(f.log).ok());
  }
  SUBCASE("not json") {
    auto l = lines;
    l[0] = "{not json";
    write_lines(f.log, l);
    CHECK(verify_event_chain(f.log).message().find("not valid JSON") != std::string::npos);
  }
}

TEST_CASE("telemetry::hash_chain_concurrent_appenders") {
  Fixture f;
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 20; ++i) CHECK(append_event_request(f.log, sample_logs("x")).ok());
    });
  for (auto& t : ts) t.join();
  auto st = verify_event_chain(f.log);
  CHECK_MESSAGE(st.ok(), (st.ok() ? "" : st.message()));
  CHECK(read_lines(f.log).size() == 160);
}

TEST_CASE("telemetry::verify_missing_file_is_an_error") {
  auto st = verify_event_chain("/nonexistent/events.otlp.jsonl");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("/nonexistent/events.otlp.jsonl") != std::string::npos);
}

TEST_SUITE_END();
