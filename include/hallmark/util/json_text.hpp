// JSON text that never throws on bad bytes. File names, argv, lockfile fields and environment
// values are not trusted to be UTF-8 (a Linux file name is any bytes but '/' and NUL), and
// nlohmann::json's default dump() throws on an invalid sequence: every record, statement and
// event is therefore written through these, which put U+FFFD in place of each invalid byte.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace hallmark {

// Appends `s` as the inside of a JSON string (no quotes).
void json_escape_into(std::string& out, std::string_view s);
// Appends `s` as a quoted JSON string.
void json_quote_into(std::string& out, std::string_view s);
bool is_valid_utf8(std::string_view s);

// j.dump(indent) with invalid UTF-8 replaced instead of thrown (json or ordered_json).
template <class Json>
std::string dump_json(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace hallmark
