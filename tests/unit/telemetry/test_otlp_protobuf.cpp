// The OTLP/JSON -> protobuf transcoder against bytes worked out by hand from the protobuf
// encoding guide and the field numbers of opentelemetry-proto (tag = field << 3 | wire type;
// wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32; all little-endian).
#include "hallmark/telemetry/otlp.hpp"
#include "hallmark/telemetry/otlp_protobuf.hpp"
#include "hallmark/util/hex.hpp"

#include <doctest/doctest.h>

#include <initializer_list>

using namespace hallmark;
using otlp::Signal;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(char(c));
  return s;
}

// tag + one-byte length + content: the envelopes around the part under test (all < 128 bytes).
std::string len_field(int tag, const std::string& content) {
  REQUIRE(content.size() < 128);
  return char(tag) + std::string(1, char(content.size())) + content;
}

// A request whose only content is one resource attribute: resource_logs(1) > resource(1) >
// attributes(1).
std::string with_attribute(const std::string& kv_json) {
  return R"({"resourceLogs":[{"resource":{"attributes":[)" + kv_json + "]}}]}";
}
std::string attribute_envelope(const std::string& kv_bytes) {
  return len_field(0x0a, len_field(0x0a, len_field(0x0a, kv_bytes)));
}

// The hex of the protobuf for `json` (an error message instead, so a failure shows why).
std::string pb_hex(const std::string& json, Signal signal = Signal::logs) {
  auto r = otlp::json_to_protobuf(json, signal);
  return r.ok() ? to_hex(*r) : "error: " + r.message();
}

std::string error_of(const std::string& json, Signal signal = Signal::traces) {
  auto r = otlp::json_to_protobuf(json, signal);
  return r.ok() ? std::string("(no error)") : r.message();
}

const char* kTraceId = "0af7651916cd43dd8448eb211c80319c";
const char* kSpanId = "b7ad6b7169203331";
const std::string kTraceIdBytes =
    bytes({0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c});
const std::string kSpanIdBytes = bytes({0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31});

// One span with `fields` (JSON members) inside a minimal ExportTraceServiceRequest.
std::string span_request(const std::string& fields) {
  return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{)" + fields + "}]}]}]}";
}

}  // namespace

TEST_SUITE_BEGIN("telemetry");

TEST_CASE("telemetry::protobuf_tiny_span_bytes") {
  std::string json = span_request(std::string(R"("traceId":")") + kTraceId + R"(","spanId":")" + kSpanId +
                                  R"(","name":"a","kind":1,"startTimeUnixNano":"1",)"
                                  R"("endTimeUnixNano":"1764152506000000001",)"
                                  R"("attributes":[],"flags":1,"status":{}, "parentSpanId":"")");
  std::string span = "\x0a\x10" + kTraceIdBytes +                                     // trace_id = 1, 16 raw bytes
                     "\x12\x08" + kSpanIdBytes +                                      // span_id = 2, 8 raw bytes
                     bytes({0x2a, 0x01, 'a'}) +                                       // name = 5
                     bytes({0x30, 0x01}) +                                            // kind = 6: INTERNAL
                     bytes({0x39, 1, 0, 0, 0, 0, 0, 0, 0}) +                          // start = 7, fixed64
                     bytes({0x41, 0x01, 0xc4, 0xbe, 0x79, 0x5b, 0x87, 0x7b, 0x18}) +  // end = 8
                     bytes({0x7a, 0x00}) +  // status = 15: present though empty
                     // flags = 16: the tag 16 << 3 | 5 = 133 needs two varint bytes; fixed32 1
                     bytes({0x85, 0x01, 0x01, 0x00, 0x00, 0x00});
  // No parent_span_id (""), no attributes ([]): defaults are not written.
  CHECK(span.size() == 59);
  std::string expected = len_field(0x0a, len_field(0x12, len_field(0x12, span)));
  CHECK(pb_hex(json, Signal::traces) == to_hex(expected));
  // Hex ids are case-insensitive (OTLP/JSON); the bytes are the same.
  std::string upper = json;
  upper.replace(upper.find(kTraceId), 32, "0AF7651916CD43DD8448EB211C80319C");
  CHECK(pb_hex(upper, Signal::traces) == to_hex(expected));
}

