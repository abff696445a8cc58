#include "hallmark/telemetry/otel_config.hpp"
#include "hallmark/telemetry/otlp.hpp"
#include "hallmark/telemetry/trace_context.hpp"

#include <doctest/doctest.h>

using namespace hallmark;
using nlohmann::json;

TEST_SUITE_BEGIN("telemetry");

TEST_CASE("telemetry::otlp_json_encoding_rules") {
  otlp::Span s;
  s.trace_id = "0af7651916cd43dd8448eb211c80319c";
  s.span_id = "b7ad6b7169203331";
  s.name = "build";
  s.kind = otlp::SpanKind::server;
  s.start_ns = 1764152505123000000ull;  // > 2^53: must survive as a string
  s.end_ns = 1764152506000000001ull;
  otlp::set_attribute(s.attributes, "process.pid", int64_t(9007199254740993));
  otlp::set_attribute(s.attributes, "process.command_args", std::vector<std::string>{"make", "-j2"});
  otlp::set_attribute(s.attributes, "ok", true);
  otlp::set_attribute(s.attributes, "ok", false);  // replaced, not duplicated
  s.status = otlp::StatusCode::error;
  json j = otlp::to_json(s);
  CHECK(j["traceId"] == "0af7651916cd43dd8448eb211c80319c");
  CHECK(j["kind"] == 2);  // enums are integers in OTLP/JSON
  CHECK(j["startTimeUnixNano"] == "1764152505123000000");
  CHECK(j["endTimeUnixNano"] == "1764152506000000001");
  CHECK_FALSE(j.contains("parentSpanId"));  // a root has no parent field
  CHECK(j["status"]["code"] == 2);
  CHECK(j["attributes"].size() == 3);
  CHECK(j["attributes"][0]["value"]["intValue"] == "9007199254740993");
  CHECK(j["attributes"][1]["value"]["arrayValue"]["values"][1]["stringValue"] == "-j2");
  CHECK(j["attributes"][2]["value"]["boolValue"] == false);
  s.status = otlp::StatusCode::unset;
  CHECK_FALSE(otlp::to_json(s).contains("status"));  // the default value is left out
  s.status_message = "why";
  CHECK(otlp::to_json(s)["status"] == json{{"message", "why"}});

  otlp::LogRecord l;
  l.event_name = "hallmark.step.failed";
  l.severity = otlp::Severity::error;
  l.time_ns = 5;
  l.trace_id = s.trace_id;
  l.span_id = s.span_id;
  json lj = otlp::to_json(l);
  CHECK(lj["eventName"] == "hallmark.step.failed");
  CHECK(lj["severityNumber"] == 17);
  CHECK(lj["severityText"] == "ERROR");
  CHECK(lj["timeUnixNano"] == "5");
  CHECK(lj["spanId"] == "b7ad6b7169203331");

  json req = otlp::trace_request({}, {s}, "0.1.0");
  CHECK(req["resourceSpans"][0]["scopeSpans"][0]["schemaUrl"] == "https://opentelemetry.io/schemas/1.44.0");
  CHECK(req["resourceSpans"][0]["scopeSpans"][0]["scope"]["name"] == "hallmark");
}

