#include "hallmark/util/data_dir.hpp"

#include "hallmark_config.h"

#include <system_error>
#include <vector>

namespace hallmark {

namespace {

std::filesystem::path binary_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe.parent_path();
}

}  // namespace

Result<std::filesystem::path> find_data_file(std::string_view relative, const std::string& override_dir) {
  std::vector<std::filesystem::path> roots;
  if (!override_dir.empty()) roots.emplace_back(override_dir);
  if (auto bin = binary_dir(); !bin.empty()) roots.push_back(bin.parent_path() / "share" / "hallmark");
  // Empty in a packaged build: an installed binary must never read a stale source tree.
  if (std::string_view(HALLMARK_SOURCE_DIR).size() > 0) roots.emplace_back(HALLMARK_SOURCE_DIR);
  // Last, the configured prefix: found even where /proc is not mounted (a fresh chroot).
  roots.emplace_back(HALLMARK_INSTALLED_DATA_DIR);
  std::string tried;
  for (const auto& root : roots) {
    auto candidate = root / relative;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
    tried += (tried.empty() ? "" : ", ") + candidate.string();
  }
  return make_error("data file " + std::string(relative) + " not found (looked in " + tried +
                    "; set HALLMARK_DATA_DIR to the folder holding it)");
}

}  // namespace hallmark
