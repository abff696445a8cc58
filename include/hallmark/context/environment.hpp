// The process environment as hallmark sees it: read once (in the CLI) and passed down, so every
// module and every unit test works on an explicit map, never on getenv().
#pragma once

#include <map>
#include <string>

namespace hallmark {

using EnvMap = std::map<std::string, std::string>;

EnvMap current_environment();
inline std::string env_get(const EnvMap& env, const std::string& name, const std::string& fallback = {}) {
  auto it = env.find(name);
  return it == env.end() ? fallback : it->second;
}

}  // namespace hallmark
