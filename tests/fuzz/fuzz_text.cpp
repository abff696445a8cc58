// Small text parsers: glob and wildcard patterns (pattern NUL text), redaction, DNS answers as
// the tracer reads them, and the OTLP event log's chain (written to a file in /dev/shm).
#include "hallmark/context/redact.hpp"
#include "hallmark/observe/dns.hpp"
#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/util/glob.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
  case 0: {
    size_t nul = text.find('\0');
    std::string pattern = text.substr(0, nul), value = nul == std::string::npos ? "" : text.substr(nul + 1);
    (void)hallmark::glob_match(pattern, value);
    (void)hallmark::wildcard_match(pattern, value);
    break;
  }
  case 1: (void)hallmark::redact_text(text); break;
  case 2:
    (void)hallmark::decode_dns_response(data + 1, size - 1, false);
    (void)hallmark::decode_dns_response(data + 1, size - 1, true);
    break;
  default: {
    static const std::string path = "/dev/shm/hallmark-fuzz-events-" + std::to_string(::getpid()) + ".jsonl";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    (void)hallmark::verify_event_chain(path);
    (void)hallmark::read_event_lines(path);
    break;
  }
  }
  return 0;
}
