// The table of CI detectors, in priority order. Platform-specific detectors come before the
// generic CI=true one because every platform also sets CI=true. Adding a platform is one file
// in this folder, one declaration in ci_env.hpp and one line here.
#include "hallmark/context/ci.hpp"

#include "ci_env.hpp"

namespace hallmark {

const std::vector<CiDetector>& ci_detectors() {
  static const std::vector<CiDetector> table{
      {"github-actions", ci::detect_github_actions, ci::collect_github_actions},
      {"gitlab-ci", ci::detect_gitlab_ci, ci::collect_gitlab_ci},
      {"jenkins", ci::detect_jenkins, ci::collect_jenkins},
      {"circleci", ci::detect_circleci, ci::collect_circleci},
      {"azure-pipelines", ci::detect_azure_pipelines, ci::collect_azure_pipelines},
      {"buildkite", ci::detect_buildkite, ci::collect_buildkite},
      {"bitbucket-pipelines", ci::detect_bitbucket_pipelines, ci::collect_bitbucket_pipelines},
      {"generic", ci::detect_generic, ci::collect_generic},
  };
  return table;
}

std::optional<CiContext> detect_ci(const EnvMap& env) {
  for (const auto& d : ci_detectors())
    if (d.detect(env)) return d.collect(env);
  return std::nullopt;
}

}  // namespace hallmark
