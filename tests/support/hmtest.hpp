// The one test-support library of the unit tests (tests/support/): a temp dir that cleans itself
// up, file writers, running a command (the independent peers: git, sha256sum, openssl) for its
// output, and where ../shared is. Linked into every unit-test binary through test_support_dep.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace hmtest {

namespace fs = std::filesystem;

// A fresh directory under $TMPDIR named hallmark-TAG-XXXXXX, by its canonical path (git and the
// tracer report canonical paths), removed with everything in it at scope exit.
struct TempDir {
  explicit TempDir(std::string_view tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path operator/(const std::string& rel) const { return path / rel; }
  // Writes `content` to path/rel, creating the directories on the way.
  void write(const std::string& rel, const std::string& content) const;

  fs::path path;
};

// Writes `content` to `p`, creating its parent directories.
void write_file(const fs::path& p, const std::string& content);
// `n` bytes from a seeded generator: the same bytes for the same seed.
std::string random_bytes(size_t n, unsigned seed);
// stdout of a shell command, trailing newline removed; "" if it fails.
std::string run(const std::string& cmd);
// `p` in single quotes for a shell command line.
std::string quote(const fs::path& p);
// ../shared beside the repository ($HALLMARK_SHARED, which every meson test gets).
fs::path shared_dir();

}  // namespace hmtest