TEST_CASE("telemetry::protobuf_log_record_bytes") {
  std::string json = std::string(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{)") +
                     R"("timeUnixNano":"5","observedTimeUnixNano":"6","severityNumber":17,)"
                     R"("severityText":"ERROR","eventName":"e","body":{"stringValue":"hi"},)"
                     R"("attributes":[],"traceId":")" +
                     kTraceId + R"(","flags":1,"spanId":")" + kSpanId + R"("}]}]}]})";
  std::string record = bytes({0x09, 5, 0, 0, 0, 0, 0, 0, 0}) +      // time = 1, fixed64
                       bytes({0x10, 0x11}) +                        // severity_number = 2: 17
                       bytes({0x1a, 5, 'E', 'R', 'R', 'O', 'R'}) +  // severity_text = 3
                       bytes({0x2a, 4, 0x0a, 2, 'h', 'i'}) +        // body = 5 (4 reserved)
                       bytes({0x45, 1, 0, 0, 0}) +                  // flags = 8, fixed32
                       "\x4a\x10" + kTraceIdBytes +                 // trace_id = 9
                       "\x52\x08" + kSpanIdBytes +                  // span_id = 10
                       bytes({0x59, 6, 0, 0, 0, 0, 0, 0, 0}) +      // observed = 11
                       bytes({0x62, 1, 'e'});                       // event_name = 12
  CHECK(pb_hex(json) == to_hex(len_field(0x0a, len_field(0x12, len_field(0x12, record)))));
}

TEST_CASE("telemetry::protobuf_any_values") {
  auto kv = [](const char* json_value) {
    return pb_hex(with_attribute(std::string(R"({"key":"k","value":)") + json_value + "}"));
  };
  auto expect = [](std::string any) {  // KeyValue{key = 1 "k", value = 2 any}
    return to_hex(attribute_envelope(bytes({0x0a, 1, 'k'}) + len_field(0x12, any)));
  };
  // int_value = 3: a negative int64 is ten varint bytes (two's complement, no zigzag).
  CHECK(kv(R"({"intValue":"-1"})") ==
        expect(bytes({0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})));
  CHECK(kv(R"({"intValue":"-9223372036854775808"})") ==
        expect(bytes({0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})));
  CHECK(kv(R"({"intValue":"300"})") == expect(bytes({0x18, 0xac, 0x02})));
  CHECK(kv(R"({"intValue":42})") == expect(bytes({0x18, 42})));  // a JSON number is accepted too
  // A oneof member is written even when it holds the default value.
  CHECK(kv(R"({"intValue":"0"})") == expect(bytes({0x18, 0x00})));
  CHECK(kv(R"({"boolValue":false})") == expect(bytes({0x10, 0x00})));
  CHECK(kv(R"({"boolValue":true})") == expect(bytes({0x10, 0x01})));
  CHECK(kv(R"({"stringValue":""})") == expect(bytes({0x0a, 0x00})));
  // double_value = 4: fixed64 of the IEEE-754 bits.
  CHECK(kv(R"({"doubleValue":1.5})") == expect(bytes({0x21, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f})));
  CHECK(kv(R"({"doubleValue":-2.25})") == expect(bytes({0x21, 0, 0, 0, 0, 0, 0, 0x02, 0xc0})));
  CHECK(kv(R"({"doubleValue":"Infinity"})") == expect(bytes({0x21, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f})));
  // array_value = 5: ArrayValue{values = 1 [AnyValue...]}
  CHECK(kv(R"({"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"300"}]}})") ==
        expect(len_field(0x2a, len_field(0x0a, bytes({0x0a, 1, 'x'})) + len_field(0x0a, bytes({0x18, 0xac, 0x02})))));
  CHECK(kv(R"({"arrayValue":{}})") == expect(bytes({0x2a, 0x00})));
  // kvlist_value = 6: KeyValueList{values = 1 [KeyValue...]}
  CHECK(kv(R"({"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}})") ==
        expect(len_field(0x32, len_field(0x0a, bytes({0x0a, 1, 'k', 0x12, 2, 0x10, 1})))));
  // bytes_value = 7: base64 in JSON, raw on the wire.
  CHECK(kv(R"({"bytesValue":"AQI="})") == expect(bytes({0x3a, 2, 1, 2})));
  // An empty AnyValue (no member set) is still a present value field.
  CHECK(kv("{}") == expect(""));
}

