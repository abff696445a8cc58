// Lexical path tests shared by the tracer, the step runner and telemetry.
#pragma once

#include <string_view>

namespace hallmark {

// `path` is `dir` or lies below it ("/a/bc" is not under "/a/b"; everything is under "/").
// Lexical: both must be absolute and normalised the same way.
inline bool path_under(std::string_view path, std::string_view dir) {
  if (dir.empty() || path.size() < dir.size() || path.compare(0, dir.size(), dir) != 0) return false;
  return path.size() == dir.size() || path[dir.size()] == '/' || dir.back() == '/';
}

}  // namespace hallmark