TEST_CASE("telemetry::traceparent_parsing") {
  auto tp = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  REQUIRE(tp);
  CHECK(tp->trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(tp->span_id == "b7ad6b7169203331");
  CHECK(tp->flags == 1);
  CHECK(format_traceparent(*tp) == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  // A future version may carry more fields after the flags.
  CHECK(parse_traceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-ever"));
  CHECK_FALSE(parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra"));
  auto upper = parse_traceparent("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01");
  REQUIRE_FALSE(upper);
  CHECK(upper.message() == "fields must be lowercase hex");
  CHECK_FALSE(parse_traceparent("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  CHECK_FALSE(parse_traceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01"));
  CHECK_FALSE(parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"));
  CHECK_FALSE(parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"));
  CHECK_FALSE(parse_traceparent("00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01"));
  CHECK_FALSE(parse_traceparent(""));
  CHECK(random_trace_id().size() == 32);
  CHECK(random_span_id() != random_span_id());
}

TEST_CASE("telemetry::trace_id_is_stable_per_ci_run") {
  CiContext a;
  a.platform = "github-actions";
  a.repository_url = "https://github.com/o/r";
  a.run_id = "42";
  a.run_attempt = "1";
  CiContext b = a;
  CHECK(derive_trace_id(a) == derive_trace_id(b));
  CHECK(derive_trace_id(a).size() == 32);
  b.run_attempt = "2";
  CHECK(derive_trace_id(a) != derive_trace_id(b));

  EnvMap env;
  CHECK(trace_id_seed(env, a) == derive_trace_id(a));
  CHECK(trace_id_seed(env, std::nullopt).empty());
  env["TRACEPARENT"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  CHECK(trace_id_seed(env, a) == "0af7651916cd43dd8448eb211c80319c");  // caller's trace wins
  env["TRACEPARENT"] = "garbage";                                      // ignored here; StepTelemetry::begin says so
  CHECK(trace_id_seed(env, a) == derive_trace_id(a));
  CHECK(root_span_id("0af7651916cd43dd8448eb211c80319c") == root_span_id("0af7651916cd43dd8448eb211c80319c"));
}

TEST_CASE("telemetry::key_value_lists_are_percent_decoded") {
  auto kv = parse_key_value_list(" a = 1 ,b=hello%20world,, c%3Dd=x%2Cy ");
  REQUIRE(kv);
  REQUIRE(kv->size() == 3);
  CHECK((*kv)[0] == std::pair<std::string, std::string>("a", "1"));
  CHECK((*kv)[1].second == "hello world");
  CHECK((*kv)[2] == std::pair<std::string, std::string>("c=d", "x,y"));
  auto missing = parse_key_value_list("a=1,b");
  REQUIRE_FALSE(missing);
  CHECK(missing.message() == "entry 'b' has no '='");
  CHECK_FALSE(parse_key_value_list("a=%zz"));
  CHECK_FALSE(parse_key_value_list("a=%4"));
  CHECK_FALSE(parse_key_value_list("=v"));
  CHECK(parse_key_value_list("")->empty());
  CHECK(percent_encode_baggage("a b,c%") == "a%20b%2Cc%25");
}

TEST_CASE("telemetry::resource_service_name_precedence") {
  Diagnostics w;
  auto name = [](const otlp::Resource& r) {
    return std::get<std::string>(*otlp::find_attribute(r.attributes, "service.name"));
  };
  CHECK(name(telemetry_resource({}, "0.1.0", w)) == "hallmark");
  EnvMap env{{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from%20attrs,deployment.environment.name=ci"}};
  auto r = telemetry_resource(env, "0.1.0", w);
  CHECK(name(r) == "from attrs");
  CHECK(std::get<std::string>(*otlp::find_attribute(r.attributes, "deployment.environment.name")) == "ci");
  env["OTEL_SERVICE_NAME"] = "svc";
  CHECK(name(telemetry_resource(env, "0.1.0", w)) == "svc");
  CHECK(w.empty());
  EnvMap bad{{"OTEL_RESOURCE_ATTRIBUTES", "service.name=x,broken"}};
  auto rb = telemetry_resource(bad, "0.1.0", w);
  CHECK(name(rb) == "hallmark");  // the whole malformed value is ignored
  REQUIRE(w.size() == 1);
  CHECK(w.lines()[0].find("OTEL_RESOURCE_ATTRIBUTES") != std::string::npos);
}

TEST_CASE("telemetry::exporter_endpoints_and_options") {
  Diagnostics w;
  TelemetryOptions o;
  CHECK_FALSE(exporter_config({}, o, w).exporting());
  EnvMap env{{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}};
  auto c = exporter_config(env, o, w);
  CHECK(c.traces_url == "http://c:4318/v1/traces");
  CHECK(c.logs_url == "http://c:4318/v1/logs");
  env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://c:4318/base/";
  env["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://l:1/custom";
  c = exporter_config(env, o, w);
  CHECK(c.traces_url == "http://c:4318/base/v1/traces");
  CHECK(c.logs_url == "http://l:1/custom");  // per-signal: used as given
  o.otlp_endpoint = "http://flag:9";
  c = exporter_config(env, o, w);
  CHECK(c.traces_url == "http://flag:9/v1/traces");
  CHECK(c.logs_url == "http://flag:9/v1/logs");
  CHECK(w.empty());
  env["OTEL_EXPORTER_OTLP_HEADERS"] = "Authorization=Bearer%20abc,x-tenant=t1";
  env["OTEL_EXPORTER_OTLP_COMPRESSION"] = "gzip";
  env["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1500";
  env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
  c = exporter_config(env, o, w);
  REQUIRE(c.headers.size() == 2);
  CHECK(c.headers[0].second == "Bearer abc");
  CHECK(c.gzip);
  CHECK(c.timeout.count() == 1500);
  CHECK(w.empty());
  CHECK(c.traces_protocol == OtlpProtocol::http_protobuf);
  CHECK(c.logs_protocol == OtlpProtocol::http_protobuf);
  o.enabled = false;
  CHECK_FALSE(exporter_config(env, o, w).exporting());
}

TEST_CASE("telemetry::exporter_protocols") {
  Diagnostics w;
  TelemetryOptions o;
  auto c = exporter_config({}, o, w);
  CHECK(c.traces_protocol == OtlpProtocol::http_json);  // hallmark's default
  CHECK(c.logs_protocol == OtlpProtocol::http_json);
  // The per-signal variable wins over the base one, in both directions.
  EnvMap env{{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}, {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json"}};
  c = exporter_config(env, o, w);
  CHECK(c.traces_protocol == OtlpProtocol::http_protobuf);
  CHECK(c.logs_protocol == OtlpProtocol::http_json);
  env = {{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"}};
  c = exporter_config(env, o, w);
  CHECK(c.traces_protocol == OtlpProtocol::http_protobuf);
  CHECK(c.logs_protocol == OtlpProtocol::http_json);
  CHECK(w.empty());
  // grpc (or anything else) is not spoken: http/json with one warning naming the variable.
  env = {{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}};
  c = exporter_config(env, o, w);
  CHECK(c.traces_protocol == OtlpProtocol::http_json);
  CHECK(c.logs_protocol == OtlpProtocol::http_json);
  REQUIRE(w.size() == 1);  // once, though both signals fell back
  CHECK(w.lines()[0].find("OTEL_EXPORTER_OTLP_PROTOCOL='grpc'") != std::string::npos);
  CHECK(w.lines()[0].find("sending http/json") != std::string::npos);
  w.clear();
  env = {{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}, {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/thrift"}};
  c = exporter_config(env, o, w);
  CHECK(c.traces_protocol == OtlpProtocol::http_json);
  CHECK(c.logs_protocol == OtlpProtocol::http_protobuf);
  REQUIRE(w.size() == 1);
  CHECK(w.lines()[0].find("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL='http/thrift'") != std::string::npos);
}

TEST_SUITE_END();
