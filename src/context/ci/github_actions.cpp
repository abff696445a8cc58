// GitHub Actions (docs.github.com: "Variables reference", default environment variables).
// builder_id follows GitHub's own artifact attestations (actions/attest-build-provenance): the
// server URL joined with GITHUB_WORKFLOW_REF ("owner/repo/.github/workflows/x.yml@refs/heads/m"),
// i.e. the build definition that ran. Without that variable (older runners) it falls back to the
// runner identity they used before: https://github.com/actions/runner/<RUNNER_ENVIRONMENT>.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_github_actions(const EnvMap& env) { return is_true(env, "GITHUB_ACTIONS"); }

CiContext collect_github_actions(const EnvMap& env) {
  CiContext c;
  c.platform = "github-actions";
  std::string server = url_var(env, "GITHUB_SERVER_URL");
  if (server.empty()) server = "https://github.com";
  std::string repo = var(env, "GITHUB_REPOSITORY");
  std::string workflow_ref = var(env, "GITHUB_WORKFLOW_REF");
  if (!workflow_ref.empty()) {
    c.builder_id = server + "/" + workflow_ref;
  } else {
    std::string runner_env = var(env, "RUNNER_ENVIRONMENT");
    c.builder_id =
        "https://github.com/actions/runner/" + (runner_env.empty() ? std::string("github-hosted") : runner_env);
  }
  std::string run = var(env, "GITHUB_RUN_ID");
  c.run_attempt = var(env, "GITHUB_RUN_ATTEMPT");
  if (c.run_attempt.empty() && !run.empty()) c.run_attempt = "1";  // before attempts existed
  // One id for every step of every job of this attempt; a re-run gets a new one.
  c.run_id = join_id({run, c.run_attempt});
  if (!repo.empty() && !run.empty())
    c.run_url = server + "/" + repo + "/actions/runs/" + run + "/attempts/" + c.run_attempt;
  c.pipeline = var(env, "GITHUB_WORKFLOW");
  c.job = var(env, "GITHUB_JOB");
  c.trigger = var(env, "GITHUB_EVENT_NAME");
  c.ref = var(env, "GITHUB_REF");
  c.commit = var(env, "GITHUB_SHA");
  c.actor = var(env, "GITHUB_ACTOR");
  if (!repo.empty()) c.repository_url = server + "/" + repo;
  select(env, c,
         {"GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "GITHUB_RUN_ATTEMPT", "GITHUB_WORKFLOW_REF", "GITHUB_WORKFLOW_SHA",
          "GITHUB_REPOSITORY", "GITHUB_REPOSITORY_ID", "GITHUB_REPOSITORY_OWNER", "GITHUB_REPOSITORY_OWNER_ID",
          "GITHUB_ACTOR_ID", "GITHUB_TRIGGERING_ACTOR", "GITHUB_HEAD_REF", "GITHUB_BASE_REF", "GITHUB_REF_NAME",
          "GITHUB_REF_TYPE", "RUNNER_ENVIRONMENT", "RUNNER_OS", "RUNNER_ARCH", "RUNNER_NAME"});
  return c;
}

}  // namespace hallmark::ci
