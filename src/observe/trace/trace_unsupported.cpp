// Systems without the Linux tracer (not Linux, or a CPU the seccomp filter does not know): `--trace` runs untraced (or
// fails with --require-trace).
#include "hallmark/observe/trace.hpp"

namespace hallmark {

Status trace_available() { return make_error("process tracing is implemented for Linux on x86_64 and aarch64 only"); }

Result<TracedOutcome> spawn_traced(const SpawnOptions&, const TraceOptions&) {
  return make_error("process tracing is implemented for Linux on x86_64 and aarch64 only");
}

}  // namespace hallmark
