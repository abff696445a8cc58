// Ignore rules as the walk applies them (`--respect-gitignore`): the input is a root .gitignore,
// a sub/.gitignore and .git/info/exclude, separated by NUL, over a fixed small work tree in
// /dev/shm. Besides crashes it checks two properties: a walk with the rules never records a
// path the plain walk does not, and a root named explicitly is recorded even when ignored.
#include "hallmark/hash/walk.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path& work_tree() {
  static const fs::path dir = [] {
    fs::path d = "/dev/shm/hallmark-fuzz-ignore-" + std::to_string(::getpid());
    fs::remove_all(d);
    for (const char* sub : {".git/objects", ".git/refs/heads", ".git/info", "build/obj", "sub/deep", "node_modules/x"})
      fs::create_directories(d / sub);
    std::ofstream(d / ".git/HEAD") << "ref: refs/heads/main\n";
    std::ofstream(d / ".git/config") << "[core]\n\trepositoryformatversion = 0\n\tbare = false\n";
    for (const char* f : {"a.c", "b.o", "build/x.o", "build/obj/y.o", "sub/c.txt", "sub/deep/d.log", ".hidden",
                          "sp ace", "\xc3\xbc.txt", "[x].c", "node_modules/x/package.json", "keep.txt"})
      std::ofstream(d / f) << f;
    return d;
  }();
  return dir;
}

std::set<std::string> walk(const fs::path& root, bool ignore) {
  hallmark::WalkOptions o;
  o.roots = {root};
  o.base = work_tree();
  o.skip = {work_tree() / ".git"};
  o.respect_gitignore = ignore;
  o.threads = 1;
  std::set<std::string> paths;
  auto snap = hallmark::walk_tree(o);
  if (snap)
    for (const auto& e : snap->entries) paths.insert(e.path);
  return paths;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path& dir = work_tree();
  std::string in(reinterpret_cast<const char*>(data), size);
  std::string parts[3];
  for (size_t i = 0, at = 0; i < 3; ++i) {
    size_t nul = i < 2 ? in.find('\0', at) : std::string::npos;
    parts[i] = in.substr(std::min(at, in.size()), nul == std::string::npos ? std::string::npos : nul - at);
    if (nul == std::string::npos) break;
    at = nul + 1;
  }
  std::ofstream(dir / ".gitignore", std::ios::trunc) << parts[0];
  std::ofstream(dir / "sub/.gitignore", std::ios::trunc) << parts[1];
  std::ofstream(dir / ".git/info/exclude", std::ios::trunc) << parts[2];

  auto all = walk(dir, false), kept = walk(dir, true);
  for (const auto& p : kept)
    if (!all.count(p)) __builtin_trap();                                  // the rules invented a path
  if (!walk(dir / "keep.txt", true).count("keep.txt")) __builtin_trap();  // a named root is never ignored
  (void)walk(dir / "sub", true);
  return 0;
}