TEST_CASE("telemetry::protobuf_varint_and_length_boundaries") {
  // Resource.dropped_attributes_count = 2 (uint32): varint bytes at 7-bit boundaries.
  auto dropped = [](const char* n) {
    return pb_hex(std::string(R"({"resourceLogs":[{"resource":{"droppedAttributesCount":)") + n + "}}]}");
  };
  auto expect = [](std::string v) { return to_hex(len_field(0x0a, len_field(0x0a, "\x10" + v))); };
  CHECK(dropped("1") == expect(bytes({0x01})));
  CHECK(dropped("127") == expect(bytes({0x7f})));
  CHECK(dropped("128") == expect(bytes({0x80, 0x01})));
  CHECK(dropped("16383") == expect(bytes({0xff, 0x7f})));
  CHECK(dropped("16384") == expect(bytes({0x80, 0x80, 0x01})));
  CHECK(dropped("4294967295") == expect(bytes({0xff, 0xff, 0xff, 0xff, 0x0f})));
  CHECK(dropped("0") == to_hex(len_field(0x0a, len_field(0x0a, ""))));  // default: omitted
  CHECK(dropped("4294967296").find("error: $.resourceLogs[0].resource.droppedAttributesCount: ") == 0);
  CHECK(dropped("-1").find("error: ") == 0);

  // Lengths: 127 fits one byte, 128 takes two; a sub-message past 127 bytes gets a two-byte
  // length in front of it too (the encoder widens the one byte it reserved).
  auto schema = [](size_t n) {
    return otlp::json_to_protobuf(R"({"resourceLogs":[{"schemaUrl":")" + std::string(n, 'u') + R"("}]})", Signal::logs);
  };
  auto s127 = schema(127), s128 = schema(128);
  REQUIRE(s127.ok());
  REQUIRE(s128.ok());
  // resource_logs = 1 { schema_url = 3 }: the inner message is 1 + 1 + 127 = 129 bytes long,
  // so its own length (0x81 0x01) already takes two bytes.
  CHECK(to_hex(s127->substr(0, 5)) == "0a81011a7f");
  CHECK(s127->size() == 3 + 2 + 127);
  CHECK(to_hex(s128->substr(0, 6)) == "0a83011a8001");  // 1 + 2 + 128 = 131 = 0x83 0x01
  CHECK(s128->size() == 3 + 3 + 128);
}

