// unit-trace accuracy: a generated C project of 60 files built with `cc -MD` under the tracer;
// every path the compiler's depfiles name must be among the traced reads (0 misses).
#include "hallmark/observe/trace.hpp"

// GCC 12 reports a false -Wrestrict inside std::string operator+ at -O2 (GCC PR 105329).
#pragma GCC diagnostic ignored "-Wrestrict"

#include "hmtest.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

extern char** environ;

namespace fs = std::filesystem;
using namespace hallmark;

bool watch_reads();  // test_trace.cpp

namespace {

// Paths named by a make-style depfile: "target: dep dep \\\n dep".
std::vector<std::string> depfile_paths(const fs::path& d) {
  std::ifstream in(d);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::vector<std::string> out;
  const size_t colon = text.find(": ");
  if (colon == std::string::npos) return out;
  std::istringstream words(text.substr(colon + 2));
  std::string w;
  while (words >> w)
    if (w != "\\" && w.back() != ':') out.push_back(w);
  return out;
}

std::string canonical_or_self(const fs::path& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p.string() : c.string();
}

}  // namespace

TEST_SUITE_BEGIN("trace");

TEST_CASE("trace::accuracy_depfiles") {
  hmtest::TempDir tmp("acc");
  const fs::path dir = tmp.path;
  // 30 headers + 30 sources: each source includes its header, its neighbour's, and libc ones.
  constexpr int n = 30;
  fs::create_directories(dir / "include" / "gen");
  fs::create_directories(dir / "src");
  std::ofstream mk(dir / "Makefile");
  mk << "CFLAGS=-O0 -MD -Iinclude\nOBJS=";
  for (int i = 0; i < n; ++i) {
    std::ofstream(dir / "include" / "gen" / ("h" + std::to_string(i) + ".h"))
        << "#pragma once\n#include <stddef.h>\nint f" << i << "(int);\n";
    std::ofstream(dir / "src" / ("s" + std::to_string(i) + ".c"))
        << "#include \"gen/h" << i << ".h\"\n#include \"gen/h" << (i + 1) % n << ".h\"\n#include <stdio.h>\n"
        << "#include <string.h>\nint f" << i << "(int x){return x+(int)strlen(\"" << i << "\");}\n";
    mk << "src/s" << i << ".o ";
  }
  mk << "\nall: $(OBJS)\n\tar rcs libgen.a $(OBJS)\n%.o: %.c\n\t$(CC) $(CFLAGS) -c -o $@ $<\n";
  mk.close();

  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  TraceOptions options;
  options.workspace = dir;
  options.watch_reads = watch_reads();  // test_trace.cpp: both ways of seeing reads
  auto r = spawn_traced(SpawnOptions{{"make", "-s", "-j2", "-C", dir.string()}, env}, options);
  REQUIRE(r.ok());
  REQUIRE(r->child.exit_code == 0);

  std::set<std::string> reads;
  for (const auto& f : r->trace.files)
    if (std::find(f.ops.begin(), f.ops.end(), "read") != f.ops.end() && f.success)
      reads.insert(canonical_or_self(f.path[0] == '/' ? fs::path(f.path) : dir / f.path));

  size_t named = 0, misses = 0;
  for (int i = 0; i < n; ++i) {
    for (const auto& p : depfile_paths(dir / "src" / ("s" + std::to_string(i) + ".d"))) {
      ++named;
      const std::string c = canonical_or_self(p[0] == '/' ? fs::path(p) : dir / p);
      if (!reads.count(c)) {
        ++misses;
        MESSAGE("depfile names a file the trace did not see read: " << c);
      }
    }
  }
  MESSAGE("depfile paths: " << named << ", misses: " << misses);
  CHECK(named >= size_t(n) * 4);
  CHECK(misses == 0);
  // Every source file and header is a material; every object a product.
  for (int i = 0; i < n; ++i) {
    bool src = false, obj = false;
    for (const auto& e : r->trace.materials) src |= e.path == "src/s" + std::to_string(i) + ".c";
    for (const auto& e : r->trace.products) obj |= e.path == "src/s" + std::to_string(i) + ".o";
    CHECK(src);
    CHECK(obj);
  }
}

TEST_SUITE_END();
