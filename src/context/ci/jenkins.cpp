// Jenkins (jenkins.io: "Pipeline > Using environment variables", env-vars.html; GIT_* from the
// Git plugin; BRANCH_NAME/TAG_NAME/CHANGE_* from multibranch pipelines). builder_id is the
// controller, JENKINS_URL. A rebuild is a new BUILD_NUMBER, so BUILD_TAG
// ("jenkins-<job>-<number>") already names one attempt of one job; there is no attempt counter.
// Jenkins exposes no trigger variable; a multibranch change request (CHANGE_ID) is reported as
// "change-request", anything else is left empty rather than guessed.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_jenkins(const EnvMap& env) { return is_set(env, "JENKINS_URL"); }

CiContext collect_jenkins(const EnvMap& env) {
  CiContext c;
  c.platform = "jenkins";
  c.builder_id = url_var(env, "JENKINS_URL");
  std::string tag = var(env, "BUILD_TAG");
  std::string number = var(env, "BUILD_NUMBER");
  if (number.empty()) number = var(env, "BUILD_ID");
  c.run_id = !tag.empty() ? sanitize_run_id(tag) : join_id({"jenkins", var(env, "JOB_NAME"), number});
  c.run_url = url_var(env, "BUILD_URL");
  c.pipeline = var(env, "JOB_NAME");
  c.job = var(env, "STAGE_NAME");
  if (is_set(env, "CHANGE_ID")) c.trigger = "change-request";
  c.ref = full_ref(var(env, "BRANCH_NAME"), var(env, "TAG_NAME"));
  if (c.ref.empty()) c.ref = var(env, "GIT_BRANCH");  // "origin/main": as the Git plugin says
  c.commit = var(env, "GIT_COMMIT");
  c.actor = var(env, "BUILD_USER_ID");  // build-user-vars plugin
  if (c.actor.empty()) c.actor = var(env, "CHANGE_AUTHOR");
  c.repository_url = url_var(env, "GIT_URL");
  select(env, c,
         {"BUILD_NUMBER", "BUILD_ID", "BUILD_TAG", "JOB_NAME", "JOB_BASE_NAME", "NODE_NAME", "EXECUTOR_NUMBER",
          "GIT_BRANCH", "GIT_LOCAL_BRANCH", "BRANCH_NAME", "TAG_NAME", "CHANGE_ID", "CHANGE_TARGET", "CHANGE_URL"});
  return c;
}

}  // namespace hallmark::ci
