#include "test_support.hpp"

#include "hallmark/attest/policy.hpp"
#include "hallmark/attest/provenance.hpp"

#include <doctest/doctest.h>

using namespace hallmark;
using nlohmann::json;

namespace {

json sample_statement() {
  auto steps = test::sample_run();
  steps[1].exit_code = 0;
  auto p = build_provenance(steps, {});
  json st = p->statement;
  // Step byproducts as attest writes them (annotations carry exit codes and connections).
  json& b = st["predicate"]["runDetails"]["byproducts"];
  b.push_back({{"name", "steps/1.json"},
               {"digest", {{"sha256", "00"}}},
               {"annotations", {{"step", "build"}, {"exitCode", 0}, {"networkDestinations", {"140.82.112.3:443"}}}}});
  b.push_back(
      {{"name", "steps/2.json"}, {"digest", {{"sha256", "00"}}}, {"annotations", {{"step", "test"}, {"exitCode", 2}}}});
  return st;
}

const CheckResult* find(const std::vector<CheckResult>& v, const std::string& name) {
  for (const auto& c : v)
    if (c.check == name) return &c;
  return nullptr;
}

SystemTime at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

}  // namespace

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::policy_parsing") {
  auto p = policy_from_json(R"({"version":1,"allowedBuilders":["https://github.com/*"],"maxAge":"7d",
                                "requiredSteps":["build","test"],"requiredStepsInOrder":true,"requireSbom":true,
                                "allowedSourceRepos":["git+https://github.com/acme/app.git/"]})",
                            "p.json");
  REQUIRE(p.ok());
  CHECK(p->max_age_seconds == 7 * 86400);
  CHECK(p->allowed_source_repos[0] == "https://github.com/acme/app");
  CHECK(p->required_steps_in_order);
  CHECK(p->require_sbom);

  auto typo = policy_from_json(R"({"allowedBuilder":["x"]})", "p.json");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.message().find("unknown key \"allowedBuilder\"") != std::string::npos);
  CHECK_FALSE(policy_from_json(R"({"maxAge":"soon"})", "p").ok());
  CHECK_FALSE(policy_from_json(R"({"maxAge":-5})", "p").ok());
  CHECK_FALSE(policy_from_json(R"({"allowedBuilders":"x"})", "p").ok());
  CHECK_FALSE(policy_from_json(R"({"version":2})", "p").ok());
  CHECK_FALSE(policy_from_json("[]", "p").ok());
  CHECK_FALSE(policy_from_json("{", "p").ok());
}

TEST_CASE("attest::durations") {
  CHECK(parse_duration_seconds("90") == 90);
  CHECK(parse_duration_seconds("90s") == 90);
  CHECK(parse_duration_seconds("15m") == 900);
  CHECK(parse_duration_seconds("24h") == 86400);
  CHECK(parse_duration_seconds("2d") == 172800);
  CHECK_FALSE(parse_duration_seconds("").has_value());
  CHECK_FALSE(parse_duration_seconds("h").has_value());
  CHECK_FALSE(parse_duration_seconds("3w").has_value());
}

TEST_CASE("attest::policy_builders_sources") {
  json st = sample_statement();
  Policy p;
  p.allowed_builders = {"https://github.com/acme/*"};
  p.allowed_source_repos = {normalize_repo_uri("https://github.com/acme/app")};
  p.allowed_source_refs = {"refs/heads/main", "refs/tags/v*"};
  p.allow_failed_steps = true;  // the sample's test step failed: judged in policy_failed_steps
  auto r = evaluate_policy(p, st, at("2026-11-26T11:00:00Z"));
  REQUIRE(r.size() == 3);
  for (const auto& c : r) CHECK_MESSAGE(c.passed, std::string(c.check + ": " + c.actual));

  p.allowed_builders = {"https://gitlab.com/*"};
  p.allowed_source_refs = {"refs/tags/v*"};
  r = evaluate_policy(p, st, at("2026-11-26T11:00:00Z"));
  CHECK_FALSE(find(r, "policy.allowedBuilders")->passed);
  CHECK(find(r, "policy.allowedBuilders")->actual.find("github.com/acme/app") != std::string::npos);
  CHECK_FALSE(find(r, "policy.allowedSourceRefs")->passed);
  CHECK(find(r, "policy.allowedSourceRefs")->actual == "refs/heads/main");
}

