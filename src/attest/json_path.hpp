// Reading optional fields of an untrusted statement: a missing or wrong-typed field is "absent",
// never an exception. Internal to src/attest/ (policy and verify).
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>

namespace hallmark::attest::internal {

inline const nlohmann::json* at_path(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return nullptr;
    cur = &(*cur)[k];
  }
  return cur;
}

inline std::string string_at(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* v = at_path(j, path);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace hallmark::attest::internal