TEST_CASE("telemetry::protobuf_of_what_hallmark_writes") {
  // The real encoder's output (resource, scope, schema URLs, every attribute kind) transcodes,
  // and the pieces land under the right field numbers.
  otlp::Resource res;
  otlp::set_attribute(res.attributes, "service.name", std::string("ci"));
  otlp::Span s;
  s.trace_id = kTraceId;
  s.span_id = kSpanId;
  s.parent_span_id = "00f067aa0ba902b7";
  s.trace_state = "k=v";
  s.name = "build";
  s.kind = otlp::SpanKind::server;
  s.start_ns = 1764152505123000000ull;
  s.end_ns = 1764152506000000001ull;
  otlp::set_attribute(s.attributes, "n", int64_t(-5));
  otlp::set_attribute(s.attributes, "d", 0.25);
  otlp::set_attribute(s.attributes, "b", false);
  otlp::set_attribute(s.attributes, "a", std::vector<std::string>{"x", "y"});
  s.status = otlp::StatusCode::error;
  s.status_message = "boom";
  auto pb = otlp::json_to_protobuf(otlp::trace_request_text(res, {s}, "0.1.0"), Signal::traces);
  REQUIRE_MESSAGE(pb.ok(), pb.message());
  std::string hex = to_hex(*pb);
  CHECK(hex.find("0a10" + to_hex(kTraceIdBytes)) != std::string::npos);
  CHECK(hex.find("220800f067aa0ba902b7") != std::string::npos);                // parent_span_id = 4
  CHECK(hex.find("1a03" + to_hex("k=v")) != std::string::npos);                // trace_state = 3
  CHECK(hex.find("7a081204" + to_hex("boom") + "1802") != std::string::npos);  // status
  CHECK(hex.find("0a0868616c6c6d61726b") != std::string::npos);                // scope.name = 1 "hallmark"

  otlp::LogRecord l;
  l.time_ns = 7;
  l.event_name = "hallmark.step.failed";
  l.severity = otlp::Severity::error;
  l.body = "failed";
  otlp::set_attribute(l.attributes, "exit", int64_t(2));
  auto lpb = otlp::json_to_protobuf(otlp::logs_request_text(res, {l}, "0.1.0"), Signal::logs);
  REQUIRE_MESSAGE(lpb.ok(), lpb.message());
  // A log outside a trace has no ids and no flags.
  CHECK(to_hex(*lpb).find("4a10") == std::string::npos);
}

TEST_CASE("telemetry::protobuf_errors_name_the_json_path") {
  auto span = [](const std::string& fields) { return error_of(span_request(fields)); };
  const std::string at = "$.resourceSpans[0].scopeSpans[0].spans[0].";
  CHECK(span(R"("traceId":"xyz")") == at + R"(traceId: expected 32 hex digits, got "xyz")");
  CHECK(span(std::string(R"("traceId":")") + kSpanId + "\"").find(at + "traceId: ") == 0);
  CHECK(span(std::string(R"("spanId":")") + kTraceId + "\"").find(at + "spanId: ") == 0);
  CHECK(span(R"("spanId":"b7ad6b716920333g")").find(at + "spanId: ") == 0);
  CHECK(span(R"("parentSpanId":"0000000000000000")") == at + "parentSpanId: all-zero id");
  CHECK(span(R"("traceId":7)").find(at + "traceId: expected a hex id") == 0);
  CHECK(span(R"("startTimeUnixNano":"12a")").find(at + "startTimeUnixNano: ") == 0);
  CHECK(span(R"("startTimeUnixNano":"-1")").find(at + "startTimeUnixNano: ") == 0);
  CHECK(span(R"("startTimeUnixNano":"")").find(at + "startTimeUnixNano: ") == 0);
  CHECK(span(R"("startTimeUnixNano":1.5)").find(at + "startTimeUnixNano: ") == 0);
  CHECK(span(R"("startTimeUnixNano":"18446744073709551616")").find(at + "startTimeUnixNano: ") == 0);
  CHECK(span(R"("kind":"SPAN_KIND_SERVER")").find(at + "kind: expected an integer enum") == 0);
  CHECK(span(R"("name":5)").find(at + "name: expected a string") == 0);
  CHECK(span(R"("flags":-1)").find(at + "flags: ") == 0);
  CHECK(span(R"("status":{"code":"2"})").find(at + "status.code: ") == 0);
  CHECK(span(R"("status":{"reason":"x"})") == at + "status.reason: unknown field of Status");
  CHECK(span(R"("trace_id":"x")") == at + "trace_id: unknown field of Span");  // not camelCase
  CHECK(span(R"("futureField":1)") == at + "futureField: unknown field of Span");
  CHECK(span(R"("attributes":{})").find(at + "attributes: expected an array") == 0);
  CHECK(span(R"("attributes":[{"key":"k","value":{"intValue":"12a"}}])") ==
        at + R"(attributes[0].value.intValue: expected a 64-bit integer, got "12a")");
  CHECK(span(R"("attributes":[{"key":"k","value":{"intValue":"9223372036854775808"}}])")
            .find(at + "attributes[0].value.intValue: ") == 0);
  CHECK(span(R"("attributes":[{"key":"k","value":{"stringValue":"a","intValue":"1"}}])")
            .find(at + "attributes[0].value.") == 0);  // two members of one oneof
  CHECK(span(R"("attributes":[{"key":"k","value":{"doubleValue":"fast"}}])")
            .find(at + "attributes[0].value.doubleValue: ") == 0);
  CHECK(
      span(R"("attributes":[{"key":"k","value":{"bytesValue":"!!"}}])").find(at + "attributes[0].value.bytesValue: ") ==
      0);
  CHECK(span(R"("attributes":[{"key":"k","value":{"arrayValue":{"values":[{"boolValue":1}]}}}])")
            .find(at + "attributes[0].value.arrayValue.values[0].boolValue: ") == 0);
  // The request must be the signal's: logs sent to the traces endpoint are an error, not a
  // silently empty trace request.
  CHECK(error_of(R"({"resourceLogs":[]})", Signal::traces) ==
        "$.resourceLogs: unknown field of ExportTraceServiceRequest");
  CHECK(error_of(R"({"resourceSpans":{}})").find("$.resourceSpans: expected an array") == 0);
  CHECK(error_of(R"([1])").find("$: expected an object") == 0);
  CHECK(error_of("{\"resourceSpans\":[").find("not OTLP/JSON") == 0);
  CHECK(error_of("{}") == "(no error)");  // an empty request is valid (and empty bytes)
}

