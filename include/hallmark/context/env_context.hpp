// The environment section of a step record: every variable (or those passing --env-allow /
// --env-deny globs), with secret values replaced and their names listed.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/model/context.hpp"

#include <string>
#include <vector>

namespace hallmark {

struct EnvFilter {
  std::vector<std::string> allow;  // if non-empty, only names matching one of these
  std::vector<std::string> deny;   // names matching one of these are dropped
};

EnvContext collect_env_context(const EnvMap& env, const EnvFilter& filter);

}  // namespace hallmark
