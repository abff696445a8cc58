#include "hallmark/telemetry/otlp_protobuf.hpp"

#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace hallmark::otlp {

namespace {

using nlohmann::json;

// ---- the wire format (protobuf encoding guide, "Message Structure") ----

enum WireType : uint32_t { kVarint = 0, kI64 = 1, kLen = 2, kSGroup = 3, kEGroup = 4, kI32 = 5 };

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char(uint8_t(v) | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
}

void put_tag(std::string& out, uint32_t field, WireType type) { put_varint(out, uint64_t(field) << 3 | type); }

void put_fixed(std::string& out, uint64_t v, int bytes) {  // little-endian
  for (int i = 0; i < bytes; ++i) out.push_back(char(uint8_t(v >> (8 * i))));
}

void put_len(std::string& out, uint32_t field, std::string_view bytes) {
  put_tag(out, field, kLen);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// ---- the schema: field numbers and types from opentelemetry-proto ----

enum class Type {
  message,
  string,
  bytes,     // base64 in proto3 JSON (AnyValue.bytes_value)
  trace_id,  // bytes; OTLP/JSON writes 16 bytes as 32 hex digits
  span_id,   // bytes; 8 bytes as 16 hex digits
  fixed64,
  sfixed64,  // NumberDataPoint.as_int
  fixed32,
  uint32,
  int32,
  int64,
  enumeration,  // varint like int32, but OTLP/JSON allows only a JSON integer
  boolean,
  float64,
};

struct MessageType;

struct Field {
  const char* json;  // OTLP/JSON key: the proto field name in lowerCamelCase
  uint32_t number;
  Type type;
  const MessageType* message = nullptr;  // for Type::message
  bool repeated = false;
  bool oneof = false;  // a oneof member has presence: written even with its default value
};

struct MessageType {
  const char* name;
  std::span<const Field> fields;  // in field-number order, which is the order they are written
};

// Declared first because the messages refer to each other (AnyValue <-> ArrayValue, KeyValue).
extern const MessageType kAnyValue, kArrayValue, kKeyValueList, kKeyValue, kScope, kEntityRef, kResource, kStatus,
    kSpanEvent, kSpanLink, kSpan, kScopeSpans, kResourceSpans, kTraceRequest, kLogRecord, kScopeLogs, kResourceLogs,
    kLogsRequest;
extern const MessageType kNumberDataPoint, kHistogramDataPoint, kExemplar, kSum, kGauge, kHistogram, kMetric,
    kScopeMetrics, kResourceMetrics, kMetricsRequest;

// common/v1/common.proto
const Field kAnyValueFields[] = {
    {"stringValue", 1, Type::string, nullptr, false, true},
    {"boolValue", 2, Type::boolean, nullptr, false, true},
    {"intValue", 3, Type::int64, nullptr, false, true},
    {"doubleValue", 4, Type::float64, nullptr, false, true},
    {"arrayValue", 5, Type::message, &kArrayValue, false, true},
    {"kvlistValue", 6, Type::message, &kKeyValueList, false, true},
    {"bytesValue", 7, Type::bytes, nullptr, false, true},
    {"stringValueStrindex", 8, Type::int32, nullptr, false, true},
};
const Field kArrayValueFields[] = {{"values", 1, Type::message, &kAnyValue, true}};
const Field kKeyValueListFields[] = {{"values", 1, Type::message, &kKeyValue, true}};
const Field kKeyValueFields[] = {
    {"key", 1, Type::string},
    {"value", 2, Type::message, &kAnyValue},
    {"keyStrindex", 3, Type::int32},
};
const Field kScopeFields[] = {
    {"name", 1, Type::string},
    {"version", 2, Type::string},
    {"attributes", 3, Type::message, &kKeyValue, true},
    {"droppedAttributesCount", 4, Type::uint32},
};
const Field kEntityRefFields[] = {
    {"schemaUrl", 1, Type::string},
    {"type", 2, Type::string},
    {"idKeys", 3, Type::string, nullptr, true},
    {"descriptionKeys", 4, Type::string, nullptr, true},
};
// resource/v1/resource.proto
const Field kResourceFields[] = {
    {"attributes", 1, Type::message, &kKeyValue, true},
    {"droppedAttributesCount", 2, Type::uint32},
    {"entityRefs", 3, Type::message, &kEntityRef, true},
};
// trace/v1/trace.proto
const Field kStatusFields[] = {
    {"message", 2, Type::string},  // 1 is reserved
    {"code", 3, Type::enumeration},
};
const Field kSpanEventFields[] = {
    {"timeUnixNano", 1, Type::fixed64},
    {"name", 2, Type::string},
    {"attributes", 3, Type::message, &kKeyValue, true},
    {"droppedAttributesCount", 4, Type::uint32},
};
const Field kSpanLinkFields[] = {
    {"traceId", 1, Type::trace_id},
    {"spanId", 2, Type::span_id},
    {"traceState", 3, Type::string},
    {"attributes", 4, Type::message, &kKeyValue, true},
    {"droppedAttributesCount", 5, Type::uint32},
    {"flags", 6, Type::fixed32},
};
const Field kSpanFields[] = {
    {"traceId", 1, Type::trace_id},
    {"spanId", 2, Type::span_id},
    {"traceState", 3, Type::string},
    {"parentSpanId", 4, Type::span_id},
    {"name", 5, Type::string},
    {"kind", 6, Type::enumeration},
    {"startTimeUnixNano", 7, Type::fixed64},
    {"endTimeUnixNano", 8, Type::fixed64},
    {"attributes", 9, Type::message, &kKeyValue, true},
    {"droppedAttributesCount", 10, Type::uint32},
    {"events", 11, Type::message, &kSpanEvent, true},
    {"droppedEventsCount", 12, Type::uint32},
    {"links", 13, Type::message, &kSpanLink, true},
    {"droppedLinksCount", 14, Type::uint32},
    {"status", 15, Type::message, &kStatus},
    {"flags", 16, Type::fixed32},
};
const Field kScopeSpansFields[] = {
    {"scope", 1, Type::message, &kScope},
    {"spans", 2, Type::message, &kSpan, true},
    {"schemaUrl", 3, Type::string},
};
const Field kResourceSpansFields[] = {
    {"resource", 1, Type::message, &kResource},
    {"scopeSpans", 2, Type::message, &kScopeSpans, true},
    {"schemaUrl", 3, Type::string},
};
// collector/trace/v1/trace_service.proto
const Field kTraceRequestFields[] = {{"resourceSpans", 1, Type::message, &kResourceSpans, true}};
// logs/v1/logs.proto
const Field kLogRecordFields[] = {
    {"timeUnixNano", 1, Type::fixed64},
    {"severityNumber", 2, Type::enumeration},
    {"severityText", 3, Type::string},
    {"body", 5, Type::message, &kAnyValue},  // 4 is reserved
    {"attributes", 6, Type::message, &kKeyValue, true},
    {"droppedAttributesCount", 7, Type::uint32},
    {"flags", 8, Type::fixed32},
    {"traceId", 9, Type::trace_id},
    {"spanId", 10, Type::span_id},
    {"observedTimeUnixNano", 11, Type::fixed64},
    {"eventName", 12, Type::string},
};
const Field kScopeLogsFields[] = {
    {"scope", 1, Type::message, &kScope},
    {"logRecords", 2, Type::message, &kLogRecord, true},
    {"schemaUrl", 3, Type::string},
};
const Field kResourceLogsFields[] = {
    {"resource", 1, Type::message, &kResource},
    {"scopeLogs", 2, Type::message, &kScopeLogs, true},
    {"schemaUrl", 3, Type::string},
};
// collector/logs/v1/logs_service.proto
const Field kLogsRequestFields[] = {{"resourceLogs", 1, Type::message, &kResourceLogs, true}};

// metrics/v1/metrics.proto (the data kinds hallmark writes: gauge, sum, explicit histogram)
const Field kExemplarFields[] = {
    {"timeUnixNano", 2, Type::fixed64},
    {"asDouble", 3, Type::float64, nullptr, false, true},
    {"spanId", 4, Type::span_id},
    {"traceId", 5, Type::trace_id},
    {"asInt", 6, Type::sfixed64, nullptr, false, true},
    {"filteredAttributes", 7, Type::message, &kKeyValue, true},
};
const Field kNumberDataPointFields[] = {
    {"startTimeUnixNano", 2, Type::fixed64},
    {"timeUnixNano", 3, Type::fixed64},
    {"asDouble", 4, Type::float64, nullptr, false, true},
    {"exemplars", 5, Type::message, &kExemplar, true},
    {"asInt", 6, Type::sfixed64, nullptr, false, true},
    {"attributes", 7, Type::message, &kKeyValue, true},
    {"flags", 8, Type::uint32},
};
const Field kHistogramDataPointFields[] = {
    {"startTimeUnixNano", 2, Type::fixed64},
    {"timeUnixNano", 3, Type::fixed64},
    {"count", 4, Type::fixed64},
    // sum, min and max are proto3 `optional` (presence), but each is its own group, not one
    // oneof: the table's oneof flag would make them exclusive, so a 0.0 is left out instead.
    {"sum", 5, Type::float64},
    {"bucketCounts", 6, Type::fixed64, nullptr, true},
    {"explicitBounds", 7, Type::float64, nullptr, true},
    {"exemplars", 8, Type::message, &kExemplar, true},
    {"attributes", 9, Type::message, &kKeyValue, true},
    {"flags", 10, Type::uint32},
    {"min", 11, Type::float64},
    {"max", 12, Type::float64},
};
const Field kGaugeFields[] = {{"dataPoints", 1, Type::message, &kNumberDataPoint, true}};
const Field kSumFields[] = {
    {"dataPoints", 1, Type::message, &kNumberDataPoint, true},
    {"aggregationTemporality", 2, Type::enumeration},
    {"isMonotonic", 3, Type::boolean},
};
const Field kHistogramFields[] = {
    {"dataPoints", 1, Type::message, &kHistogramDataPoint, true},
    {"aggregationTemporality", 2, Type::enumeration},
};
const Field kMetricFields[] = {
    {"name", 1, Type::string},
    {"description", 2, Type::string},
    {"unit", 3, Type::string},
    {"gauge", 5, Type::message, &kGauge, false, true},
    {"sum", 7, Type::message, &kSum, false, true},
    {"histogram", 9, Type::message, &kHistogram, false, true},
    {"metadata", 12, Type::message, &kKeyValue, true},
};
const Field kScopeMetricsFields[] = {
    {"scope", 1, Type::message, &kScope},
    {"metrics", 2, Type::message, &kMetric, true},
    {"schemaUrl", 3, Type::string},
};
const Field kResourceMetricsFields[] = {
    {"resource", 1, Type::message, &kResource},
    {"scopeMetrics", 2, Type::message, &kScopeMetrics, true},
    {"schemaUrl", 3, Type::string},
};
// collector/metrics/v1/metrics_service.proto
const Field kMetricsRequestFields[] = {{"resourceMetrics", 1, Type::message, &kResourceMetrics, true}};
const MessageType kExemplar{"Exemplar", kExemplarFields};
const MessageType kNumberDataPoint{"NumberDataPoint", kNumberDataPointFields};
const MessageType kHistogramDataPoint{"HistogramDataPoint", kHistogramDataPointFields};
const MessageType kGauge{"Gauge", kGaugeFields};
const MessageType kSum{"Sum", kSumFields};
const MessageType kHistogram{"Histogram", kHistogramFields};
const MessageType kMetric{"Metric", kMetricFields};
const MessageType kScopeMetrics{"ScopeMetrics", kScopeMetricsFields};
const MessageType kResourceMetrics{"ResourceMetrics", kResourceMetricsFields};
const MessageType kMetricsRequest{"ExportMetricsServiceRequest", kMetricsRequestFields};

const MessageType kAnyValue{"AnyValue", kAnyValueFields};
const MessageType kArrayValue{"ArrayValue", kArrayValueFields};
const MessageType kKeyValueList{"KeyValueList", kKeyValueListFields};
const MessageType kKeyValue{"KeyValue", kKeyValueFields};
const MessageType kScope{"InstrumentationScope", kScopeFields};
const MessageType kEntityRef{"EntityRef", kEntityRefFields};
const MessageType kResource{"Resource", kResourceFields};
const MessageType kStatus{"Status", kStatusFields};
const MessageType kSpanEvent{"Span.Event", kSpanEventFields};
const MessageType kSpanLink{"Span.Link", kSpanLinkFields};
const MessageType kSpan{"Span", kSpanFields};
const MessageType kScopeSpans{"ScopeSpans", kScopeSpansFields};
const MessageType kResourceSpans{"ResourceSpans", kResourceSpansFields};
const MessageType kTraceRequest{"ExportTraceServiceRequest", kTraceRequestFields};
const MessageType kLogRecord{"LogRecord", kLogRecordFields};
const MessageType kScopeLogs{"ScopeLogs", kScopeLogsFields};
const MessageType kResourceLogs{"ResourceLogs", kResourceLogsFields};
const MessageType kLogsRequest{"ExportLogsServiceRequest", kLogsRequestFields};

// ---- JSON values -> field values ----

// A JSON integer, or a decimal string of one: proto3's JSON mapping accepts both for every
// integer type, and OTLP/JSON writes 64-bit ones as strings (JSON numbers lose precision past
// 2^53). Fractions, exponents and out-of-range values are refused.
template <class T>
std::optional<T> integer_of(const json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (std::in_range<T>(u)) return T(u);
  } else if (v.is_number_integer()) {
    auto i = v.get<int64_t>();
    if (std::in_range<T>(i)) return T(i);
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    T out{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

// A JSON number, or the strings proto3 JSON uses for what JSON cannot write.
std::optional<double> double_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return d;
  return std::nullopt;
}

// What a JSON value is, for error messages.
std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

class Encoder {
public:
  explicit Encoder(std::string& out) : out_(out) {}

  Status message(const json& obj, const MessageType& type) {
    if (!obj.is_object()) return fail("expected an object (" + std::string(type.name) + "), got " + shown(obj));
    const Field* oneof_set = nullptr;
    for (const auto& [key, value] : obj.items()) {
      const Field* f = find(type, key);
      if (!f) return fail_at(key, "unknown field of " + std::string(type.name));
      if (f->oneof && !value.is_null()) {
        if (oneof_set) return fail_at(key, std::string("a second value of one oneof (") + oneof_set->json + " is set)");
        oneof_set = f;
      }
    }
    for (const Field& f : type.fields) {
      auto it = obj.find(f.json);
      if (it == obj.end() || it->is_null()) continue;  // null: the default, in proto3 JSON
      path_.push_back({f.json, 0});
      HALLMARK_TRY(field(f, *it));
      path_.pop_back();
    }
    return ok_status();
  }

private:
  std::string& out_;
  // Where the value being encoded sits, rendered only for an error: a batch has thousands of
  // array elements, and formatting each index up front cost as much as the encoding.
  struct Step {
    const char* key;  // nullptr: an array index
    size_t index;
  };
  std::vector<Step> path_;

  std::string path() const {
    std::string p = "$";
    for (const Step& s : path_) {
      if (s.key) {
        p += '.';
        p += s.key;
      } else {
        p += '[';
        p += std::to_string(s.index);
        p += ']';
      }
    }
    return p;
  }

  static const Field* find(const MessageType& type, std::string_view key) {
    for (const Field& f : type.fields)
      if (key == f.json) return &f;
    return nullptr;
  }

  Error fail(const std::string& why) const { return make_error(path() + ": " + why); }
  Error fail_at(std::string_view key, const std::string& why) const {
    return make_error(path() + "." + std::string(key) + ": " + why);
  }

  Status field(const Field& f, const json& v) {
    if (!f.repeated) return single(f, v, f.oneof);
    if (!v.is_array()) return fail("expected an array, got " + shown(v));
    for (size_t i = 0; i < v.size(); ++i) {
      path_.push_back({nullptr, i});
      // Elements of a repeated field are all written, defaults included.
      HALLMARK_TRY(single(f, v[i], true));
      path_.pop_back();
    }
    return ok_status();
  }

  // One value of field `f`; `present`: written even when it is the type's default.
  Status single(const Field& f, const json& v, bool present) {
    switch (f.type) {
    case Type::message: return sub_message(f, v);
    case Type::string: {
      if (!v.is_string()) return fail("expected a string, got " + shown(v));
      const auto& s = v.get_ref<const std::string&>();
      if (present || !s.empty()) put_len(out_, f.number, s);
      return ok_status();
    }
    case Type::bytes: {
      auto b = v.is_string() ? base64_decode(v.get_ref<const std::string&>()) : std::nullopt;
      if (!b) return fail("expected base64 bytes, got " + shown(v));
      if (present || !b->empty()) put_len(out_, f.number, *b);
      return ok_status();
    }
    case Type::trace_id:
    case Type::span_id: return id(f, v);
    case Type::fixed64:
    case Type::sfixed64:
    case Type::fixed32:
    case Type::uint32:
    case Type::enumeration:
    case Type::int32:
    case Type::int64: return integer(f, v, present);
    case Type::boolean: {
      if (!v.is_boolean()) return fail("expected true or false, got " + shown(v));
      bool b = v.get<bool>();
      if (present || b) put_tag(out_, f.number, kVarint), put_varint(out_, b ? 1 : 0);
      return ok_status();
    }
    case Type::float64: {
      auto d = double_of(v);
      if (!d) return fail("expected a number, got " + shown(v));
      uint64_t bits = std::bit_cast<uint64_t>(*d);
      if (present || bits) put_tag(out_, f.number, kI64), put_fixed(out_, bits, 8);
      return ok_status();
    }
    }
    return fail("unhandled field type");  // unreachable: every Type is handled above
  }

  Status sub_message(const Field& f, const json& v) {
    // Length first, but the length is only known afterwards: reserve one byte (most
    // sub-messages are shorter than 128) and widen it when the content turns out longer.
    put_tag(out_, f.number, kLen);
    size_t at = out_.size();
    out_.push_back('\0');
    HALLMARK_TRY(message(v, *f.message));
    size_t len = out_.size() - at - 1;
    if (len < 0x80) {
      out_[at] = char(len);
    } else {
      std::string prefix;
      put_varint(prefix, len);
      out_.replace(at, 1, prefix);
    }
    return ok_status();
  }

  // A trace or span id: hex in JSON, raw bytes on the wire.
  Status id(const Field& f, const json& v) {
    size_t n = f.type == Type::trace_id ? 16 : 8;
    if (!v.is_string()) return fail("expected a hex id, got " + shown(v));
    const auto& hex = v.get_ref<const std::string&>();
    if (hex.empty()) return ok_status();  // unset (a root span's parent, a log outside a trace)
    auto raw = from_hex(hex);
    if (!raw || raw->size() != n) return fail("expected " + std::to_string(n * 2) + " hex digits, got " + shown(v));
    // W3C Trace Context: an all-zero id is invalid, and collectors drop what carries one.
    if (raw->find_first_not_of('\0') == std::string::npos) return fail("all-zero id");
    put_len(out_, f.number, *raw);
    return ok_status();
  }

  // The integer types, fixed-width or varint.
  Status integer(const Field& f, const json& v, bool present) {
    switch (f.type) {
    case Type::fixed64: {
      auto u = integer_of<uint64_t>(v);
      if (!u) return fail("expected an unsigned 64-bit integer, got " + shown(v));
      if (present || *u) put_tag(out_, f.number, kI64), put_fixed(out_, *u, 8);
      return ok_status();
    }
    case Type::sfixed64: {
      auto i = integer_of<int64_t>(v);
      if (!i) return fail("expected a 64-bit integer, got " + shown(v));
      if (present || *i) put_tag(out_, f.number, kI64), put_fixed(out_, uint64_t(*i), 8);
      return ok_status();
    }
    case Type::fixed32: {
      auto u = integer_of<uint32_t>(v);
      if (!u) return fail("expected an unsigned 32-bit integer, got " + shown(v));
      if (present || *u) put_tag(out_, f.number, kI32), put_fixed(out_, *u, 4);
      return ok_status();
    }
    case Type::uint32: {
      auto u = integer_of<uint32_t>(v);
      if (!u) return fail("expected an unsigned 32-bit integer, got " + shown(v));
      if (present || *u) put_tag(out_, f.number, kVarint), put_varint(out_, *u);
      return ok_status();
    }
    case Type::enumeration:
    case Type::int32: {
      // OTLP/JSON: enums are JSON integers, never names or strings.
      if (f.type == Type::enumeration && !v.is_number_integer())
        return fail("expected an integer enum value, got " + shown(v));
      auto i = integer_of<int32_t>(v);
      if (!i) return fail("expected a 32-bit integer, got " + shown(v));
      // A negative int32 is sign-extended to 64 bits: ten bytes on the wire.
      if (present || *i) put_tag(out_, f.number, kVarint), put_varint(out_, uint64_t(int64_t(*i)));
      return ok_status();
    }
    case Type::int64: {
      auto i = integer_of<int64_t>(v);
      if (!i) return fail("expected a 64-bit integer, got " + shown(v));
      if (present || *i) put_tag(out_, f.number, kVarint), put_varint(out_, uint64_t(*i));
      return ok_status();
    }
    default: break;
    }
    return fail("unhandled field type");  // unreachable: single() sends only integer types here
  }
};

// ---- reading responses ----

class Reader {
public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool done() const { return pos_ >= in_.size(); }
  size_t pos() const { return pos_; }

  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (done()) return false;
      auto b = uint8_t(in_[pos_++]);
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;  // more than ten bytes
  }
  bool bytes(std::string_view& out) {
    uint64_t n = 0;
    if (!varint(n) || n > in_.size() - pos_) return false;
    out = in_.substr(pos_, size_t(n));
    pos_ += size_t(n);
    return true;
  }
  // Unknown fields are skipped, as protobuf readers must (newer servers may add fields).
  bool skip(uint32_t type) {
    uint64_t v = 0;
    std::string_view s;
    switch (type) {
    case kVarint: return varint(v);
    case kI64: return advance(8);
    case kLen: return bytes(s);
    case kI32: return advance(4);
    default:  // groups (deprecated, unused by OTLP) and the undefined types 6 and 7
      return false;
    }
  }

private:
  std::string_view in_;
  size_t pos_ = 0;
  bool advance(size_t n) {
    if (n > in_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
};

// Calls `on(field, type, reader)` for every field of a message; `on` returns false when it did
// not consume the value, which is then skipped. nullopt on success, else what went wrong.
template <class On>
std::optional<std::string> read_message(std::string_view bytes, const char* what, On on) {
  Reader r(bytes);
  while (!r.done()) {
    size_t at = r.pos();
    uint64_t tag = 0;
    if (!r.varint(tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
      return std::string(what) + ": bad field tag at byte " + std::to_string(at);
    auto field = uint32_t(tag >> 3);
    auto type = uint32_t(tag & 7);
    auto consumed = on(field, type, r);
    if (!consumed.has_value())  // a known field with the wrong wire type, or truncated
      return std::string(what) + ": malformed field " + std::to_string(field) + " at byte " + std::to_string(at);
    if (!*consumed && !r.skip(type))
      return std::string(what) + ": cannot skip field " + std::to_string(field) + " (wire type " +
             std::to_string(type) + ") at byte " + std::to_string(at);
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> json_to_protobuf(std::string_view json_text, Signal signal) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return make_error(std::string("not OTLP/JSON: ") + e.what());
  }
  std::string out;
  out.reserve(json_text.size() / 2);
  Encoder enc(out);
  HALLMARK_TRY(enc.message(doc, signal == Signal::traces ? kTraceRequest
                                : signal == Signal::logs ? kLogsRequest
                                                         : kMetricsRequest));
  return out;
}

Result<PartialSuccess> decode_export_response(std::string_view bytes) {
  PartialSuccess ps;
  // A field that repeats is merged, as protobuf does: the last scalar wins.
  auto partial = [&ps](uint32_t field, uint32_t type, Reader& r) -> std::optional<bool> {
    uint64_t v = 0;
    std::string_view s;
    if (field == 1) {
      if (type != kVarint || !r.varint(v)) return std::nullopt;
      ps.rejected = int64_t(v);
      return true;
    }
    if (field == 2) {
      if (type != kLen || !r.bytes(s)) return std::nullopt;
      ps.error_message.assign(s);
      return true;
    }
    return false;
  };
  std::optional<std::string> inner_error;
  auto top = [&](uint32_t field, uint32_t type, Reader& r) -> std::optional<bool> {
    std::string_view s;
    if (field != 1) return false;
    if (type != kLen || !r.bytes(s)) return std::nullopt;
    if (!inner_error) inner_error = read_message(s, "partial_success", partial);
    return true;
  };
  if (auto e = read_message(bytes, "export response", top)) return make_error(*e);
  if (inner_error) return make_error("export response: " + *inner_error);
  return ps;
}

Result<std::string> decode_status_message(std::string_view bytes) {
  std::string message;
  auto on = [&message](uint32_t field, uint32_t type, Reader& r) -> std::optional<bool> {
    std::string_view s;
    if (field != 2) return false;
    if (type != kLen || !r.bytes(s)) return std::nullopt;
    message.assign(s);
    return true;
  };
  if (auto e = read_message(bytes, "google.rpc.Status", on)) return make_error(*e);
  return message;
}

}  // namespace hallmark::otlp
