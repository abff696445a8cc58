// trace-run CMD [ARGS...]: runs CMD under spawn_traced() with the cwd as workspace and prints a
// one-line summary to stderr. The tracer without the rest of `hallmark run` (no tree walks, no
// record): what bench/bench_trace.sh times when asked to isolate the tracer.
#include "hallmark/observe/trace.hpp"

#include <cstdio>
#include <filesystem>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: trace-run CMD [ARGS...]\n");
    return 2;
  }
  hallmark::SpawnOptions spawn;
  for (int i = 1; i < argc; ++i) spawn.argv.emplace_back(argv[i]);
  for (char** e = environ; *e; ++e) spawn.env.emplace_back(*e);
  hallmark::TraceOptions options;
  options.workspace = std::filesystem::current_path();
  options.record_dir = options.workspace / ".hallmark";
  auto r = hallmark::spawn_traced(spawn, options);
  if (!r.ok()) {
    std::fprintf(stderr, "trace-run: %s\n", r.message().c_str());
    return 2;
  }
  const auto& s = r->trace.summary;
  std::fprintf(stderr, "trace-run: %llu processes, %llu files read, %llu written, %llu failed opens, %zu toolchain\n",
               (unsigned long long)s.processes, (unsigned long long)s.files_read, (unsigned long long)s.files_written,
               (unsigned long long)s.failed_opens, r->trace.toolchain.size());
  return r->child.exit_code;
}
