#include "hallmark/telemetry/otlp.hpp"

#include "hallmark/util/json_text.hpp"

#include <cmath>
#include <cstdio>

namespace hallmark::otlp {

using nlohmann::json;

void set_attribute(Attributes& attrs, const std::string& key, Value value) {
  for (auto& kv : attrs)
    if (kv.key == key) {
      kv.value = std::move(value);
      return;
    }
  attrs.push_back({key, std::move(value)});
}

const Value* find_attribute(const Attributes& attrs, const std::string& key) {
  for (const auto& kv : attrs)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

const char* severity_text(Severity s) {
  switch (s) {
  case Severity::info: return "INFO";
  case Severity::warn: return "WARN";
  case Severity::error: return "ERROR";
  }
  return "INFO";
}

namespace {

void key_into(std::string& out, const char* key) {
  out += '"';
  out += key;
  out += "\":";
}

void uint_string_into(std::string& out, uint64_t v) {  // OTLP/JSON: 64-bit integers as strings
  out += '"';
  out += std::to_string(v);
  out += '"';
}

void value_into(std::string& out, const Value& v) {
  struct Visit {
    std::string& out;
    void operator()(const std::string& s) const {
      out += "{\"stringValue\":";
      json_quote_into(out, s);
      out += '}';
    }
    // OTLP/JSON: int64 is a decimal string (JSON numbers lose precision past 2^53).
    void operator()(int64_t i) const {
      out += "{\"intValue\":\"";
      out += std::to_string(i);
      out += "\"}";
    }
    void operator()(double d) const {
      out += "{\"doubleValue\":";
      if (std::isnan(d)) {
        out += "\"NaN\"";
      } else if (std::isinf(d)) {
        out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        out += buf;
      }
      out += '}';
    }
    void operator()(bool b) const { out += b ? "{\"boolValue\":true}" : "{\"boolValue\":false}"; }
    void operator()(const std::vector<std::string>& xs) const {
      out += "{\"arrayValue\":{\"values\":[";
      for (size_t i = 0; i < xs.size(); ++i) {
        if (i) out += ',';
        (*this)(xs[i]);
      }
      out += "]}}";
    }
  };
  std::visit(Visit{out}, v);
}

void scope_into(std::string& out, const std::string& version) {
  out += "{\"name\":";
  json_quote_into(out, kScopeName);
  out += ",\"version\":";
  json_quote_into(out, version);
  out += '}';
}

// The request shape shared by traces and logs: one resource, one scope, `items` already encoded.
// `chain` (the event log's per-line fields) goes into the first item's attributes, never the
// resource's: a resource that differs on every line would be a new resource to a backend.
template <class Item>
std::string request_text(const char* resource_field, const char* scope_field, const char* items_field,
                         const Resource& resource, const std::vector<Item>& items, const std::string& version,
                         const Attributes& chain) {
  std::string out;
  out.reserve(512 + items.size() * 640);
  out += "{\"";
  out += resource_field;
  out += "\":[{\"resource\":{\"attributes\":[";
  bool first = true;
  for (const Attributes* set : {&resource.attributes, items.empty() ? &chain : nullptr})
    if (set)
      for (const auto& kv : *set) {
        if (!first) out += ',';
        first = false;
        attribute_into(out, kv);
      }
  out += "]},\"";
  out += scope_field;
  out += "\":[{\"scope\":";
  scope_into(out, version);
  out += ",\"";
  out += items_field;
  out += "\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    if (i == 0 && !chain.empty()) {
      Item with_chain = items[0];
      with_chain.attributes.insert(with_chain.attributes.end(), chain.begin(), chain.end());
      append_json(out, with_chain);
    } else {
      append_json(out, items[i]);
    }
  }
  out += "],\"schemaUrl\":\"";
  out += kSchemaUrl;
  out += "\"}],\"schemaUrl\":\"";
  out += kSchemaUrl;
  out += "\"}]}";
  return out;
}

}  // namespace

void attribute_into(std::string& out, const KeyValue& kv) {
  out += "{\"key\":";
  json_quote_into(out, kv.key);
  out += ",\"value\":";
  value_into(out, kv.value);
  out += '}';
}

