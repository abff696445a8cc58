#include "hallmark/telemetry/otel_config.hpp"

#include <algorithm>
#include <charconv>

namespace hallmark {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string first_set(const EnvMap& env, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    std::string v = trim(env_get(env, n));
    if (!v.empty()) return v;
  }
  return {};
}

std::string signal_url(const std::string& base, const char* path) {
  return base + (base.empty() || base.back() != '/' ? "/" : "") + path;
}

// The per-signal variable wins over OTEL_EXPORTER_OTLP_PROTOCOL, as for endpoints. Anything but
// http/json or http/protobuf (grpc above all) falls back to http/json with one warning per
// variable, never an error: telemetry must not stop a build.
OtlpProtocol protocol_for(const EnvMap& env, const char* signal_var, Diagnostics& diag) {
  const char* var = signal_var;
  std::string value = first_set(env, {signal_var});
  if (value.empty()) {
    var = "OTEL_EXPORTER_OTLP_PROTOCOL";
    value = first_set(env, {var});
  }
  if (value.empty() || value == "http/json") return OtlpProtocol::http_json;
  if (value == "http/protobuf") return OtlpProtocol::http_protobuf;
  std::string w = std::string(var) + "='" + value +
                  "' is not supported by hallmark (http/json or http/protobuf); sending "
                  "http/json instead";
  diag.report_once({"", w});
  return OtlpProtocol::http_json;
}

}  // namespace

std::optional<TelemetryDetail> parse_telemetry_detail(const std::string& s) {
  if (s == "summary") return TelemetryDetail::summary;
  if (s == "steps") return TelemetryDetail::steps;
  if (s == "processes") return TelemetryDetail::processes;
  return std::nullopt;
}

std::optional<std::string> percent_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int v = 0;
    auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
    if (ec != std::errc() || p != text.data() + i + 3) return std::nullopt;
    out.push_back(char(v));
    i += 2;
  }
  return out;
}

