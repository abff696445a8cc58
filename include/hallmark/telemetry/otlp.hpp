// The OTLP data model hallmark emits (spans, log records, resource) and its OTLP/JSON encoding.
// Encoding follows the OTLP/JSON rules of the OTLP specification: lowerCamelCase field names,
// trace/span ids as lowercase hex (not base64), enums as integers, 64-bit integers (times,
// intValue) as decimal strings. One ExportTraceServiceRequest or ExportLogsServiceRequest is
// written per call; the event log stores each on one line and the exporter posts them as they are.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace hallmark::otlp {

// Semantic conventions release the attribute names follow (docs/telemetry.md).
inline constexpr const char* kSchemaUrl = "https://opentelemetry.io/schemas/1.44.0";
inline constexpr const char* kScopeName = "hallmark";

using Value = std::variant<std::string, int64_t, double, bool, std::vector<std::string>>;

struct KeyValue {
  std::string key;
  Value value;
};
using Attributes = std::vector<KeyValue>;

// Sets or replaces `key`: later values win, so callers can layer defaults and overrides.
void set_attribute(Attributes& attrs, const std::string& key, Value value);
const Value* find_attribute(const Attributes& attrs, const std::string& key);

// opentelemetry.proto.trace.v1.Span.SpanKind
enum class SpanKind : int { unspecified = 0, internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
// opentelemetry.proto.trace.v1.Status.StatusCode
enum class StatusCode : int { unset = 0, ok = 1, error = 2 };

struct Span {
  std::string trace_id, span_id, parent_span_id;  // hex; parent empty for a root
  std::string trace_state;
  std::string name;
  SpanKind kind = SpanKind::internal;
  uint64_t start_ns = 0, end_ns = 0;
  Attributes attributes;
  StatusCode status = StatusCode::unset;
  std::string status_message;
};

// opentelemetry.proto.logs.v1.SeverityNumber (the values hallmark uses).
enum class Severity : int { info = 9, warn = 13, error = 17 };
const char* severity_text(Severity s);

struct LogRecord {
  uint64_t time_ns = 0, observed_ns = 0;
  Severity severity = Severity::info;
  std::string event_name;  // stable, namespaced, no dynamic parts: "hallmark.network.connect"
  std::string body;        // short human text; every value a SIEM maps is an attribute too
  Attributes attributes;
  std::string trace_id, span_id;
};

struct Resource {
  Attributes attributes;
};

// OTLP/JSON text, written directly (a process-detail step has thousands of spans: no DOM).
// Invalid UTF-8 in any string becomes U+FFFD (util/json_text.hpp).
void attribute_into(std::string& out, const KeyValue& kv);  // {"key":..,"value":{..}}
void append_json(std::string& out, const Span& s);
void append_json(std::string& out, const LogRecord& r);

// Whole export requests on one line, with the scope (name hallmark, version) and schemaUrl set.
// `chain` (the event log's per-line fields) is appended to the first span's or log record's
// attributes (to the resource's only when there is none), so that the resource stays the same
// on every line of a run.
std::string trace_request_text(const Resource& resource, const std::vector<Span>& spans,
                               const std::string& scope_version, const Attributes& chain = {});
std::string logs_request_text(const Resource& resource, const std::vector<LogRecord>& logs,
                              const std::string& scope_version, const Attributes& chain = {});

// The same as JSON documents (parsed from the text above), for tests and inspection.
nlohmann::json to_json(const Value& v);       // an AnyValue
nlohmann::json to_json(const Attributes& a);  // repeated KeyValue
nlohmann::json to_json(const Span& s);
nlohmann::json to_json(const LogRecord& r);
nlohmann::json trace_request(const Resource& resource, const std::vector<Span>& spans,
                             const std::string& scope_version);
nlohmann::json logs_request(const Resource& resource, const std::vector<LogRecord>& logs,
                            const std::string& scope_version);

}  // namespace hallmark::otlp
