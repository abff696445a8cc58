// Environment section: filter by --env-allow / --env-deny globs, then redact. Deny wins over
// allow so that a broad allow ("*") can still drop a noisy or sensitive family of variables.
#include "hallmark/context/env_context.hpp"

#include "hallmark/context/redact.hpp"
#include "hallmark/util/glob.hpp"

#include <algorithm>

namespace hallmark {
namespace {

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return wildcard_match(p, name); });
}

}  // namespace

EnvContext collect_env_context(const EnvMap& env, const EnvFilter& filter) {
  EnvContext ctx;
  for (const auto& [name, value] : env) {
    if (!filter.allow.empty() && !matches_any(filter.allow, name)) continue;
    if (matches_any(filter.deny, name)) continue;
    std::string shown = redact_env_value(name, value);
    // Any change means a secret was found; the name is listed so a reader of the record knows
    // the value existed but was withheld (a partial redaction, e.g. URL credentials, counts).
    if (shown != value) ctx.redacted.push_back(name);
    ctx.vars.emplace(name, std::move(shown));
  }
  return ctx;
}

}  // namespace hallmark
