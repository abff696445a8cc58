// OTLP/HTTP protobuf encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf), written by hand:
// hallmark keeps one encoder, the OTLP/JSON text of otlp.hpp, and the exporter transcodes each
// batch from that text to the protobuf wire format just before sending it. The event log on
// disk stays JSON; only what goes over the wire changes.
//
// The transcoder walks the JSON with a table of the field numbers and types of the official
// opentelemetry-proto messages (collector/{trace,logs}/v1, trace/v1, logs/v1, common/v1,
// resource/v1). It is strict: an unknown key or a malformed value (an id that is not 16/8
// bytes of hex, an integer string that is not a number, a wrong JSON type) is an error naming
// the JSON path, so a batch is never sent as a silently different message. Fields with their
// default value are omitted, as protobuf encoders do; oneof members (AnyValue) and sub-messages
// present in the JSON are always written.
#pragma once

#include "hallmark/util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace hallmark::otlp {

// Which export request a body holds: ExportTraceServiceRequest or ExportLogsServiceRequest.
enum class Signal { traces, logs, metrics };  // metrics: ExportMetricsServiceRequest

// OTLP/JSON text of one export request of `signal` -> its protobuf bytes.
Result<std::string> json_to_protobuf(std::string_view json_text, Signal signal);

// ExportTracePartialSuccess and ExportLogsPartialSuccess share their layout (int64 rejected
// count = 1, string error_message = 2), so one type serves both responses.
struct PartialSuccess {
  int64_t rejected = 0;  // rejected_spans or rejected_log_records
  std::string error_message;
};

// Decodes an ExportTraceServiceResponse / ExportLogsServiceResponse (both: partial_success = 1).
// An empty body is full success; unknown fields are skipped, as protobuf readers must.
Result<PartialSuccess> decode_export_response(std::string_view bytes);

// The `message` (field 2) of a google.rpc.Status, the body OTLP/HTTP servers send with a 4xx
// or 5xx to a protobuf request.
Result<std::string> decode_status_message(std::string_view bytes);

}  // namespace hallmark::otlp
