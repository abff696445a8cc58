// Times collect_git_context on one directory: the first call (which includes libgit2 start-up
// and whatever the index's state costs) and the median of the following ones. Used by
// bench_git.sh, which compares it with `git status --porcelain` on the same repository.
#include "hallmark/context/git_context.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: git-context-bench DIR [RUNS]\n");
    return 2;
  }
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  if (runs < 1) runs = 1;
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = hallmark::collect_git_context(argv[1]);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) {
      std::fprintf(stderr, "git-context-bench: %s\n", r.message().c_str());
      return 1;
    }
    if (!r->has_value()) {
      std::fprintf(stderr, "git-context-bench: %s is not in a git repository\n", argv[1]);
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (i == 0)
      std::printf("first_ms=%.1f dirty=%llu untracked=%llu\n", ms[0], static_cast<unsigned long long>((*r)->dirty),
                  static_cast<unsigned long long>((*r)->untracked));
  }
  std::vector<double> rest(ms.begin() + (ms.size() > 1 ? 1 : 0), ms.end());
  std::sort(rest.begin(), rest.end());
  std::printf("median_ms=%.1f\n", rest[rest.size() / 2]);
  return 0;
}
