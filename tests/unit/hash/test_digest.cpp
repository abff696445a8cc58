#include "hallmark/hash/digest.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

using namespace hallmark;
using namespace hmtest;

TEST_SUITE_BEGIN("hash");

namespace {
DigestSet all() {
  DigestSet s;
  s.sha512 = true;
  s.gitoid = true;
  return s;
}
}  // namespace

TEST_CASE("hash::digest_known_vectors") {
  auto e = digest_bytes("", all());
  CHECK(e["sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(e["sha512"] == "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                       "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  CHECK(e["gitoid:sha1"] == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");  // git's empty blob
  CHECK(e["gitoid:sha256"] == "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813");

  auto abc = digest_bytes("abc", all());
  CHECK(abc["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(abc["sha512"] == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                         "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");

  // FIPS 180-2 long vector: one million 'a'.
  auto m = digest_bytes(std::string(1000000, 'a'), DigestSet{});
  CHECK(m["sha256"] == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(m.size() == 1);  // only what was asked for
}

TEST_CASE("hash::digest_file_matches_coreutils_and_git") {
  TempDir t;
  // 1 MiB + 7 bytes: crosses the 256 KiB read buffer several times and ends mid-buffer.
  std::string big = random_bytes((1 << 20) + 7, 42);
  write_file(t / "big.bin", big);
  write_file(t / "empty", "");
  write_file(t / "abc.txt", "abc");
  for (const char* name : {"big.bin", "empty", "abc.txt"}) {
    CAPTURE(name);
    auto p = t / name;
    auto d = digest_file(p, all());
    REQUIRE(d.ok());
    CHECK((*d)["sha256"] == run("sha256sum " + quote(p) + " | cut -d' ' -f1"));
    CHECK((*d)["sha512"] == run("sha512sum " + quote(p) + " | cut -d' ' -f1"));
    CHECK((*d)["gitoid:sha1"] == run("git hash-object " + quote(p)));
    CHECK((*d)["sha256"] == digest_bytes(name == std::string("big.bin")   ? big
                                         : name == std::string("abc.txt") ? "abc"
                                                                          : "",
                                         DigestSet{})["sha256"]);
  }
}

TEST_CASE("hash::gitoid_sha256_matches_git") {
  TempDir t;
  std::string repo = quote(t / "repo");
  // Debian 12's git (2.39) creates sha256 repositories: a git that cannot is a failure here.
  REQUIRE(run("git init -q --object-format=sha256 " + repo + " && echo ok") == "ok");
  write_file(t / "f.bin", random_bytes(300000, 7));
  write_file(t / "g.txt", "hello\n");
  for (const char* name : {"f.bin", "g.txt"}) {
    auto p = t / name;
    auto d = digest_file(p, all());
    REQUIRE(d.ok());
    std::string want = run("git -C " + repo + " hash-object " + quote(p));
    REQUIRE(want.size() == 64);
    CHECK((*d)["gitoid:sha256"] == want);
  }
}

TEST_CASE("hash::digest_file_refuses_non_regular") {
  TempDir t;
  auto fifo = t / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // Must return at once (O_NONBLOCK) rather than wait for a writer.
  auto r = digest_file(fifo, DigestSet{});
  CHECK_FALSE(r.ok());
  fs::create_symlink("abc.txt", t / "link");
  write_file(t / "abc.txt", "abc");
  auto l = digest_file(t / "link", DigestSet{});
  CHECK_FALSE(l.ok());  // never follows a link
  auto missing = digest_file(t / "nope", DigestSet{});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.message().find("nope") != std::string::npos);
}

TEST_CASE("hash::digest_set_parse") {
  auto s = DigestSet::parse("sha256,sha512,gitoid");
  REQUIRE(s.ok());
  CHECK(s->names() == std::vector<std::string>{"sha256", "sha512", "gitoid:sha1", "gitoid:sha256"});
  auto only512 = DigestSet::parse("sha512");
  REQUIRE(only512.ok());
  CHECK(only512->sha256);  // sha256 is always recorded
  CHECK(DigestSet::parse(" sha256 , gitoid ").ok());
  auto bad = DigestSet::parse("sha256,md5");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message().find("'md5'") != std::string::npos);
}

TEST_SUITE_END();
