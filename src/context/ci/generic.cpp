// Any other CI that follows the common convention CI=true (Travis, Drone, Woodpecker, ...).
// Nothing else is standard, so only the platform is known: builder_id and run_id stay empty and
// the record dir falls back to a generated run id.
#include "ci_env.hpp"

namespace hallmark::ci {

bool detect_generic(const EnvMap& env) { return is_true(env, "CI"); }

CiContext collect_generic(const EnvMap& env) {
  CiContext c;
  c.platform = "generic";
  select(env, c, {"CI", "CI_NAME", "BUILD_NUMBER", "BUILD_ID"});
  return c;
}

}  // namespace hallmark::ci