TEST_CASE("telemetry::protobuf_export_response_decoding") {
  auto decode = [](const std::string& b) { return otlp::decode_export_response(b); };
  auto empty = decode("");
  REQUIRE(empty.ok());  // full success: an empty message
  CHECK(empty->rejected == 0);
  CHECK(empty->error_message.empty());
  // partial_success = 1 { rejected = 1: 3, error_message = 2: "bad" }
  auto ps = decode(bytes({0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 'b', 'a', 'd'}));
  REQUIRE(ps.ok());
  CHECK(ps->rejected == 3);
  CHECK(ps->error_message == "bad");
  // Unknown fields of every wire type are skipped, at both levels.
  auto future = decode(bytes({0x10, 0x05,                            // 2: varint
                              0x19, 1,    2,    3,   4, 5, 6, 7, 8,  // 3: fixed64
                              0x0a, 0x0f,                            // partial_success
                              0x1a, 0x01, 'x',                       // 3: bytes
                              0x25, 1,    2,    3,   4,              // 4: fixed32
                              0x08, 0xac, 0x02,                      // rejected: 300
                              0x12, 0x02, 'n',  'o',                 // error_message
                              0x2d, 9,    9,    9,   9}));           // 5: fixed32
  REQUIRE_MESSAGE(future.ok(), future.message());
  CHECK(future->rejected == 300);
  CHECK(future->error_message == "no");
  CHECK_FALSE(decode(bytes({0x0a, 0x05, 0x08})).ok());        // truncated sub-message
  CHECK_FALSE(decode(bytes({0x0a, 0x02, 0x08, 0x80})).ok());  // truncated varint
  CHECK_FALSE(decode(bytes({0x0b, 0x0c})).ok());              // a group: not OTLP
  CHECK_FALSE(decode(bytes({0x08, 0x01})).ok());              // partial_success not a message
  CHECK_FALSE(decode(bytes({0x00, 0x01})).ok());              // field number 0
  CHECK_FALSE(decode(std::string(11, '\xff')).ok());          // an eleven-byte varint
  CHECK_FALSE(decode(bytes({0x19, 1, 2, 3})).ok());           // fixed64 cut short

  // google.rpc.Status { code = 1, message = 2, details = 3 }
  auto st = otlp::decode_status_message(bytes({0x08, 0x03, 0x12, 0x05, 'o', 'o', 'p', 's', '!', 0x1a, 0x00}));
  REQUIRE(st.ok());
  CHECK(*st == "oops!");
}

TEST_SUITE_END();