TEST_CASE("attest::policy_required_steps") {
  json st = sample_statement();
  Policy p;
  p.required_steps = {"build", "package"};
  p.required_steps_in_order = true;
  auto r = evaluate_policy(p, st, {});
  CHECK(find(r, "policy.requiredSteps")->passed);
  CHECK(find(r, "policy.requiredStepsInOrder")->passed);
  CHECK(find(r, "policy.requiredStepsSucceeded")->passed);

  p.required_steps = {"package", "build"};
  r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.requiredStepsInOrder")->passed);
  CHECK(find(r, "policy.requiredStepsInOrder")->actual == "order build -> package");

  p.required_steps = {"build", "test"};
  r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.requiredStepsSucceeded")->passed);
  CHECK(find(r, "policy.requiredStepsSucceeded")->actual == "test exited 2");
  p.required_steps_succeeded = false;
  CHECK(find(evaluate_policy(p, st, {}), "policy.requiredStepsSucceeded") == nullptr);

  p.required_steps = {"deploy-scan"};
  r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.requiredSteps")->passed);
  CHECK(find(r, "policy.requiredSteps")->actual.find("missing deploy-scan") != std::string::npos);
}

TEST_CASE("attest::policy_max_age") {
  json st = sample_statement();  // finished 2026-11-26T10:02:30Z
  Policy p;
  p.allow_failed_steps = true;
  p.max_age_seconds = 3600;
  CHECK(evaluate_policy(p, st, at("2026-11-26T11:00:00Z"))[0].passed);
  auto r = evaluate_policy(p, st, at("2026-11-27T11:00:00Z"));
  CHECK_FALSE(r[0].passed);
  CHECK(r[0].expected == "finished within 3600 s");
  CHECK(r[0].actual.find("2026-11-26T10:02:30.000Z") != std::string::npos);
  st["predicate"]["runDetails"]["metadata"].erase("finishedOn");
  st["predicate"]["runDetails"]["metadata"].erase("startedOn");
  CHECK_FALSE(evaluate_policy(p, st, at("2026-11-26T11:00:00Z"))[0].passed);
}

