// Helpers shared by the CI detectors (private to src/context/ci/): reading variables with
// redaction applied, building URLs and refs, and the list of detector functions that
// registry.cpp puts in its table.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/model/context.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace hallmark::ci {

// The variable's value with token-shaped substrings and URL credentials scrubbed.
std::string var(const EnvMap& env, const char* name);
// A URL-valued variable with credentials stripped; trailing '/' removed.
std::string url_var(const EnvMap& env, const char* name);
bool is_true(const EnvMap& env, const char* name);  // "true", "True", "1", "yes"
bool is_set(const EnvMap& env, const char* name);   // present and non-empty
// "refs/tags/<tag>" if tag is non-empty, else "refs/heads/<branch>" if branch is, else "".
std::string full_ref(const std::string& branch, const std::string& tag);
// Keeps [A-Za-z0-9._-] and turns anything else into '-' so that the id can name a directory.
std::string sanitize_run_id(std::string_view id);
// "a-b" from non-empty parts only.
std::string join_id(std::initializer_list<std::string> parts);
std::string trim_slash(std::string s);
std::string percent_encode_path_segment(std::string_view s);
// "N+1" for a retry count N ("0" -> "1"). An empty count means the first attempt when
// `empty_is_first`, unknown ("") otherwise; anything not a small number is unknown.
std::string attempt_from_retry_count(const std::string& retries, bool empty_is_first);
// Copies each named variable that is set into ctx.selected (redacted like var()).
void select(const EnvMap& env, CiContext& ctx, std::initializer_list<const char*> names);

#define HALLMARK_CI_DETECTOR(fn)                                                                                       \
  bool detect_##fn(const EnvMap& env);                                                                                 \
  CiContext collect_##fn(const EnvMap& env);
HALLMARK_CI_DETECTOR(github_actions)
HALLMARK_CI_DETECTOR(gitlab_ci)
HALLMARK_CI_DETECTOR(jenkins)
HALLMARK_CI_DETECTOR(circleci)
HALLMARK_CI_DETECTOR(azure_pipelines)
HALLMARK_CI_DETECTOR(buildkite)
HALLMARK_CI_DETECTOR(bitbucket_pipelines)
HALLMARK_CI_DETECTOR(generic)
#undef HALLMARK_CI_DETECTOR

}  // namespace hallmark::ci
