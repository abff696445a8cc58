#include "hmtest.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace hmtest {

TempDir::TempDir(std::string_view tag) {
  std::string tmpl = (fs::temp_directory_path() / ("hallmark-" + std::string(tag) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp " + tmpl + " failed");
  path = fs::canonical(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

void TempDir::write(const std::string& rel, const std::string& content) const { write_file(path / rel, content); }

void write_file(const fs::path& p, const std::string& content) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
}

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = char(rng());
  return s;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  if (::pclose(f) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string quote(const fs::path& p) {
  std::string q = "'";  // built by appending: "'" + string trips a false GCC 12 -Wrestrict
  q += p.string();
  q += "'";
  return q;
}

fs::path shared_dir() {
  const char* s = std::getenv("HALLMARK_SHARED");
  return s != nullptr && *s != '\0' ? fs::path(s) : fs::path("../shared");
}

}  // namespace hmtest
