#include "command.hpp"

namespace hallmark::cli {

Runner setup_run(CLI::App& sub, Globals&) {
  sub.prefix_command();
  return [&sub] {
    say_error("run: not implemented yet");
    return 2;
  };
}

Runner setup_steps(CLI::App&, Globals&) {
  return [] { return 2; };
}

} // namespace hallmark::cli
