#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/glob.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/time.hpp"
#include "hallmark/util/uri.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace hallmark;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("util");

TEST_CASE("util::glob_match") {
  CHECK(glob_match("*.o", "a/b/c.o"));
  CHECK(glob_match("*.o", "c.o"));
  CHECK_FALSE(glob_match("*.o", "c.oo"));
  CHECK(glob_match("**/node_modules", "node_modules"));
  CHECK(glob_match("**/node_modules", "web/app/node_modules"));
  CHECK_FALSE(glob_match("**/node_modules", "web/node_modules_x"));
  CHECK(glob_match("build/**", "build/x/y.o"));
  CHECK_FALSE(glob_match("build/**", "src/build/x"));
  CHECK(glob_match("src/*.c", "src/a.c"));
  CHECK_FALSE(glob_match("src/*.c", "src/sub/a.c"));
  CHECK(glob_match("src/**/*.c", "src/a.c"));
  CHECK(glob_match("src/**/*.c", "src/x/y/a.c"));
  CHECK(glob_match("file[0-9].txt", "d/file7.txt"));
  CHECK_FALSE(glob_match("file[!0-9].txt", "file7.txt"));
  CHECK(glob_match("a?c", "abc"));
  CHECK(glob_match("/dist/*", "dist/x"));
  CHECK(glob_match("dist/", "dist"));
  // A hostile pattern must not take exponential time.
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
}

TEST_CASE("util::wildcard_match") {
  CHECK(wildcard_match("GITHUB_*", "GITHUB_SHA"));
  CHECK_FALSE(wildcard_match("GITHUB_*", "XGITHUB_SHA"));
  CHECK(wildcard_match("*", ""));
}

TEST_CASE("util::hex_base64") {
  CHECK(to_hex("\x01\xab") == "01ab");
  CHECK(*from_hex("01AB") == "\x01\xab");
  CHECK_FALSE(from_hex("0g").has_value());
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(*base64_decode("Zm8=") == "fo");
  CHECK(*base64_decode("Zm8") == "fo");
  CHECK(*base64_decode("-_8") == "\xfb\xff");  // base64url
  CHECK_FALSE(base64_decode("Z").has_value());
  CHECK_FALSE(base64_decode("Zm9v!").has_value());
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("util::time") {
  SystemTime t = SystemTime(std::chrono::milliseconds(1764152505123));
  CHECK(format_rfc3339_ms(t) == "2025-11-26T10:21:45.123Z");
  CHECK(format_rfc3339_s(t) == "2025-11-26T10:21:45Z");
  auto back = parse_rfc3339("2025-11-26T10:21:45.123Z");
  REQUIRE(back.has_value());
  CHECK(*back == t);
  auto off = parse_rfc3339("2025-11-26T12:21:45+02:00");
  REQUIRE(off.has_value());
  CHECK(format_rfc3339_s(*off) == "2025-11-26T10:21:45Z");
  CHECK_FALSE(parse_rfc3339("yesterday").has_value());
  CHECK_FALSE(parse_rfc3339("2025-11-26T10:21:45").has_value());
}

TEST_CASE("util::atomic_write") {
  fs::path dir = fs::temp_directory_path() / ("hm-util-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path f = dir / "out.json";
  REQUIRE(write_file_atomic(f, "one").ok());
  REQUIRE(write_file_atomic(f, "two").ok());
  CHECK(*read_file(f) == "two");
  auto clobber = write_file_atomic(f, "three", {0644, true});
  REQUIRE_FALSE(clobber.ok());
  CHECK(clobber.message().find("already exists") != std::string::npos);
  REQUIRE(write_file_atomic(dir / "key", "k", {0600, false}).ok());
  struct stat st {};
  ::stat((dir / "key").c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  // No temp files left behind.
  int n = 0;
  for (auto& e : fs::directory_iterator(dir)) (void)e, ++n;
  CHECK(n == 2);
  // Concurrent appends never interleave.
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) (void)append_line_locked(dir / "log", std::string(100, char('a' + t)));
    });
  for (auto& t : ts) t.join();
  auto log = read_file(dir / "log");
  REQUIRE(log.ok());
  CHECK(log->size() == 8 * 200 * 101);
  size_t pos = 0;
  while (pos < log->size()) {
    std::string line = log->substr(pos, 100);
    CHECK(line == std::string(100, line[0]));
    CHECK((*log)[pos + 100] == '\n');
    pos += 101;
  }
  CHECK_FALSE(read_file(dir / "missing").ok());
  // Writing to a device writes through it and never replaces the node.
  REQUIRE(write_file_atomic("/dev/null", "discarded").ok());
  struct stat dn {};
  REQUIRE(::stat("/dev/null", &dn) == 0);
  CHECK(S_ISCHR(dn.st_mode));
  auto to_dir = write_file_atomic(dir, "x");
  REQUIRE_FALSE(to_dir.ok());
  CHECK(to_dir.message().find("is a directory") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("util::uris") {
  using hallmark::file_uri;
  using hallmark::https_repository_url;
  using hallmark::remote_uri;
  CHECK(file_uri("/usr/bin/gcc-12") == "file:///usr/bin/gcc-12");
  CHECK(file_uri("/a b/c%d#e?f") == "file:///a%20b/c%25d%23e%3Ff");
  CHECK(remote_uri("git@github.com:Org/Repo.git") == "ssh://git@github.com/Org/Repo.git");
  CHECK(remote_uri("https://github.com/Org/Repo.git") == "https://github.com/Org/Repo.git");
  CHECK(remote_uri("/srv/git/repo") == "file:///srv/git/repo");
  CHECK(https_repository_url("git@github.com:Org/Repo.git") == "https://github.com/Org/Repo");
  CHECK(https_repository_url("ssh://git@gitlab.example.com:2222/g/p.git") == "https://gitlab.example.com/g/p");
  CHECK(https_repository_url("https://github.com/Org/Repo.git") == "https://github.com/Org/Repo");
  CHECK(https_repository_url("/srv/git/repo").empty());
  // RFC 3986: non-ASCII bytes and '?' in a path are percent-encoded; a relative remote is made
  // absolute from the repository's top directory; a URL's disallowed characters are encoded.
  CHECK(file_uri("/opt/caf\xc3\xa9/x?y") == "file:///opt/caf%C3%A9/x%3Fy");
  CHECK(remote_uri("../upstream", "/work/ws") == "file:///work/upstream");
  CHECK(remote_uri("https://host/my repo.git") == "https://host/my%20repo.git");
  CHECK(remote_uri("git@host:~me/r\xc3\xa9.git") == "ssh://git@host/~me/r%C3%A9.git");
  CHECK(https_repository_url("https://user:tok@github.com/Org/Repo.git/") == "https://github.com/Org/Repo");
}

TEST_SUITE_END();
