// The deploy policy `hallmark verify --policy FILE` applies after the signature and statement
// checks: a JSON file (format in docs/policy.md) of allowed builders, allowed source repos and
// refs, required steps (and their order), maximum age, a required SBOM, and denied network
// destinations and components. Unknown keys are errors: a typo must never weaken a policy.
// Every check reports expected and actual values, so a failed deploy says exactly why.
#pragma once

#include "hallmark/util/result.hpp"
#include "hallmark/util/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hallmark {

// One verification check and its outcome; shared by verify and the policy.
struct CheckResult {
  std::string check;  // "signature", "subject", "policy.allowedBuilders", ...
  bool passed = false;
  std::string expected;  // what the check wanted
  std::string actual;    // what it found
  bool warning = false;  // passed, but could not be judged fully: printed as a WARNING line
  // What failed the check, one value each, for a caller that acts on every one (the purls that
  // policy.deniedComponents denied: one telemetry event each); `actual` is their text.
  std::vector<std::string> offending{};
};

struct Policy {
  std::vector<std::string> allowed_builders;      // wildcard patterns on builder.id
  std::vector<std::string> allowed_source_repos;  // wildcard patterns on the source repo URI
  std::vector<std::string> allowed_source_refs;   // wildcard patterns on the source ref
  std::vector<std::string> required_steps;
  bool required_steps_in_order = false;
  bool required_steps_succeeded = true;  // a required step must have exited 0
  std::optional<int64_t> max_age_seconds;
  bool require_sbom = false;
  // Wildcard patterns on "addr:port", "addr", and, where the step resolved the address by
  // DNS, "host:port" and "host": no traced connection may match a denied one, and each must
  // match an allowed one (when the list is given).
  std::vector<std::string> denied_network_destinations;
  std::vector<std::string> allowed_network_destinations;
  std::vector<std::string> denied_components;     // purl patterns
  bool allow_failed_steps = false;                // off: any recorded step that failed fails verify
  bool require_traced = false;                    // every step (or those named) ran under --trace
  std::vector<std::string> require_traced_steps;  // empty: every step
  bool require_clean_source = false;              // no tracked file modified at any step
  bool forbid_record_tampering = false;           // no change to the record dir hallmark did not make
};

Result<Policy> policy_from_json(const std::string& text, const std::string& origin);
Result<Policy> load_policy(const std::filesystem::path& path);

// "90s", "15m", "24h", "7d" or a bare number of seconds.
std::optional<int64_t> parse_duration_seconds(const std::string& text);

// The repository URI as compared everywhere: without "git+", a trailing "/" or ".git".
std::string normalize_repo_uri(std::string uri);

// The source a statement names: externalParameters.source as {"uri","ref"} (ours) or as one
// "git+URL@REF" string (common in other builders' statements).
struct StatementSource {
  std::string uri;  // as written, e.g. "git+https://github.com/acme/app.git"
  std::string ref;
};
StatementSource statement_source(const nlohmann::json& statement);

// Evaluates every rule the policy sets against an (already authenticated) statement. Every rule
// runs whatever another found. A default Policy still checks that no recorded step failed.
std::vector<CheckResult> evaluate_policy(const Policy& policy, const nlohmann::json& statement, SystemTime now);

}  // namespace hallmark
