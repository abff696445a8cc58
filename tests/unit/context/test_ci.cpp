// Each detector is driven by the variables its platform documents, with realistic values.
#include "hallmark/context/ci.hpp"

#include <doctest/doctest.h>

using namespace hallmark;

namespace {
CiContext must_detect(const EnvMap& env, const char* platform) {
  auto c = detect_ci(env);
  REQUIRE(c.has_value());
  CHECK(c->platform == platform);
  return *c;
}
const std::string kSha = "ffac537e6cbbf934b08745a378932722df287a53";
}  // namespace

TEST_SUITE_BEGIN("context");

TEST_CASE("context::ci no CI") {
  CHECK_FALSE(detect_ci({}).has_value());
  CHECK_FALSE(detect_ci({{"CI", "false"}, {"HOME", "/root"}}).has_value());
  CHECK(ci_detectors().back().name == std::string("generic"));
}

TEST_CASE("context::ci github actions") {
  EnvMap env{{"CI", "true"},
             {"GITHUB_ACTIONS", "true"},
             {"GITHUB_SERVER_URL", "https://github.com"},
             {"GITHUB_REPOSITORY", "octo-org/octo-repo"},
             {"GITHUB_RUN_ID", "1658821493"},
             {"GITHUB_RUN_ATTEMPT", "2"},
             {"GITHUB_RUN_NUMBER", "42"},
             {"GITHUB_WORKFLOW", "Build and release"},
             {"GITHUB_WORKFLOW_REF", "octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main"},
             {"GITHUB_JOB", "build"},
             {"GITHUB_EVENT_NAME", "push"},
             {"GITHUB_REF", "refs/heads/main"},
             {"GITHUB_SHA", kSha},
             {"GITHUB_ACTOR", "octocat"},
             {"GITHUB_TOKEN", "ghs_" + std::string(36, 'q')},
             {"RUNNER_ENVIRONMENT", "github-hosted"}};
  CiContext c = must_detect(env, "github-actions");  // wins over the generic CI=true
  CHECK(c.builder_id == "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main");
  CHECK(c.run_id == "1658821493-2");
  CHECK(c.run_attempt == "2");
  CHECK(c.run_url == "https://github.com/octo-org/octo-repo/actions/runs/1658821493/attempts/2");
  CHECK(c.pipeline == "Build and release");
  CHECK(c.job == "build");
  CHECK(c.trigger == "push");
  CHECK(c.ref == "refs/heads/main");
  CHECK(c.commit == kSha);
  CHECK(c.actor == "octocat");
  CHECK(c.repository_url == "https://github.com/octo-org/octo-repo");
  CHECK(c.selected.at("GITHUB_RUN_NUMBER") == "42");
  CHECK_FALSE(c.selected.count("GITHUB_TOKEN"));

  // Older runners: no workflow ref, no attempt.
  env.erase("GITHUB_WORKFLOW_REF");
  env.erase("GITHUB_RUN_ATTEMPT");
  env["RUNNER_ENVIRONMENT"] = "self-hosted";
  c = must_detect(env, "github-actions");
  CHECK(c.builder_id == "https://github.com/actions/runner/self-hosted");
  CHECK(c.run_id == "1658821493-1");
  CHECK(c.run_attempt == "1");
}

