// Hex and base64 encodings used across records and envelopes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hallmark {

std::string to_hex(std::string_view bytes);  // lowercase
std::optional<std::string> from_hex(std::string_view hex);
std::string base64_encode(std::string_view bytes);  // standard alphabet, padded
// Accepts the standard and the URL-safe alphabet, padded or not (DSSE readers must).
std::optional<std::string> base64_decode(std::string_view text);
std::string sha256_hex(std::string_view bytes);  // of an in-memory buffer

}  // namespace hallmark
