// Spawning the wrapped command: same stdin/stdout/stderr (a TTY stays a TTY), cwd and
// environment (plus what hallmark adds, e.g. TRACEPARENT). SIGINT, SIGTERM, SIGHUP and SIGQUIT
// sent to hallmark are forwarded to the child; the child's exit status is reported exactly.
#pragma once

#include "hallmark/model/context.hpp"
#include "hallmark/util/result.hpp"
#include "hallmark/util/time.hpp"

#include <functional>
#include <string>
#include <vector>

namespace hallmark {

struct SpawnOptions {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // full environment, "NAME=value"
};

struct ChildOutcome {
  int exit_code = 0;    // the status hallmark exits with: code, or 128+signal
  int signal = 0;       // terminating signal, 0 if it exited
  int spawn_errno = 0;  // ENOENT / EACCES... when exec failed: exit_code is 127 / 126
  Rusage rusage;
  SystemTime started, finished;
};

// Resolves argv[0] through PATH like execvp; ENOENT or EACCES when it cannot be run.
std::string resolve_program(const std::string& name, const std::vector<std::string>& env, int& err);

// Forks and execs; blocks until the child exits. Signals in the forward set are relayed while
// waiting. `after_fork` (optional) runs in the parent with the child's pid (the tracer hooks
// here); it must not block.
Result<ChildOutcome> spawn_and_wait(const SpawnOptions& options);

// An executable file execve() refuses with ENOEXEC (a script without a "#!" line) is run by
// this shell, as execvp, env and every shell do; hallmark must run what the shell would.
inline constexpr const char* kEnoexecShell = "/bin/sh";
// The argv of that fallback: {kEnoexecShell, program, argv[1]...}, null-terminated. Built before
// fork (the child may not allocate); the pointers are into `program` and `argv`.
std::vector<char*> enoexec_shell_argv(const std::string& program, const std::vector<std::string>& argv);

// Turns a wait status into what a shell reports: code, or 128+signal.
int shell_exit_status(int wait_status, int* signal_out);

// Installs forwarding handlers for SIGINT/SIGTERM/SIGHUP/SIGQUIT to `pid` (0 to uninstall).
void forward_signals_to(int pid);

}  // namespace hallmark
