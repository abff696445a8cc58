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

} // namespace

Result<std::filesystem::path> find_data_file(std::string_view relative, const std::string& override_dir) {
  std::vector<std::filesystem::path> roots;
  if (!override_dir.empty()) roots.emplace_back(override_dir);
  if (auto bin = binary_dir(); !bin.empty()) roots.push_back(bin.parent_path() / "share" / "hallmark");
  roots.emplace_back(HALLMARK_SOURCE_DIR);
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

} // namespace hallmark