std::string percent_encode_baggage(const std::string& text) {
  // baggage-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (W3C Baggage §3.3.1).
  std::string out;
  for (unsigned char c : text) {
    bool ok = c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
              (c >= 0x5d && c <= 0x7e);
    if (ok && c != '%') {
      out.push_back(char(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", unsigned(c));
      out += buf;
    }
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> parse_key_value_list(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string member = trim(text.substr(start, end - start));
    start = end + 1;
    if (member.empty()) {
      if (end == text.size()) break;
      continue;  // "a=1,,b=2": empty list members are allowed by the baggage grammar's OWS
    }
    size_t eq = member.find('=');
    if (eq == std::string::npos) return make_error("entry '" + member + "' has no '='");
    auto key = percent_decode(trim(member.substr(0, eq)));
    auto value = percent_decode(trim(member.substr(eq + 1)));
    if (!key || !value) return make_error("entry '" + member + "' has a bad percent-escape");
    if (key->empty()) return make_error("entry '" + member + "' has an empty key");
    out.emplace_back(*key, *value);
    if (end == text.size()) break;
  }
  return out;
}

ExporterConfig exporter_config(const EnvMap& env, const TelemetryOptions& options, Diagnostics& diag) {
  ExporterConfig c;
  if (!options.enabled) return c;
  if (!options.otlp_endpoint.empty()) {
    c.traces_url = signal_url(options.otlp_endpoint, "v1/traces");
    c.logs_url = signal_url(options.otlp_endpoint, "v1/logs");
    c.metrics_url = signal_url(options.otlp_endpoint, "v1/metrics");
  } else {
    std::string base = first_set(env, {"OTEL_EXPORTER_OTLP_ENDPOINT"});
    // Per-signal endpoints are used as given (no path appended), and win over the base.
    c.traces_url = first_set(env, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"});
    c.logs_url = first_set(env, {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"});
    if (c.traces_url.empty() && !base.empty()) c.traces_url = signal_url(base, "v1/traces");
    if (c.logs_url.empty() && !base.empty()) c.logs_url = signal_url(base, "v1/logs");
    c.metrics_url = first_set(env, {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"});
    if (c.metrics_url.empty() && !base.empty()) c.metrics_url = signal_url(base, "v1/metrics");
  }
  // OTEL_TRACES_EXPORTER/OTEL_LOGS_EXPORTER=none switch a signal's export off, as in the SDKs.
  if (env_get(env, "OTEL_TRACES_EXPORTER") == "none") c.traces_url.clear();
  if (env_get(env, "OTEL_LOGS_EXPORTER") == "none") c.logs_url.clear();
  if (env_get(env, "OTEL_METRICS_EXPORTER") == "none") c.metrics_url.clear();
  if (env_get(env, "OTEL_SDK_DISABLED") == "true") c.traces_url.clear(), c.logs_url.clear(), c.metrics_url.clear();

  std::string headers = first_set(env, {"OTEL_EXPORTER_OTLP_HEADERS"});
  if (!headers.empty()) {
    if (auto kv = parse_key_value_list(headers)) c.headers = *kv;
    else diag.warn("", "ignoring OTEL_EXPORTER_OTLP_HEADERS: " + kv.message());
  }
  std::string compression = first_set(env, {"OTEL_EXPORTER_OTLP_COMPRESSION"});
  if (compression == "gzip") c.gzip = true;
  else if (!compression.empty() && compression != "none")
    diag.warn("", "ignoring OTEL_EXPORTER_OTLP_COMPRESSION='" + compression + "' (gzip or none)");
  std::string timeout = first_set(env, {"OTEL_EXPORTER_OTLP_TIMEOUT"});
  if (!timeout.empty()) {
    long ms = 0;
    auto [p, ec] = std::from_chars(timeout.data(), timeout.data() + timeout.size(), ms);
    if (ec != std::errc() || p != timeout.data() + timeout.size() || ms <= 0)
      diag.warn("", "ignoring OTEL_EXPORTER_OTLP_TIMEOUT='" + timeout + "' (milliseconds)");
    else c.timeout = std::chrono::milliseconds(ms);
  }
  c.traces_protocol = protocol_for(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", diag);
  c.logs_protocol = protocol_for(env, "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", diag);
  c.metrics_protocol = protocol_for(env, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", diag);
  return c;
}

otlp::Resource telemetry_resource(const EnvMap& env, const std::string& version, Diagnostics& diag) {
  otlp::Resource r;
  otlp::set_attribute(r.attributes, "service.name", std::string("hallmark"));
  std::string attrs = env_get(env, "OTEL_RESOURCE_ATTRIBUTES");
  if (!trim(attrs).empty()) {
    auto kv = parse_key_value_list(attrs);
    if (kv) {
      for (auto& [k, v] : *kv) {
        // The event log's own fields: a resource copy would be found before the line's own.
        if (k.rfind("hallmark.chain.", 0) == 0) {
          diag.warn("", "ignoring " + k + " in OTEL_RESOURCE_ATTRIBUTES: the event log's chain sets it");
          continue;
        }
        otlp::set_attribute(r.attributes, k, v);
      }
    } else {
      diag.warn("", "ignoring OTEL_RESOURCE_ATTRIBUTES: " + kv.message());
    }
  }
  std::string service = trim(env_get(env, "OTEL_SERVICE_NAME"));
  if (!service.empty()) otlp::set_attribute(r.attributes, "service.name", service);
  if (!otlp::find_attribute(r.attributes, "service.version"))
    otlp::set_attribute(r.attributes, "service.version", version);
  otlp::set_attribute(r.attributes, "telemetry.sdk.name", std::string("hallmark"));
  otlp::set_attribute(r.attributes, "telemetry.sdk.language", std::string("cpp"));
  otlp::set_attribute(r.attributes, "telemetry.sdk.version", version);
  return r;
}

}  // namespace hallmark
