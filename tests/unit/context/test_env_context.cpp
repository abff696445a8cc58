#include "hallmark/context/env_context.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace hallmark;

namespace {
const EnvMap kEnv{{"PATH", "/usr/bin"},
                  {"HOME", "/home/ci"},
                  {"GITHUB_TOKEN", "anything"},
                  {"NPM_CONFIG_REGISTRY", "https://u:pw@registry.example/"},
                  {"GITHUB_SHA", "abc"},
                  {"GITHUB_REF", "refs/heads/main"},
                  {"LC_ALL", "C"}};

bool listed(const EnvContext& c, const std::string& n) {
  return std::find(c.redacted.begin(), c.redacted.end(), n) != c.redacted.end();
}
}  // namespace

TEST_SUITE_BEGIN("context");

TEST_CASE("context::env_context records all with redaction") {
  EnvContext c = collect_env_context(kEnv, {});
  CHECK(c.vars.size() == kEnv.size());
  CHECK(c.vars.at("PATH") == "/usr/bin");
  CHECK(c.vars.at("GITHUB_TOKEN") == "[REDACTED]");
  CHECK(c.vars.at("NPM_CONFIG_REGISTRY") == "https://[REDACTED]@registry.example/");
  CHECK(listed(c, "GITHUB_TOKEN"));
  CHECK(listed(c, "NPM_CONFIG_REGISTRY"));
  CHECK_FALSE(listed(c, "PATH"));
  CHECK(c.redacted.size() == 2);
}

TEST_CASE("context::env_context allow and deny globs") {
  EnvContext c = collect_env_context(kEnv, {{"GITHUB_*", "PATH"}, {}});
  CHECK(c.vars.size() == 4);
  CHECK(c.vars.count("PATH"));
  CHECK_FALSE(c.vars.count("HOME"));
  CHECK(c.vars.at("GITHUB_TOKEN") == "[REDACTED]");  // allowed names are still redacted

  c = collect_env_context(kEnv, {{}, {"GITHUB_*", "L?_ALL"}});
  CHECK(c.vars.size() == 3);
  CHECK_FALSE(c.vars.count("GITHUB_SHA"));
  CHECK_FALSE(c.vars.count("LC_ALL"));
  CHECK(c.redacted == std::vector<std::string>{"NPM_CONFIG_REGISTRY"});

  // Deny wins over allow.
  c = collect_env_context(kEnv, {{"*"}, {"GITHUB_TOKEN"}});
  CHECK(c.vars.size() == kEnv.size() - 1);
  CHECK_FALSE(c.vars.count("GITHUB_TOKEN"));

  c = collect_env_context(kEnv, {{"NOTHING_*"}, {}});
  CHECK(c.vars.empty());
  CHECK(collect_env_context({}, {}).vars.empty());
}

TEST_SUITE_END();