TEST_CASE("attest::policy_sbom_network_components") {
  json st = sample_statement();
  Policy p;
  p.require_sbom = true;
  p.denied_network_destinations = {"140.82.*"};
  p.denied_components = {"pkg:npm/left-pad@*"};
  auto r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.requireSbom")->passed);
  CHECK_FALSE(find(r, "policy.deniedNetworkDestinations")->passed);
  CHECK(find(r, "policy.deniedNetworkDestinations")->actual == "build -> 140.82.112.3:443");
  // No SBOM components recorded: the denied-components rule has nothing to judge, and says so.
  CHECK(find(r, "policy.deniedComponents")->passed);
  CHECK(find(r, "policy.deniedComponents")->warning);

  st["predicate"]["runDetails"]["byproducts"].push_back(
      {{"name", "app.cdx.json"},
       {"digest", {{"sha256", "00"}}},
       {"mediaType", kMediaCycloneDx},
       {"annotations", {{"sbom", true}, {"components", {"pkg:npm/left-pad@1.3.0", "pkg:npm/ok@1"}}}}});
  r = evaluate_policy(p, st, {});
  CHECK(find(r, "policy.requireSbom")->passed);
  CHECK_FALSE(find(r, "policy.deniedComponents")->passed);
  CHECK(find(r, "policy.deniedComponents")->actual == "pkg:npm/left-pad@1.3.0");
  // The denied purls as data, one each, for verify's one telemetry event per component.
  p.denied_components = {"pkg:npm/*"};
  r = evaluate_policy(p, st, {});
  CHECK(find(r, "policy.deniedComponents")->offending ==
        std::vector<std::string>{"pkg:npm/left-pad@1.3.0", "pkg:npm/ok@1"});
  CHECK(find(r, "policy.deniedComponents")->actual == "pkg:npm/left-pad@1.3.0, pkg:npm/ok@1");

  p.denied_network_destinations = {"10.0.0.1"};
  p.denied_components = {"pkg:pypi/*"};
  r = evaluate_policy(p, st, {});
  CHECK(find(r, "policy.deniedNetworkDestinations")->passed);
  CHECK(find(r, "policy.deniedComponents")->passed);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::statement_source_forms") {
  json st = {{"predicate",
              {{"buildDefinition",
                {{"externalParameters", {{"source", "git+https://github.com/example/hello@refs/tags/v1.0.0"}}}}}}}};
  auto s = statement_source(st);
  CHECK(s.uri == "git+https://github.com/example/hello");
  CHECK(s.ref == "refs/tags/v1.0.0");
  st["predicate"]["buildDefinition"]["externalParameters"]["source"] = "git+ssh://git@github.com/acme/app.git";
  s = statement_source(st);
  CHECK(s.uri == "git+ssh://git@github.com/acme/app.git");
  CHECK(s.ref.empty());
  st["predicate"]["buildDefinition"]["externalParameters"]["source"] = {{"uri", "git+https://x/y"}, {"ref", "main"}};
  s = statement_source(st);
  CHECK(s.uri == "git+https://x/y");
  CHECK(s.ref == "main");
  CHECK(normalize_repo_uri("git+https://github.com/acme/app.git/") == "https://github.com/acme/app");
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("attest");

// Issue 20 §2: fail closed.
TEST_CASE("attest::policy_failed_steps_fail_by_default") {
  json st = sample_statement();  // step "test" exited 2
  auto r = evaluate_policy(Policy{}, st, {});
  REQUIRE(find(r, "stepsSucceeded") != nullptr);
  CHECK_FALSE(find(r, "stepsSucceeded")->passed);
  CHECK(find(r, "stepsSucceeded")->actual == "test exited 2");
  Policy allow = *policy_from_json(R"({"allowFailedSteps": true})", "p");
  CHECK(find(evaluate_policy(allow, st, {}), "stepsSucceeded") == nullptr);
  // requiredStepsSucceeded keeps its meaning for the named steps, even with failures allowed.
  allow.required_steps = {"test"};
  CHECK_FALSE(find(evaluate_policy(allow, st, {}), "policy.requiredStepsSucceeded")->passed);
}

TEST_CASE("attest::policy_empty_allow_lists_are_errors") {
  for (const char* key : {"allowedBuilders", "allowedSourceRepos", "allowedSourceRefs"}) {
    auto p = policy_from_json(std::string("{\"") + key + "\": []}", "p.json");
    REQUIRE_FALSE(p.ok());
    CHECK(p.message().find(key) != std::string::npos);
    CHECK(p.message().find("empty list") != std::string::npos);
  }
  CHECK_FALSE(policy_from_json(R"({"requireTraced": []})", "p").ok());
  CHECK_FALSE(policy_from_json(R"({"requireTraced": "yes"})", "p").ok());
  CHECK_FALSE(policy_from_json(R"({"requireCleanSource": 1})", "p").ok());
}

TEST_CASE("attest::policy_require_traced_and_network") {
  json st = sample_statement();  // build traced (networkDestinations), test not
  Policy p = *policy_from_json(R"({"requireTraced": true, "allowFailedSteps": true})", "p");
  auto r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.requireTraced")->passed);
  CHECK(find(r, "policy.requireTraced")->actual == "untraced: test");
  p = *policy_from_json(R"({"requireTraced": ["build"], "allowFailedSteps": true})", "p");
  CHECK(find(evaluate_policy(p, st, {}), "policy.requireTraced")->passed);
  p = *policy_from_json(R"({"requireTraced": ["deploy"], "allowFailedSteps": true})", "p");
  CHECK(find(evaluate_policy(p, st, {}), "policy.requireTraced")->actual == "untraced: deploy (not in the run)");

  // deniedNetworkDestinations over an untraced step: a warning, or a failure under requireTraced.
  p = *policy_from_json(R"({"deniedNetworkDestinations": ["10.*"], "allowFailedSteps": true})", "p");
  r = evaluate_policy(p, st, {});
  REQUIRE(find(r, "policy.deniedNetworkDestinations") != nullptr);
  CHECK(find(r, "policy.deniedNetworkDestinations")->passed);
  CHECK(find(r, "policy.deniedNetworkDestinations")->warning);
  CHECK(find(r, "policy.deniedNetworkDestinations")->actual.find("test") != std::string::npos);
  p.require_traced = true;
  r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.deniedNetworkDestinations")->passed);
}

TEST_CASE("attest::policy_require_clean_source") {
  json st = sample_statement();
  Policy p = *policy_from_json(R"({"requireCleanSource": true, "allowFailedSteps": true})", "p");
  auto& b = st["predicate"]["runDetails"]["byproducts"];
  b[b.size() - 2]["annotations"]["gitDirty"] = 0;
  b[b.size() - 1]["annotations"]["gitDirty"] = 0;
  CHECK(find(evaluate_policy(p, st, {}), "policy.requireCleanSource")->passed);
  b[b.size() - 1]["annotations"]["gitDirty"] = 3;
  auto r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.requireCleanSource")->passed);
  CHECK(find(r, "policy.requireCleanSource")->actual == "test (3 tracked files changed)");
  b[b.size() - 1]["annotations"].erase("gitDirty");
  CHECK_FALSE(find(evaluate_policy(p, st, {}), "policy.requireCleanSource")->passed);
}

TEST_CASE("attest::policy_every_rule_runs_after_a_failure") {
  json st = sample_statement();
  Policy p = *policy_from_json(
      R"({"allowedBuilders": ["https://gitlab.com/*"], "requiredSteps": ["scan", "test"],
          "requiredStepsInOrder": true, "maxAge": "1h", "requireSbom": true})",
      "p");
  auto r = evaluate_policy(p, st, at("2026-11-28T00:00:00Z"));
  for (const char* rule : {"policy.allowedBuilders", "policy.requiredSteps", "policy.requiredStepsInOrder",
                           "policy.requiredStepsSucceeded", "stepsSucceeded", "policy.maxAge", "policy.requireSbom"}) {
    REQUIRE_MESSAGE(find(r, rule) != nullptr, rule);
    CHECK_FALSE_MESSAGE(find(r, rule)->passed, rule);
  }
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::policy_network_by_hostname") {
  json st = sample_statement();
  // The build step resolved 140.82.112.3 from github.com (annotations.networkHosts), and also
  // connected to an address it never resolved.
  json& by = st["predicate"]["runDetails"]["byproducts"];
  by.erase(by.size() - 1);  // the untraced step
  json& a = by.back()["annotations"];
  REQUIRE(a["step"] == "build");
  a["networkDestinations"] = {"140.82.112.3:443", "203.0.113.9:8443"};
  a["networkHosts"] = {{"140.82.112.3:443", "github.com"}};

  Policy p = *policy_from_json(R"({"deniedNetworkDestinations": ["github.com"]})", "p");
  auto r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.deniedNetworkDestinations")->passed);
  CHECK(find(r, "policy.deniedNetworkDestinations")->actual == "build -> 140.82.112.3:443 (github.com)");
  p = *policy_from_json(R"({"deniedNetworkDestinations": ["*.github.com:443", "github.org"]})", "p");
  CHECK(find(evaluate_policy(p, st, {}), "policy.deniedNetworkDestinations")->passed);

  // Allowed: every connection must match, by name or by address.
  p = *policy_from_json(R"({"allowedNetworkDestinations": ["github.com:443"]})", "p");
  r = evaluate_policy(p, st, {});
  CHECK_FALSE(find(r, "policy.allowedNetworkDestinations")->passed);
  CHECK(find(r, "policy.allowedNetworkDestinations")->actual == "not allowed: build -> 203.0.113.9:8443");
  p = *policy_from_json(R"({"allowedNetworkDestinations": ["github.com:443", "203.0.113.*"]})", "p");
  r = evaluate_policy(p, st, {});
  CHECK(find(r, "policy.allowedNetworkDestinations")->passed);
  CHECK(find(r, "policy.allowedNetworkDestinations")->actual == "every connection allowed");
  // A name is matched only where the step resolved it: the bare address is not "github.com".
  a.erase("networkHosts");
  p = *policy_from_json(R"({"allowedNetworkDestinations": ["github.com", "203.0.113.*"]})", "p");
  CHECK_FALSE(find(evaluate_policy(p, st, {}), "policy.allowedNetworkDestinations")->passed);
  // Untraced steps: the deny-list warns, the allow-list fails (its connections are unknown).
  json untraced = sample_statement();
  p = *policy_from_json(R"({"allowedNetworkDestinations": ["*"], "allowFailedSteps": true})", "p");
  r = evaluate_policy(p, untraced, {});
  CHECK_FALSE(find(r, "policy.allowedNetworkDestinations")->passed);
  CHECK(find(r, "policy.allowedNetworkDestinations")->actual == "steps not traced, connections unknown: test");
  // An empty allow-list is refused, as for the other allow-lists.
  CHECK_FALSE(policy_from_json(R"({"allowedNetworkDestinations": []})", "p").ok());
}

TEST_SUITE_END();
