// Telemetry configuration, read once from the OTEL_* environment variables of the
// OpenTelemetry SDK environment-variable specification and hallmark's own flags
// (--otlp-endpoint, --telemetry-detail, --egress-allow, --no-telemetry). Flags win over
// variables; a per-signal endpoint variable wins over the base one. Malformed values are
// ignored with a warning, never an error: telemetry must not stop a build.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/telemetry/otlp.hpp"

#include "hallmark/util/diagnostics.hpp"
#include "hallmark/util/result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hallmark {

enum class TelemetryDetail { summary, steps, processes };
std::optional<TelemetryDetail> parse_telemetry_detail(const std::string& s);

// What the CLI hands the telemetry module.
struct TelemetryOptions {
  bool enabled = true;        // --no-telemetry turns the whole module off
  std::string otlp_endpoint;  // --otlp-endpoint: a base URL like OTEL_EXPORTER_OTLP_ENDPOINT
  TelemetryDetail detail = TelemetryDetail::steps;
  std::vector<std::string> egress_allow;  // "host", "host:port", globs; anything else is WARN
  std::chrono::milliseconds flush_deadline{2000};
};

// How requests go over the wire (OTEL_EXPORTER_OTLP_PROTOCOL). http/json is hallmark's default,
// unlike the SDKs' http/protobuf: the event log is OTLP/JSON, so JSON is sent as it was logged
// and protobuf is a transcoding of it (otlp_protobuf.hpp). grpc is not supported.
enum class OtlpProtocol { http_json, http_protobuf };

struct ExporterConfig {
  std::string traces_url, logs_url;  // empty: that signal is only written to the event log
  // OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / _LOGS_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL.
  OtlpProtocol traces_protocol = OtlpProtocol::http_json;
  OtlpProtocol logs_protocol = OtlpProtocol::http_json;
  std::vector<std::pair<std::string, std::string>> headers;
  bool gzip = false;
  std::chrono::milliseconds timeout{10000};  // per request (OTEL_EXPORTER_OTLP_TIMEOUT)
  std::string metrics_url;                   // OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, else <base>/v1/metrics
  OtlpProtocol metrics_protocol = OtlpProtocol::http_json;
  bool exporting() const { return !traces_url.empty() || !logs_url.empty() || !metrics_url.empty(); }
};

// `key=value,key2=value2` (W3C Baggage syntax without properties), keys and values trimmed and
// percent-decoded. Any malformed member makes the whole list invalid (the error names it).
Result<std::vector<std::pair<std::string, std::string>>> parse_key_value_list(const std::string& text);
// RFC 3986 percent-decoding; nullopt on a bad escape.
std::optional<std::string> percent_decode(const std::string& text);
// Percent-encodes what is not allowed in a baggage value.
std::string percent_encode_baggage(const std::string& text);

ExporterConfig exporter_config(const EnvMap& env, const TelemetryOptions& options, Diagnostics& diag);

// service.name (OTEL_SERVICE_NAME > service.name in OTEL_RESOURCE_ATTRIBUTES > "hallmark"),
// the other OTEL_RESOURCE_ATTRIBUTES entries, and telemetry.sdk.* / service.version.
otlp::Resource telemetry_resource(const EnvMap& env, const std::string& version, Diagnostics& diag);

}  // namespace hallmark
