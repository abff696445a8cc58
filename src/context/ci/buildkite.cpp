// Buildkite (buildkite.com/docs/pipelines/environment-variables). builder_id is the
// organization, https://buildkite.com/<BUILDKITE_ORGANIZATION_SLUG>; the run URL is the build
// URL with the job anchor. BUILDKITE_RETRY_COUNT counts retries of the job from 0.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_buildkite(const EnvMap& env) { return is_true(env, "BUILDKITE"); }

CiContext collect_buildkite(const EnvMap& env) {
  CiContext c;
  c.platform = "buildkite";
  std::string org = var(env, "BUILDKITE_ORGANIZATION_SLUG");
  c.builder_id = "https://buildkite.com";
  if (!org.empty()) c.builder_id.append("/").append(org);
  // Every job has a retry count, 0 on its first run.
  c.run_attempt = attempt_from_retry_count(var(env, "BUILDKITE_RETRY_COUNT"), true);
  c.run_id = join_id({var(env, "BUILDKITE_BUILD_ID"), var(env, "BUILDKITE_JOB_ID"), c.run_attempt});
  c.run_url = url_var(env, "BUILDKITE_BUILD_URL");
  std::string job_id = var(env, "BUILDKITE_JOB_ID");
  if (!c.run_url.empty() && !job_id.empty()) c.run_url += "#" + job_id;
  c.pipeline = var(env, "BUILDKITE_PIPELINE_SLUG");
  c.job = var(env, "BUILDKITE_LABEL");
  c.trigger = var(env, "BUILDKITE_SOURCE");
  c.ref = full_ref(var(env, "BUILDKITE_BRANCH"), var(env, "BUILDKITE_TAG"));
  c.commit = var(env, "BUILDKITE_COMMIT");
  c.actor = var(env, "BUILDKITE_BUILD_CREATOR");
  c.repository_url = url_var(env, "BUILDKITE_REPO");
  select(env, c,
         {"BUILDKITE_BUILD_ID", "BUILDKITE_BUILD_NUMBER", "BUILDKITE_JOB_ID", "BUILDKITE_RETRY_COUNT",
          "BUILDKITE_ORGANIZATION_SLUG", "BUILDKITE_PIPELINE_SLUG", "BUILDKITE_AGENT_ID", "BUILDKITE_AGENT_NAME",
          "BUILDKITE_PULL_REQUEST", "BUILDKITE_TRIGGERED_FROM_BUILD_ID"});
  return c;
}

}  // namespace hallmark::ci
