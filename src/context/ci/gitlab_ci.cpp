// GitLab CI/CD (docs.gitlab.com: "Predefined CI/CD variables reference").
// builder_id is the runner as GitLab's own SLSA provenance names it:
// ${CI_PROJECT_URL}/-/runners/${CI_RUNNER_ID} (falls back to CI_SERVER_URL without a runner id).
// GitLab has no attempt counter in older releases, but every retry of a job gets a new
// CI_JOB_ID, so "<pipeline>-<job>" is stable for all steps of one job attempt and new on retry.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_gitlab_ci(const EnvMap& env) { return is_true(env, "GITLAB_CI"); }

CiContext collect_gitlab_ci(const EnvMap& env) {
  CiContext c;
  c.platform = "gitlab-ci";
  std::string project = url_var(env, "CI_PROJECT_URL");
  std::string runner = var(env, "CI_RUNNER_ID");
  if (!project.empty() && !runner.empty()) c.builder_id = project + "/-/runners/" + runner;
  else c.builder_id = url_var(env, "CI_SERVER_URL");
  c.run_id = join_id({var(env, "CI_PIPELINE_ID"), var(env, "CI_JOB_ID")});
  // CI_JOB_RETRY_COUNT (newer GitLab) counts retries from 0.
  c.run_attempt = attempt_from_retry_count(var(env, "CI_JOB_RETRY_COUNT"), false);
  c.run_url = url_var(env, "CI_JOB_URL");
  if (c.run_url.empty()) c.run_url = url_var(env, "CI_PIPELINE_URL");
  c.pipeline = var(env, "CI_PIPELINE_NAME");
  if (c.pipeline.empty()) c.pipeline = var(env, "CI_PROJECT_PATH");
  c.job = var(env, "CI_JOB_NAME");
  c.trigger = var(env, "CI_PIPELINE_SOURCE");
  c.ref = full_ref(var(env, "CI_COMMIT_BRANCH"), var(env, "CI_COMMIT_TAG"));
  if (c.ref.empty()) c.ref = var(env, "CI_COMMIT_REF_NAME");  // merge request pipelines
  c.commit = var(env, "CI_COMMIT_SHA");
  c.actor = var(env, "GITLAB_USER_LOGIN");
  c.repository_url = project;
  select(env, c,
         {"CI_PIPELINE_ID", "CI_PIPELINE_IID", "CI_PIPELINE_URL", "CI_JOB_ID", "CI_JOB_URL", "CI_JOB_STAGE",
          "CI_JOB_RETRY_COUNT", "CI_PROJECT_PATH", "CI_PROJECT_ID", "CI_SERVER_URL", "CI_RUNNER_ID",
          "CI_RUNNER_DESCRIPTION", "CI_COMMIT_REF_NAME", "CI_MERGE_REQUEST_IID", "GITLAB_USER_ID", "CI_CONFIG_PATH"});
  return c;
}

}  // namespace hallmark::ci
