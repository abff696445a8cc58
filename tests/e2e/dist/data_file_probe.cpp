// data-file-probe RELATIVE: prints where find_data_file() finds RELATIVE from this binary's
// location, or its error (exit 2). tests/e2e/dist/install.sh copies it beside an installed
// hallmark to check the install layout against the lookup.
#include "hallmark/util/data_dir.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: data-file-probe RELATIVE\n");
    return 2;
  }
  auto found = hallmark::find_data_file(argv[1]);
  if (!found.ok()) {
    std::fprintf(stderr, "%s\n", found.message().c_str());
    return 2;
  }
  std::printf("%s\n", found.value().c_str());
  return 0;
}
