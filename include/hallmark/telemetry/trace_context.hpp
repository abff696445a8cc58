// Trace identity for a pipeline run: W3C trace-context (traceparent/tracestate) parsing and
// formatting, random ids, and the deterministic trace id of a CI run, so that every
// `hallmark run` of one CI job (separate processes, separate machines) lands in one trace.
#pragma once

#include "hallmark/util/result.hpp"
#include "hallmark/context/environment.hpp"
#include "hallmark/model/context.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hallmark {

struct TraceParent {
  std::string trace_id;  // 32 lowercase hex, not all zero
  std::string span_id;   // 16 lowercase hex, not all zero
  uint8_t flags = 0;     // bit 0: sampled
};

// Parses a traceparent header value per W3C Trace Context level 2 §3.2: version 00 has exactly
// four fields; a higher version may append fields after the flags; version ff is invalid;
// upper-case hex is invalid. The error names the violation.
Result<TraceParent> parse_traceparent(std::string_view value);
std::string format_traceparent(const TraceParent& tp);  // "00-<trace>-<span>-<flags>"

// tracestate is passed on unchanged when it is plausibly valid (≤ 32 list members, ≤ 512 chars
// as §3.3.1.5 lets vendors truncate at); otherwise empty.
std::string sanitize_tracestate(std::string_view value);

std::string random_trace_id();  // 32 hex from the OS CSPRNG, never all zero
std::string random_span_id();   // 16 hex

// Deterministic trace id of a CI run: the first 16 bytes of SHA-256 over platform, repository,
// run id and attempt. Two steps of the same job compute the same id; a re-run attempt differs.
std::string derive_trace_id(const CiContext& ci);

// What the record dir should seed a new run's trace id with: an incoming TRACEPARENT's trace id
// (the run becomes part of the caller's trace), else derive_trace_id in CI, else "" (random).
// A malformed TRACEPARENT is ignored here (StepTelemetry::begin reports it).
std::string trace_id_seed(const EnvMap& env, const std::optional<CiContext>& ci);

// The run's root span id, a pure function of the trace id so every step names the same parent
// without coordinating.
std::string root_span_id(const std::string& trace_id);
// A stable span id derived from parts (for per-process spans).
std::string derived_span_id(std::string_view seed);

}  // namespace hallmark
