#include "hallmark/util/time.hpp"

#include <charconv>
#include <cstdlib>
#include <ctime>

namespace hallmark {

namespace {
std::string format(SystemTime t, bool millis) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = std::time_t(ms / 1000);
  int frac = int(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  if (millis) std::snprintf(buf + n, sizeof buf - n, ".%03dZ", frac);
  else std::snprintf(buf + n, sizeof buf - n, "Z");
  return buf;
}
}  // namespace

std::string format_rfc3339_ms(SystemTime t) { return format(t, true); }
std::string format_rfc3339_s(SystemTime t) { return format(t, false); }

std::optional<SystemTime> parse_rfc3339(const std::string& s) {
  std::tm tm{};
  int y, mo, d, h, mi, sec;
  char tail[64] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%63s", &y, &mo, &d, &h, &mi, &sec, tail) < 6) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t base = timegm(&tm);
  std::string rest = tail;
  long long nanos = 0;
  size_t i = 0;
  if (i < rest.size() && rest[i] == '.') {
    ++i;
    long long scale = 100000000;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) {
      nanos += (rest[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  long offset = 0;
  if (i < rest.size() && (rest[i] == 'Z' || rest[i] == 'z')) {
    ++i;
  } else if (i < rest.size() && (rest[i] == '+' || rest[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(rest.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (rest[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != rest.size()) return std::nullopt;
  return SystemTime(std::chrono::seconds(base - offset)) +
         std::chrono::duration_cast<SystemTime::duration>(std::chrono::nanoseconds(nanos));
}

int64_t unix_nanos(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

SystemTime reproducible_now(std::string_view source_date_epoch) {
  long long v = 0;
  auto [end, ec] = std::from_chars(source_date_epoch.data(), source_date_epoch.data() + source_date_epoch.size(), v);
  if (!source_date_epoch.empty() && ec == std::errc() && end == source_date_epoch.data() + source_date_epoch.size() &&
      v >= 0)
    return SystemTime(std::chrono::seconds(v));
  return std::chrono::system_clock::now();
}

}  // namespace hallmark