// repeated KeyValue: [{"key":..,"value":{..}},...]
void attributes_into(std::string& out, const Attributes& attrs) {
  out += '[';
  for (size_t i = 0; i < attrs.size(); ++i) {
    if (i) out += ',';
    attribute_into(out, attrs[i]);
  }
  out += ']';
}

void append_json(std::string& out, const Span& s) {
  out += "{\"traceId\":";
  json_quote_into(out, s.trace_id);
  out += ",\"spanId\":";
  json_quote_into(out, s.span_id);
  if (!s.parent_span_id.empty()) {
    out += ",\"parentSpanId\":";
    json_quote_into(out, s.parent_span_id);
  }
  if (!s.trace_state.empty()) {
    out += ",\"traceState\":";
    json_quote_into(out, s.trace_state);
  }
  out += ",\"name\":";
  json_quote_into(out, s.name);
  out += ",\"kind\":";
  out += std::to_string(int(s.kind));
  out += ',';
  key_into(out, "startTimeUnixNano");
  uint_string_into(out, s.start_ns);
  out += ',';
  key_into(out, "endTimeUnixNano");
  uint_string_into(out, s.end_ns);
  out += ",\"attributes\":";
  attributes_into(out, s.attributes);
  // W3C trace flags in the low byte: sampled. hallmark records every span.
  out += ",\"flags\":1";
  // An unset status is the default value and is left out, as protobuf's JSON mapping does:
  // a receiver pays for every object it decodes, thousands of times on a process-heavy step.
  bool code = s.status != StatusCode::unset;
  if (code || !s.status_message.empty()) {
    out += ",\"status\":{";
    if (code) {
      out += "\"code\":";
      out += std::to_string(int(s.status));
    }
    if (!s.status_message.empty()) {
      if (code) out += ',';
      out += "\"message\":";
      json_quote_into(out, s.status_message);
    }
    out += '}';
  }
  out += '}';
}

void append_json(std::string& out, const LogRecord& r) {
  out += '{';
  key_into(out, "timeUnixNano");
  uint_string_into(out, r.time_ns);
  out += ',';
  key_into(out, "observedTimeUnixNano");
  uint_string_into(out, r.observed_ns ? r.observed_ns : r.time_ns);
  out += ",\"severityNumber\":";
  out += std::to_string(int(r.severity));
  out += ",\"severityText\":";
  json_quote_into(out, severity_text(r.severity));
  out += ",\"eventName\":";
  json_quote_into(out, r.event_name);
  out += ",\"body\":";
  value_into(out, r.body);
  out += ",\"attributes\":";
  attributes_into(out, r.attributes);
  if (!r.trace_id.empty()) {
    out += ",\"traceId\":";
    json_quote_into(out, r.trace_id);
    out += ",\"flags\":1";
  }
  if (!r.span_id.empty()) {
    out += ",\"spanId\":";
    json_quote_into(out, r.span_id);
  }
  out += '}';
}

std::string trace_request_text(const Resource& resource, const std::vector<Span>& spans, const std::string& version,
                               const Attributes& chain) {
  return request_text("resourceSpans", "scopeSpans", "spans", resource, spans, version, chain);
}

std::string logs_request_text(const Resource& resource, const std::vector<LogRecord>& logs, const std::string& version,
                              const Attributes& chain) {
  return request_text("resourceLogs", "scopeLogs", "logRecords", resource, logs, version, chain);
}

// The DOM forms are parsed from the text encoding, so there is one encoder to keep right.
json to_json(const Value& v) {
  std::string t;
  value_into(t, v);
  return json::parse(t);
}

json to_json(const Attributes& a) {
  std::string t;
  attributes_into(t, a);
  return json::parse(t);
}

json to_json(const Span& s) {
  std::string t;
  append_json(t, s);
  return json::parse(t);
}

json to_json(const LogRecord& r) {
  std::string t;
  append_json(t, r);
  return json::parse(t);
}

json trace_request(const Resource& resource, const std::vector<Span>& spans, const std::string& version) {
  return json::parse(trace_request_text(resource, spans, version));
}

json logs_request(const Resource& resource, const std::vector<LogRecord>& logs, const std::string& version) {
  return json::parse(logs_request_text(resource, logs, version));
}

}  // namespace hallmark::otlp
