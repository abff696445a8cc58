// Wall-clock times as hallmark records them: RFC 3339 UTC with milliseconds and a Z.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hallmark {

using SystemTime = std::chrono::system_clock::time_point;

std::string format_rfc3339_ms(SystemTime t);  // 2026-11-26T10:21:45.123Z
std::string format_rfc3339_s(SystemTime t);   // 2026-11-26T10:21:45Z
std::optional<SystemTime> parse_rfc3339(const std::string& s);
int64_t unix_nanos(SystemTime t);

// The time SOURCE_DATE_EPOCH's value gives (`source_date_epoch`, read from the environment by
// the caller) when it is set and valid, for reproducible outputs; else now.
SystemTime reproducible_now(std::string_view source_date_epoch);

}  // namespace hallmark