TEST_CASE("context::ci gitlab") {
  EnvMap env{{"CI", "true"},
             {"GITLAB_CI", "true"},
             {"CI_SERVER_URL", "https://gitlab.example.com"},
             {"CI_PROJECT_URL", "https://gitlab.example.com/group/proj"},
             {"CI_PROJECT_PATH", "group/proj"},
             {"CI_RUNNER_ID", "12270831"},
             {"CI_PIPELINE_ID", "1000"},
             {"CI_PIPELINE_URL", "https://gitlab.example.com/group/proj/-/pipelines/1000"},
             {"CI_JOB_ID", "4089072540"},
             {"CI_JOB_URL", "https://gitlab.example.com/group/proj/-/jobs/4089072540"},
             {"CI_JOB_NAME", "build-job"},
             {"CI_PIPELINE_SOURCE", "push"},
             {"CI_COMMIT_REF_NAME", "main"},
             {"CI_COMMIT_BRANCH", "main"},
             {"CI_COMMIT_SHA", kSha},
             {"GITLAB_USER_LOGIN", "alice"},
             {"CI_JOB_TOKEN", "glcbt-secret"},
             {"CI_REPOSITORY_URL", "https://gitlab-ci-token:glcbt-secret@gitlab.example.com/group/proj.git"}};
  CiContext c = must_detect(env, "gitlab-ci");
  CHECK(c.builder_id == "https://gitlab.example.com/group/proj/-/runners/12270831");
  CHECK(c.run_id == "1000-4089072540");
  CHECK(c.run_attempt == "");
  CHECK(c.run_url == "https://gitlab.example.com/group/proj/-/jobs/4089072540");
  CHECK(c.pipeline == "group/proj");
  CHECK(c.job == "build-job");
  CHECK(c.trigger == "push");
  CHECK(c.ref == "refs/heads/main");
  CHECK(c.commit == kSha);
  CHECK(c.actor == "alice");
  CHECK(c.repository_url == "https://gitlab.example.com/group/proj");
  for (const auto& [k, v] : c.selected) CHECK(v.find("glcbt-secret") == std::string::npos);

  env["CI_JOB_RETRY_COUNT"] = "2";
  env.erase("CI_COMMIT_BRANCH");
  env["CI_COMMIT_TAG"] = "v1.2.0";
  c = must_detect(env, "gitlab-ci");
  CHECK(c.run_attempt == "3");
  CHECK(c.ref == "refs/tags/v1.2.0");
}

TEST_CASE("context::ci jenkins") {
  EnvMap env{{"JENKINS_URL", "https://ci.example.com/"},
             {"BUILD_NUMBER", "57"},
             {"BUILD_ID", "57"},
             {"BUILD_TAG", "jenkins-team/app/main-57"},
             {"BUILD_URL", "https://ci.example.com/job/team/job/app/job/main/57/"},
             {"JOB_NAME", "team/app/main"},
             {"STAGE_NAME", "Build"},
             {"GIT_COMMIT", kSha},
             {"GIT_BRANCH", "origin/main"},
             {"GIT_URL", "https://bot:pw@git.example.com/app.git"},
             {"BRANCH_NAME", "main"}};
  CiContext c = must_detect(env, "jenkins");
  CHECK(c.builder_id == "https://ci.example.com");
  CHECK(c.run_id == "jenkins-team-app-main-57");
  CHECK(c.run_url == "https://ci.example.com/job/team/job/app/job/main/57");
  CHECK(c.pipeline == "team/app/main");
  CHECK(c.job == "Build");
  CHECK(c.trigger == "");
  CHECK(c.ref == "refs/heads/main");
  CHECK(c.commit == kSha);
  CHECK(c.repository_url == "https://git.example.com/app.git");
  env.erase("BRANCH_NAME");
  env["CHANGE_ID"] = "12";
  env["CHANGE_AUTHOR"] = "bob";
  c = must_detect(env, "jenkins");
  CHECK(c.ref == "origin/main");
  CHECK(c.trigger == "change-request");
  CHECK(c.actor == "bob");
}

