// Bitbucket Pipelines (support.atlassian.com: "Variables and secrets", default variables).
// builder_id is the repository's pipelines page, ${BITBUCKET_GIT_HTTP_ORIGIN}/pipelines; the
// run URL is .../pipelines/results/${BITBUCKET_BUILD_NUMBER}. Bitbucket names neither the step
// nor the trigger in the environment and has no attempt counter: job is left empty, trigger is
// "pull_request" when BITBUCKET_PR_ID is set, and "<pipeline uuid>-<step uuid>" identifies one
// step run (a re-run step gets a new step UUID). The actor is the triggering user's UUID.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_bitbucket_pipelines(const EnvMap& env) {
  return is_set(env, "BITBUCKET_BUILD_NUMBER") || is_set(env, "BITBUCKET_PIPELINE_UUID");
}

namespace {
std::string strip_braces(std::string s) {
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') return s.substr(1, s.size() - 2);
  return s;
}
}  // namespace

CiContext collect_bitbucket_pipelines(const EnvMap& env) {
  CiContext c;
  c.platform = "bitbucket-pipelines";
  std::string origin = url_var(env, "BITBUCKET_GIT_HTTP_ORIGIN");
  std::string number = var(env, "BITBUCKET_BUILD_NUMBER");
  if (!origin.empty()) c.builder_id = origin + "/pipelines";
  c.run_id =
      join_id({strip_braces(var(env, "BITBUCKET_PIPELINE_UUID")), strip_braces(var(env, "BITBUCKET_STEP_UUID"))});
  if (c.run_id.empty()) c.run_id = join_id({"bitbucket", number});
  if (!origin.empty() && !number.empty()) c.run_url = origin + "/pipelines/results/" + number;
  std::string ws = var(env, "BITBUCKET_WORKSPACE"), slug = var(env, "BITBUCKET_REPO_SLUG");
  c.pipeline = var(env, "BITBUCKET_REPO_FULL_NAME");
  if (c.pipeline.empty() && !ws.empty() && !slug.empty()) c.pipeline = ws + "/" + slug;
  if (is_set(env, "BITBUCKET_PR_ID")) c.trigger = "pull_request";
  c.ref = full_ref(var(env, "BITBUCKET_BRANCH"), var(env, "BITBUCKET_TAG"));
  c.commit = var(env, "BITBUCKET_COMMIT");
  c.actor = var(env, "BITBUCKET_STEP_TRIGGERER_UUID");
  c.repository_url = origin;
  select(env, c,
         {"BITBUCKET_BUILD_NUMBER", "BITBUCKET_PIPELINE_UUID", "BITBUCKET_STEP_UUID", "BITBUCKET_WORKSPACE",
          "BITBUCKET_REPO_SLUG", "BITBUCKET_REPO_UUID", "BITBUCKET_PR_ID", "BITBUCKET_PR_DESTINATION_BRANCH",
          "BITBUCKET_DEPLOYMENT_ENVIRONMENT"});
  return c;
}

}  // namespace hallmark::ci
