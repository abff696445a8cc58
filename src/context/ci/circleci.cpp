// CircleCI (circleci.com/docs: "Project values and variables", built-in environment
// variables). There is no documented builder id; hallmark uses https://circleci.com. A re-run
// creates a new workflow (new CIRCLE_WORKFLOW_ID), and each job has its own CIRCLE_BUILD_NUM, so
// "<workflow>-<build num>" names one attempt of one job. The trigger and workflow name are
// pipeline values CircleCI does not export to the environment: trigger is "pull_request" when
// CIRCLE_PULL_REQUEST is set, otherwise empty; pipeline is the project's repository name.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_circleci(const EnvMap& env) { return is_true(env, "CIRCLECI"); }

CiContext collect_circleci(const EnvMap& env) {
  CiContext c;
  c.platform = "circleci";
  c.builder_id = "https://circleci.com";
  c.run_id = join_id({var(env, "CIRCLE_WORKFLOW_ID"), var(env, "CIRCLE_BUILD_NUM")});
  c.run_url = url_var(env, "CIRCLE_BUILD_URL");
  c.pipeline = var(env, "CIRCLE_PROJECT_REPONAME");
  c.job = var(env, "CIRCLE_JOB");
  if (is_set(env, "CIRCLE_PULL_REQUEST")) c.trigger = "pull_request";
  c.ref = full_ref(var(env, "CIRCLE_BRANCH"), var(env, "CIRCLE_TAG"));
  c.commit = var(env, "CIRCLE_SHA1");
  c.actor = var(env, "CIRCLE_USERNAME");
  c.repository_url = url_var(env, "CIRCLE_REPOSITORY_URL");
  select(env, c,
         {"CIRCLE_WORKFLOW_ID", "CIRCLE_WORKFLOW_JOB_ID", "CIRCLE_BUILD_NUM", "CIRCLE_PROJECT_USERNAME",
          "CIRCLE_PROJECT_REPONAME", "CIRCLE_PULL_REQUEST", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL"});
  return c;
}

}  // namespace hallmark::ci