TEST_CASE("context::ci circleci") {
  EnvMap env{{"CI", "true"},
             {"CIRCLECI", "true"},
             {"CIRCLE_WORKFLOW_ID", "5a1f0e2b-7c3d-4e5f-9a8b-0c1d2e3f4a5b"},
             {"CIRCLE_BUILD_NUM", "314"},
             {"CIRCLE_BUILD_URL", "https://circleci.com/gh/org/repo/314"},
             {"CIRCLE_JOB", "test"},
             {"CIRCLE_PROJECT_REPONAME", "repo"},
             {"CIRCLE_SHA1", kSha},
             {"CIRCLE_BRANCH", "feature/x"},
             {"CIRCLE_USERNAME", "carol"},
             {"CIRCLE_REPOSITORY_URL", "git@github.com:org/repo.git"}};
  CiContext c = must_detect(env, "circleci");
  CHECK(c.builder_id == "https://circleci.com");
  CHECK(c.run_id == "5a1f0e2b-7c3d-4e5f-9a8b-0c1d2e3f4a5b-314");
  CHECK(c.run_url == "https://circleci.com/gh/org/repo/314");
  CHECK(c.pipeline == "repo");
  CHECK(c.job == "test");
  CHECK(c.ref == "refs/heads/feature/x");
  CHECK(c.commit == kSha);
  CHECK(c.actor == "carol");
  CHECK(c.repository_url == "git@github.com:org/repo.git");
  env["CIRCLE_TAG"] = "v2";
  env["CIRCLE_PULL_REQUEST"] = "https://github.com/org/repo/pull/9";
  c = must_detect(env, "circleci");
  CHECK(c.ref == "refs/tags/v2");
  CHECK(c.trigger == "pull_request");
}

TEST_CASE("context::ci azure pipelines") {
  EnvMap env{{"TF_BUILD", "True"},
             {"SYSTEM_COLLECTIONURI", "https://dev.azure.com/fabrikam/"},
             {"SYSTEM_TEAMPROJECT", "Fabrikam Fiber"},
             {"BUILD_BUILDID", "1234"},
             {"SYSTEM_JOBID", "12f1170f-54f2-53f3-20dd-22fc7dff55f9"},
             {"SYSTEM_JOBATTEMPT", "3"},
             {"BUILD_DEFINITIONNAME", "ci-main"},
             {"SYSTEM_JOBDISPLAYNAME", "Build Linux"},
             {"BUILD_REASON", "IndividualCI"},
             {"BUILD_SOURCEBRANCH", "refs/heads/main"},
             {"BUILD_SOURCEVERSION", kSha},
             {"BUILD_REQUESTEDFOR", "Dana Smith"},
             {"BUILD_REPOSITORY_URI", "https://fabrikam@dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/app"},
             {"SYSTEM_ACCESSTOKEN", "secret"}};
  CiContext c = must_detect(env, "azure-pipelines");
  CHECK(c.builder_id == "https://dev.azure.com/fabrikam/Fabrikam%20Fiber");
  CHECK(c.run_id == "1234-12f1170f-54f2-53f3-20dd-22fc7dff55f9-3");
  CHECK(c.run_attempt == "3");
  CHECK(c.run_url == "https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_build/results?buildId=1234");
  CHECK(c.pipeline == "ci-main");
  CHECK(c.job == "Build Linux");
  CHECK(c.trigger == "IndividualCI");
  CHECK(c.ref == "refs/heads/main");
  CHECK(c.commit == kSha);
  CHECK(c.actor == "Dana Smith");
  CHECK(c.repository_url == "https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/app");
}

