// Azure Pipelines (learn.microsoft.com: "Use predefined variables"; in the environment
// Build.BuildId becomes BUILD_BUILDID). builder_id is the organization and project,
// ${SYSTEM_COLLECTIONURI}${SYSTEM_TEAMPROJECT}; the run URL is that plus
// /_build/results?buildId=N. System.JobAttempt counts attempts of the job from 1.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_azure_pipelines(const EnvMap& env) { return is_true(env, "TF_BUILD"); }

CiContext collect_azure_pipelines(const EnvMap& env) {
  CiContext c;
  c.platform = "azure-pipelines";
  std::string collection = url_var(env, "SYSTEM_COLLECTIONURI");
  if (collection.empty()) collection = url_var(env, "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI");
  std::string project = var(env, "SYSTEM_TEAMPROJECT");
  std::string build = var(env, "BUILD_BUILDID");
  if (!collection.empty()) {
    c.builder_id = collection;
    if (!project.empty()) c.builder_id.append("/").append(percent_encode_path_segment(project));
  }
  c.run_attempt = var(env, "SYSTEM_JOBATTEMPT");
  c.run_id = join_id({build, var(env, "SYSTEM_JOBID"), c.run_attempt});
  if (!c.builder_id.empty() && !project.empty() && !build.empty())
    c.run_url = c.builder_id + "/_build/results?buildId=" + build;
  c.pipeline = var(env, "BUILD_DEFINITIONNAME");
  c.job = var(env, "SYSTEM_JOBDISPLAYNAME");
  if (c.job.empty()) c.job = var(env, "AGENT_JOBNAME");
  c.trigger = var(env, "BUILD_REASON");
  c.ref = var(env, "BUILD_SOURCEBRANCH");
  c.commit = var(env, "BUILD_SOURCEVERSION");
  c.actor = var(env, "BUILD_REQUESTEDFOR");
  c.repository_url = url_var(env, "BUILD_REPOSITORY_URI");
  select(env, c,
         {"BUILD_BUILDID", "BUILD_BUILDNUMBER", "SYSTEM_JOBID", "SYSTEM_JOBATTEMPT", "SYSTEM_DEFINITIONID",
          "SYSTEM_TEAMPROJECT", "SYSTEM_STAGEDISPLAYNAME", "BUILD_REQUESTEDFORID", "BUILD_REPOSITORY_NAME",
          "BUILD_REPOSITORY_PROVIDER", "AGENT_ID", "AGENT_NAME", "AGENT_OS", "SYSTEM_PULLREQUEST_PULLREQUESTID"});
  return c;
}

}  // namespace hallmark::ci
