#include "located_run.hpp"

#include <filesystem>

namespace hallmark::cli {

std::optional<LocatedRun> locate_run_or_say(const std::string& record_dir_flag, const Globals& g) {
  RecordDir dir(RecordDir::locate(std::filesystem::current_path(), record_dir_flag, g.env));
  auto run = dir.current_run();
  if (!run) {
    say_error(run.message());
    return std::nullopt;
  }
  auto steps = dir.read_steps();
  if (!steps) {
    say_error(steps.message());
    return std::nullopt;
  }
  return LocatedRun{std::move(dir), std::move(*run), std::move(*steps)};
}

}  // namespace hallmark::cli
