// Systems without the Linux tracer: `--trace` runs untraced (or fails with --require-trace).
#include "hallmark/observe/trace.hpp"

namespace hallmark {

bool trace_available(std::string* why) {
  if (why) *why = "process tracing is implemented for Linux only";
  return false;
}

Result<TracedOutcome> spawn_traced(const SpawnOptions&, const TraceOptions&) {
  return make_error("process tracing is implemented for Linux only");
}

} // namespace hallmark
