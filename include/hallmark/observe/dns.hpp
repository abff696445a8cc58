// DNS answers as the tracer sees them: the bytes a traced process received from port 53. Each
// answer names the host the process asked for and the addresses it was given, so a later
// connect() to one of them can be recorded with the name it was resolved from (network[].host).
// The decoder is strict and bounded: anything that is not a well-formed response (a query, a
// truncated message, a compression loop) yields nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hallmark {

struct DnsAnswer {
  std::string name;                    // the question's name, lower case, no trailing dot
  std::vector<std::string> addresses;  // A and AAAA records (through CNAMEs), as inet_ntop prints them
};

// A DNS response message (RFC 1035 §4) with at least one A/AAAA record; `tcp` when the bytes
// come from a TCP stream, which prefixes each message with its 16-bit length.
std::optional<DnsAnswer> decode_dns_response(const uint8_t* data, size_t size, bool tcp = false);

}  // namespace hallmark
