// CI platform detection: one small detector per platform (src/context/ci/<platform>.cpp),
// listed in one table (src/context/ci/registry.cpp). The first detector whose detect() is true
// wins; the generic CI=true detector comes last.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/model/context.hpp"

#include <optional>
#include <vector>

namespace hallmark {

struct CiDetector {
  const char* name;  // "github-actions", ...
  bool (*detect)(const EnvMap& env);
  CiContext (*collect)(const EnvMap& env);  // values already redacted
};

const std::vector<CiDetector>& ci_detectors();
std::optional<CiContext> detect_ci(const EnvMap& env);

}  // namespace hallmark
