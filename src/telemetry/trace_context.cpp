#include "hallmark/telemetry/trace_context.hpp"

#include "hallmark/util/hex.hpp"

#include <openssl/rand.h>

#include <random>

namespace hallmark {

namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

std::string random_hex(size_t bytes) {
  std::string buf(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), int(bytes)) != 1) {
    std::random_device rd;  // fallback only if OpenSSL's DRBG fails
    for (auto& c : buf) c = char(rd());
  }
  std::string hex = to_hex(buf);
  if (all_zero(hex)) hex.back() = '1';
  return hex;
}

}  // namespace

Result<TraceParent> parse_traceparent(std::string_view v) {
  // version "-" trace-id "-" parent-id "-" trace-flags = 2+1+32+1+16+1+2 = 55 chars.
  if (v.size() < 55) return make_error("too short (need 55 characters)");
  if (v[2] != '-' || v[35] != '-' || v[52] != '-') return make_error("fields not separated by '-'");
  std::string_view version = v.substr(0, 2), trace = v.substr(3, 32), span = v.substr(36, 16), flags = v.substr(53, 2);
  if (!is_lower_hex(version) || !is_lower_hex(trace) || !is_lower_hex(span) || !is_lower_hex(flags))
    return make_error("fields must be lowercase hex");
  if (version == "ff") return make_error("version ff is invalid");
  if (version == "00" && v.size() != 55) return make_error("version 00 has exactly four fields");
  if (version != "00" && v.size() > 55 && v[55] != '-') return make_error("unexpected data after trace-flags");
  if (all_zero(trace)) return make_error("all-zero trace-id");
  if (all_zero(span)) return make_error("all-zero parent-id");
  TraceParent tp;
  tp.trace_id = std::string(trace);
  tp.span_id = std::string(span);
  tp.flags = uint8_t(std::stoi(std::string(flags), nullptr, 16));
  return tp;
}

std::string format_traceparent(const TraceParent& tp) {
  char flags[3];
  std::snprintf(flags, sizeof flags, "%02x", unsigned(tp.flags));
  return "00-" + tp.trace_id + "-" + tp.span_id + "-" + flags;
}

std::string sanitize_tracestate(std::string_view value) {
  if (value.size() > 512) return {};
  size_t members = 1;
  for (char c : value) {
    if (c == ',') ++members;
    // Printable ASCII only (§3.3.1.3.2 value chars are 0x20-0x7E minus ',' and '=').
    if (c < 0x20 || c > 0x7e) return {};
  }
  if (members > 32) return {};
  return std::string(value);
}

std::string random_trace_id() { return random_hex(16); }
std::string random_span_id() { return random_hex(8); }

std::string derive_trace_id(const CiContext& ci) {
  // Newline-separated so "a" + "bc" and "ab" + "c" differ; versioned so a future change of
  // inputs cannot collide with today's ids.
  std::string seed =
      "hallmark-trace-v1\n" + ci.platform + "\n" + ci.repository_url + "\n" + ci.run_id + "\n" + ci.run_attempt;
  std::string id = sha256_hex(seed).substr(0, 32);
  if (all_zero(id)) id.back() = '1';
  return id;
}

std::string trace_id_seed(const EnvMap& env, const std::optional<CiContext>& ci) {
  // A malformed TRACEPARENT is reported once, by the step's telemetry (which also reads it).
  if (auto it = env.find("TRACEPARENT"); it != env.end())
    if (auto tp = parse_traceparent(it->second)) return tp->trace_id;
  if (ci && !ci->run_id.empty()) return derive_trace_id(*ci);
  return {};
}

std::string root_span_id(const std::string& trace_id) { return derived_span_id("root\n" + trace_id); }

std::string derived_span_id(std::string_view seed) {
  std::string id = sha256_hex(seed).substr(0, 16);
  if (all_zero(id)) id.back() = '1';
  return id;
}

}  // namespace hallmark
