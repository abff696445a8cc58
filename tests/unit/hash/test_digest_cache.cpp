#include "hallmark/hash/digest_cache.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sys/stat.h>
#include <fcntl.h>

using namespace hallmark;
using namespace hmtest;

TEST_SUITE_BEGIN("hash");

namespace {
bool anything(const std::string&) { return true; }
DigestMap sha256_of(const std::string& content) { return digest_bytes(content, DigestSet{}); }
}  // namespace

TEST_CASE("hash::digest_cache_carries_digests_to_the_next_step") {
  TempDir t;
  const fs::path tool = t.path / "cc1", file = t.path / "digest-cache";
  write_file(tool, "compiler v1");
  {
    DigestCache step1{DigestSet{}};
    CHECK(step1.load(file) == 0);  // no file yet: nothing, no error
    REQUIRE(step1.digest(tool).ok());
    REQUIRE(step1.save(file, anything).ok());
    REQUIRE(step1.save(file, anything).ok());  // nothing new: no second line
  }
  auto text = read_file(file);
  REQUIRE(text.ok());
  CHECK(std::count(text->begin(), text->end(), '\n') == 1);

  // The next step trusts the entry while the file is unchanged: its digest is the recorded one
  // even though the cache did not read the file (proved by planting a wrong digest).
  std::string planted = *text;
  const std::string real = sha256_of("compiler v1")["sha256"];
  planted.replace(planted.find(real), real.size(), std::string(64, 'a'));
  REQUIRE(write_file_atomic(file, planted).ok());
  DigestCache step2{DigestSet{}};
  CHECK(step2.load(file) == 1);
  auto d = step2.digest(tool);
  REQUIRE(d.ok());
  CHECK((*d)["sha256"] == std::string(64, 'a'));

  // Rewritten with the same size and mtime put back: the ctime moved, so it is hashed again.
  struct stat st {};
  REQUIRE(::stat(tool.c_str(), &st) == 0);
  write_file(tool, "compiler v2");
  const timespec times[2] = {st.st_atim, st.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, tool.c_str(), times, 0) == 0);
  struct stat now {};
  REQUIRE(::stat(tool.c_str(), &now) == 0);
  REQUIRE(now.st_size == st.st_size);
  REQUIRE(now.st_mtim.tv_nsec == st.st_mtim.tv_nsec);
  DigestCache step3{DigestSet{}};
  CHECK(step3.load(file) == 1);
  auto d3 = step3.digest(tool);
  REQUIRE(d3.ok());
  CHECK((*d3)["sha256"] == sha256_of("compiler v2")["sha256"]);
}

TEST_CASE("hash::digest_cache_load_tolerates_bad_lines_and_other_digest_sets") {
  TempDir t;
  const fs::path tool = t.path / "as", file = t.path / "digest-cache";
  write_file(tool, "assembler");
  DigestCache one{DigestSet{}};
  REQUIRE(one.digest(tool).ok());
  REQUIRE(one.save(file, anything).ok());
  auto good = read_file(file);
  REQUIRE(good.ok());
  REQUIRE(write_file_atomic(file, "garbage\nv1 1 2 3 4 5 sha256=xyz /bad/hex\nv1 x 2 3 4 5 sha256=ab /bad/dev\n" +
                                      *good + "v1 1 2 3 4 5 sha256=ab /torn/last/line")
              .ok());
  DigestCache two{DigestSet{}};
  CHECK(two.load(file) == 1);
  CHECK(two.size() == 1);

  // A step that also records sha512 cannot use an entry that has only sha256.
  DigestSet both;
  both.sha512 = true;
  DigestCache three{both};
  CHECK(three.load(file) == 0);
  auto d = three.digest(tool);
  REQUIRE(d.ok());
  CHECK(d->count("sha512") == 1);

  // `keep` decides what is written (the workspace's files are not carried over).
  const fs::path other = t.path / "ws-file";
  write_file(other, "x");
  DigestCache four{DigestSet{}};
  REQUIRE(four.digest(other).ok());
  const fs::path file2 = t.path / "cache2";
  REQUIRE(four.save(file2, [&](const std::string& p) { return p != other.string(); }).ok());
  CHECK(!fs::exists(file2));
}
