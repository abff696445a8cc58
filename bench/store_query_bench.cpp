// `query component` latency inside one process: opens the store once, runs each purl glob read
// from stdin through query_component() and prints "p50_ms p99_ms rows_per_query". Used by
// bench_store.sh beside the CLI's own wall time, which on a loaded machine is mostly process start.
#include "hallmark/evidence/evidence.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: store-query-bench STORE-URL < purl-globs\n");
    return 2;
  }
  auto where = hallmark::resolve_store(argv[1], {});
  if (!where) return std::fprintf(stderr, "%s\n", where.message().c_str()), 2;
  auto store = hallmark::EvidenceStore::open(*where);
  if (!store) return std::fprintf(stderr, "%s\n", store.message().c_str()), 2;
  std::vector<double> ms;
  size_t rows = 0;
  for (std::string glob; std::getline(std::cin, glob);) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = hallmark::query_component(**store, glob);
    auto t1 = std::chrono::steady_clock::now();
    if (!r) return std::fprintf(stderr, "%s\n", r.message().c_str()), 2;
    rows += r->rows.size();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  if (ms.empty()) return 2;
  std::sort(ms.begin(), ms.end());
  auto pick = [&](double p) { return ms[std::min(ms.size() - 1, size_t(p * double(ms.size())))]; };
  std::printf("%.1f %.1f %zu\n", pick(0.50), pick(0.99), rows / ms.size());
  return 0;
}
