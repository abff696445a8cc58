#include "hallmark/telemetry/otlp.hpp"

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
  case Severity::info:
    return "INFO";
  case Severity::warn:
    return "WARN";
  case Severity::error:
    return "ERROR";
  }
  return "INFO";
}

json to_json(const Value& v) {
  struct Visit {
    json operator()(const std::string& s) const { return {{"stringValue", s}}; }
    // OTLP/JSON: int64 is a decimal string (JSON numbers lose precision past 2^53).
    json operator()(int64_t i) const { return {{"intValue", std::to_string(i)}}; }
    json operator()(double d) const { return {{"doubleValue", d}}; }
    json operator()(bool b) const { return {{"boolValue", b}}; }
    json operator()(const std::vector<std::string>& xs) const {
      json values = json::array();
      for (const auto& x : xs)
        values.push_back({{"stringValue", x}});
      return {{"arrayValue", {{"values", values}}}};
    }
  };
  return std::visit(Visit{}, v);
}

json to_json(const Attributes& a) {
  json out = json::array();
  for (const auto& kv : a)
    out.push_back({{"key", kv.key}, {"value", to_json(kv.value)}});
  return out;
}

json to_json(const Span& s) {
  json j = {{"traceId", s.trace_id},
            {"spanId", s.span_id},
            {"name", s.name},
            {"kind", int(s.kind)},
            {"startTimeUnixNano", std::to_string(s.start_ns)},
            {"endTimeUnixNano", std::to_string(s.end_ns)},
            {"attributes", to_json(s.attributes)},
            // W3C trace flags in the low byte: sampled. hallmark records every span.
            {"flags", 1}};
  if (!s.parent_span_id.empty()) j["parentSpanId"] = s.parent_span_id;
  if (!s.trace_state.empty()) j["traceState"] = s.trace_state;
  json status = json::object();
  if (s.status != StatusCode::unset) status["code"] = int(s.status);
  if (!s.status_message.empty()) status["message"] = s.status_message;
  j["status"] = status;
  return j;
}

json to_json(const LogRecord& r) {
  json j = {{"timeUnixNano", std::to_string(r.time_ns)},
            {"observedTimeUnixNano", std::to_string(r.observed_ns ? r.observed_ns : r.time_ns)},
            {"severityNumber", int(r.severity)},
            {"severityText", severity_text(r.severity)},
            {"eventName", r.event_name},
            {"body", {{"stringValue", r.body}}},
            {"attributes", to_json(r.attributes)}};
  if (!r.trace_id.empty()) {
    j["traceId"] = r.trace_id;
    j["flags"] = 1;
  }
  if (!r.span_id.empty()) j["spanId"] = r.span_id;
  return j;
}

namespace {
json scope(const std::string& version) {
  return {{"name", kScopeName}, {"version", version}};
}
} // namespace

json trace_request(const Resource& resource, const std::vector<Span>& spans,
                   const std::string& version) {
  json arr = json::array();
  for (const auto& s : spans)
    arr.push_back(to_json(s));
  json scope_spans = {{"scope", scope(version)}, {"spans", arr}, {"schemaUrl", kSchemaUrl}};
  json rs = {{"resource", {{"attributes", to_json(resource.attributes)}}},
             {"scopeSpans", json::array({scope_spans})},
             {"schemaUrl", kSchemaUrl}};
  return {{"resourceSpans", json::array({rs})}};
}

json logs_request(const Resource& resource, const std::vector<LogRecord>& logs,
                  const std::string& version) {
  json arr = json::array();
  for (const auto& r : logs)
    arr.push_back(to_json(r));
  json scope_logs = {{"scope", scope(version)}, {"logRecords", arr}, {"schemaUrl", kSchemaUrl}};
  json rl = {{"resource", {{"attributes", to_json(resource.attributes)}}},
             {"scopeLogs", json::array({scope_logs})},
             {"schemaUrl", kSchemaUrl}};
  return {{"resourceLogs", json::array({rl})}};
}

} // namespace hallmark::otlp
