// The append-only, hash-chained telemetry log: events.otlp.jsonl in the record dir. Each line is
// one complete OTLP/JSON ExportTraceServiceRequest or ExportLogsServiceRequest, so any OTLP tool
// can replay it, and its first span, log record or metric (a metric in its `metadata`) carries
// three chain attributes (lines written by hallmark before 2026-12 carry them on the resource,
// and still verify). They stay off the resource so that a backend sees one resource per run:
//   hallmark.chain.seq   int    1, 2, 3, ... position of the line in the file
//   hallmark.chain.prev  string SHA-256 (hex) of the previous line's bytes, 64 zeros for line 1
//   hallmark.chain.line  string SHA-256 of this line with this value written as 64 zeros
// Editing, deleting or reordering a line breaks the chain at the next line (or the line's own
// digest); truncating the tail is caught by comparing event_chain_head() with the head that
// `hallmark attest` signs. Parallel steps append under an exclusive flock; prev and seq are
// computed under that lock.
#pragma once

#include "hallmark/telemetry/otlp.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hallmark {

inline constexpr const char* kEventLogName = "events.otlp.jsonl";
inline constexpr const char* kZeroDigest = "0000000000000000000000000000000000000000000000000000000000000000";

struct EventLine {
  uint64_t seq = 0;
  std::string digest;    // hallmark.chain.line
  std::string text;      // the line as written, without '\n'
  bool traces = false;   // ExportTraceServiceRequest (else logs)
  bool metrics = false;  // ExportMetricsServiceRequest (then traces is false)
  uint64_t offset = 0;   // byte offset of the line in the file
};

// Writes one request line given the chain attributes (seq, prev, line = 64 zeros), which it must
// put in its first item's attributes as otlp::attribute_into writes them; called under the lock.
using RequestEncoder = std::function<std::string(const otlp::Attributes& chain)>;
Result<EventLine> append_event_request(const std::filesystem::path& log, bool traces, const RequestEncoder& encode);
// The same for a request document: the chain attributes go into its first item (a metric's
// metadata).
Result<EventLine> append_event_request(const std::filesystem::path& log, nlohmann::json request);

// Checks every line: valid JSON, an OTLP request, seq consecutive from 1, prev equal to the
// SHA-256 of the line before, own digest. `expected_head` (optional: the head `attest` signed)
// must be the digest of one of the lines; lines appended after it are checked too.
// The error names the file, the line and what is wrong.
Status verify_event_chain(const std::filesystem::path& log, const std::string& expected_head = {});

// The last complete line (without '\n'); "" for a missing or empty log.
Result<std::string> last_event_line(const std::filesystem::path& log);

// SHA-256 of the last line: the value attest records. A missing or empty log has the zero head.
Result<std::string> event_chain_head(const std::filesystem::path& log);

// Lines with their digests, for the exporter; stops at (and ignores) a torn last line. `from`
// (a byte offset at a line start) skips what the exporter has finished with; an offset that is
// past the end or not at a line start (the log was replaced) reads from the beginning.
Result<std::vector<EventLine>> read_event_lines(const std::filesystem::path& log, uint64_t from = 0);

}  // namespace hallmark