TEST_CASE("context::ci buildkite") {
  EnvMap env{{"CI", "true"},
             {"BUILDKITE", "true"},
             {"BUILDKITE_ORGANIZATION_SLUG", "acme"},
             {"BUILDKITE_PIPELINE_SLUG", "web"},
             {"BUILDKITE_BUILD_ID", "0189a5b2-1111-2222-3333-444455556666"},
             {"BUILDKITE_JOB_ID", "0189a5b2-aaaa-bbbb-cccc-ddddeeeeffff"},
             {"BUILDKITE_RETRY_COUNT", "1"},
             {"BUILDKITE_BUILD_URL", "https://buildkite.com/acme/web/builds/88"},
             {"BUILDKITE_LABEL", ":hammer: build"},
             {"BUILDKITE_SOURCE", "webhook"},
             {"BUILDKITE_BRANCH", "main"},
             {"BUILDKITE_TAG", ""},
             {"BUILDKITE_COMMIT", kSha},
             {"BUILDKITE_BUILD_CREATOR", "Eve"},
             {"BUILDKITE_REPO", "git@github.com:acme/web.git"},
             {"BUILDKITE_AGENT_ACCESS_TOKEN", "bkua_secret"}};
  CiContext c = must_detect(env, "buildkite");
  CHECK(c.builder_id == "https://buildkite.com/acme");
  CHECK(c.run_attempt == "2");
  CHECK(c.run_id == "0189a5b2-1111-2222-3333-444455556666-0189a5b2-aaaa-bbbb-cccc-ddddeeeeffff-2");
  CHECK(c.run_url == "https://buildkite.com/acme/web/builds/88#0189a5b2-aaaa-bbbb-cccc-ddddeeeeffff");
  CHECK(c.pipeline == "web");
  CHECK(c.job == ":hammer: build");
  CHECK(c.trigger == "webhook");
  CHECK(c.ref == "refs/heads/main");
  CHECK(c.commit == kSha);
  CHECK(c.actor == "Eve");
  CHECK(c.repository_url == "git@github.com:acme/web.git");
  env.erase("BUILDKITE_RETRY_COUNT");
  CHECK(must_detect(env, "buildkite").run_attempt == "1");
}

TEST_CASE("context::ci bitbucket pipelines") {
  EnvMap env{{"CI", "true"},
             {"BITBUCKET_BUILD_NUMBER", "77"},
             {"BITBUCKET_PIPELINE_UUID", "{2fd5e9d9-0000-4c5a-9d0e-1234567890ab}"},
             {"BITBUCKET_STEP_UUID", "{8a7b6c5d-1111-4e3f-a2b1-abcdefabcdef}"},
             {"BITBUCKET_GIT_HTTP_ORIGIN", "http://bitbucket.org/team/app"},
             {"BITBUCKET_WORKSPACE", "team"},
             {"BITBUCKET_REPO_SLUG", "app"},
             {"BITBUCKET_COMMIT", kSha},
             {"BITBUCKET_TAG", "v3.0"},
             {"BITBUCKET_STEP_TRIGGERER_UUID", "{f00dcafe-0000-0000-0000-000000000001}"}};
  CiContext c = must_detect(env, "bitbucket-pipelines");
  CHECK(c.builder_id == "http://bitbucket.org/team/app/pipelines");
  CHECK(c.run_id == "2fd5e9d9-0000-4c5a-9d0e-1234567890ab-8a7b6c5d-1111-4e3f-a2b1-abcdefabcdef");
  CHECK(c.run_url == "http://bitbucket.org/team/app/pipelines/results/77");
  CHECK(c.pipeline == "team/app");
  CHECK(c.ref == "refs/tags/v3.0");
  CHECK(c.commit == kSha);
  CHECK(c.actor == "{f00dcafe-0000-0000-0000-000000000001}");
  CHECK(c.repository_url == "http://bitbucket.org/team/app");
  env["BITBUCKET_PR_ID"] = "5";
  CHECK(must_detect(env, "bitbucket-pipelines").trigger == "pull_request");
}

TEST_CASE("context::ci generic CI=true") {
  CiContext c = must_detect({{"CI", "true"}, {"CI_NAME", "drone"}}, "generic");
  CHECK(c.run_id.empty());
  CHECK(c.selected.at("CI_NAME") == "drone");
  CHECK(must_detect({{"CI", "1"}}, "generic").platform == "generic");
}

TEST_CASE("context::ci values are redacted") {
  EnvMap env{{"GITHUB_ACTIONS", "true"},
             {"GITHUB_SERVER_URL", "https://tok:" + std::string("x0000000000") + "@ghe.example.com"},
             {"GITHUB_REPOSITORY", "o/r"},
             {"GITHUB_RUN_ID", "1"},
             {"GITHUB_ACTOR", "ghp_" + std::string(36, 'z')}};
  CiContext c = must_detect(env, "github-actions");
  CHECK(c.repository_url == "https://ghe.example.com/o/r");
  CHECK(c.actor == "[REDACTED]");
}

TEST_SUITE_END();
