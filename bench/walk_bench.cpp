// Stand-in for `hallmark run -- true` while measuring the hash module alone: a materials walk of
// DIR, then a products walk reusing its digests, then the diff — the same calls the step runner
// makes, without spawning or writing a record. Prints what each walk cost on stderr.
//
//   walk-bench DIR [--digest sha256,sha512,gitoid] [--threads N] [--dirhash GLOB] [--rewalks N]
//            [--gitignore]
// (--rewalks: that many more products walks, to profile the stat-only pass on its own)
#include "hallmark/hash/walk.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

using namespace hallmark;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: walk-bench DIR [--digest CSV] [--threads N] [--dirhash GLOB]\n");
    return 2;
  }
  WalkOptions o;
  o.roots = {argv[1]};
  o.base = argv[1];
  o.skip = {std::string(argv[1]) + "/.git"};
  int rewalks = 0;
  for (int i = 2; i < argc; i += 2) {
    if (!std::strcmp(argv[i], "--gitignore")) {
      o.respect_gitignore = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) break;
    if (!std::strcmp(argv[i], "--digest")) {
      auto d = DigestSet::parse(argv[i + 1]);
      if (!d) {
        std::fprintf(stderr, "walk-bench: %s\n", d.message().c_str());
        return 2;
      }
      o.digests = *d;
    } else if (!std::strcmp(argv[i], "--threads")) {
      o.threads = unsigned(std::stoul(argv[i + 1]));
    } else if (!std::strcmp(argv[i], "--rewalks")) {
      rewalks = std::stoi(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--dirhash")) {
      o.dirhash.push_back(argv[i + 1]);
    }
  }
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a, clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  auto t0 = clock::now();
  auto before = walk_tree(o);
  auto t1 = clock::now();
  if (!before) {
    std::fprintf(stderr, "walk-bench: %s\n", before.message().c_str());
    return 1;
  }
  auto after = walk_tree(o, &*before);
  auto t2 = clock::now();
  if (!after) {
    std::fprintf(stderr, "walk-bench: %s\n", after.message().c_str());
    return 1;
  }
  for (int i = 0; i < rewalks; ++i) {
    auto again = walk_tree(o, &*after);
    if (!again || again->counts.files_hashed != 0) return 1;
  }
  auto diff = diff_snapshots(*before, *after);
  std::fprintf(stderr,
               "walk-bench: materials %.0f ms (%zu entries, %llu hashed, %.1f MB), products %.0f ms "
               "(%llu hashed, %llu reused), %zu products, %zu deleted, %zu warnings\n",
               ms(t0, t1), before->entries.size(), (unsigned long long)before->counts.files_hashed,
               double(before->counts.bytes_hashed) / 1e6, ms(t1, t2), (unsigned long long)after->counts.files_hashed,
               (unsigned long long)after->counts.digests_reused, diff.products.size(), diff.deleted.size(),
               after->warnings.size());
  return 0;
}
