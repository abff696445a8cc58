// `verify --events LOG`: the event log must hash-chain to the head signed among the provenance's
// byproducts (docs/telemetry.md), so an edited, reordered, deleted or truncated line fails.
#include "hallmark/attest/verify.hpp"

#include "json_path.hpp"

#include "hallmark/telemetry/event_log.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace hallmark {

using attest::internal::at_path;

Result<ExtraCheck> event_log_check(const std::filesystem::path& log) {
  // Unreadable input is an I/O error (exit 2), not a failed check: the caller gave a wrong path.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(log, ec))
    return make_error("--events " + log.string() + ": no such event log (pass the record dir's " + kEventLogName + ")");
  if (std::ifstream probe(log); !probe)
    return make_error("--events " + log.string() + ": cannot read: " + std::strerror(errno));
  return ExtraCheck([log](const nlohmann::json& statement) {
    // The statement is authenticated but its shape is not: a missing byproducts list or a
    // chainHead that is not a string is "no chain head", never an exception.
    std::string head;
    const nlohmann::json* bps = at_path(statement, {"predicate", "runDetails", "byproducts"});
    if (bps && bps->is_array())
      for (const auto& b : *bps)
        if (const nlohmann::json* h = at_path(b, {"annotations", "chainHead"}); h && h->is_string())
          head = h->get<std::string>();
    if (head.empty())
      return std::vector<CheckResult>{
          {"events", false, "an event log chain head (a string) among the byproducts", "none"}};
    Status st = verify_event_chain(log, head);
    return std::vector<CheckResult>{
        {"events", st.ok(), "event log intact, chain head " + head, st.ok() ? "intact" : st.message()}};
  });
}

}  // namespace hallmark
