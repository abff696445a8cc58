// The CLI is a thin layer: each subcommand file turns flags into a library options struct,
// calls the library, and prints the outcome. Subcommands are listed once, in main.cpp.
#pragma once

#include "hallmark/context/environment.hpp"
#include "hallmark/util/diagnostics.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace hallmark::cli {

// Shared by all subcommands: verbosity and the environment read once at startup.
struct Globals {
  int verbosity = 1;  // 0 quiet (-q), 1 summary, 2 detail (-v)
  EnvMap env;
  std::vector<std::string> command;  // the arguments after "--"
  bool has_separator = false;
};

// A subcommand registers its options on `sub` and returns the function that runs it; the
// function's return value is the process exit status.
using Runner = std::function<int()>;
using Setup = Runner (*)(CLI::App& sub, Globals& globals);

struct Command {
  const char* name;
  const char* help;
  Setup setup;
};

// One line to stderr, prefixed "hallmark: ". The only way the CLI reports errors.
void say(const std::string& line);
void say_error(const std::string& line);
// A library's findings as "warning: <subject>: <message>" lines: warnings and errors unless -q,
// notes only with -v. `only`: just the entries of that severity.
void say_diagnostics(const Diagnostics& diag, const Globals& g, std::optional<Severity> only = std::nullopt);

// Flushes stdio and ends the process with `status` at once, skipping destructors and atexit
// handlers: for a command whose last act would be freeing large structures. Sanitizer builds
// return `status` instead, so that LeakSanitizer still sees every allocation freed.
int exit_without_freeing(int status);

}  // namespace hallmark::cli
