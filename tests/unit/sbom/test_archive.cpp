#include "corpus_helpers.hpp"
#include "hallmark/sbom/archive.hpp"
#include "hallmark/util/hex.hpp"
#include "catalogers/catalogers.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hallmark::sbom;
using namespace eco_test;

namespace {

// Fixtures are generated once per test binary run by make_archives.py (python3 zipfile/tarfile).
const fs::path& fixtures() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("hallmark-eco-archives-" + std::to_string(getpid()));
    fs::remove_all(d);
    std::string cmd = "/usr/bin/python3 '" + std::string(std::getenv("HALLMARK_SRC")) +
                      "/tests/unit/sbom/make_archives.py' '" + d.string() + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return d;
  }();
  return dir;
}

struct Flat {
  std::vector<Component> components;
  std::map<std::string, std::vector<std::string>> edges;
  std::vector<std::string> direct;
};

Flat flatten(const ArchiveCatalog& cat) {
  Flat f;
  for (const auto& r : cat.results) {
    for (const auto& c : r.components) f.components.push_back(c);
    for (const auto& c : r.projects) f.components.push_back(c);
    for (const auto& d : r.direct) f.direct.push_back(d);
    for (const auto& [k, v] : r.edges)
      for (const auto& t : v) f.edges[k].push_back(t);
  }
  return f;
}

const Component* by_name(const Flat& f, const std::string& name) {
  for (const auto& c : f.components)
    if (c.name == name) return &c;
  return nullptr;
}

bool warned(const ArchiveCatalog& cat, const std::string& needle) {
  for (const auto& w : cat.warnings)
    if (w.message.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::archive_names") {
  CHECK(is_archive_name("a.tar.gz"));
  CHECK(is_archive_name("A.JAR"));
  CHECK(is_archive_name("x.whl"));
  CHECK(is_archive_name("p_1.0_amd64.deb"));
  CHECK(!is_archive_name("go.mod"));
  CHECK(!is_archive_name(".jar"));
}

TEST_CASE("sbom::archive_war_with_nested_jars") {
  auto r = catalog_archive(fixtures() / "app.war", "app.war", ArchiveOptions{});
  REQUIRE(r.ok());
  Flat f = flatten(*r);
  const Component* guava = by_name(f, "guava");
  REQUIRE(guava);
  CHECK(guava->purl_type == "maven");
  CHECK(guava->group == "com.google.guava");
  CHECK(guava->version == "32.1.2-jre");
  REQUIRE(guava->hashes.size() == 1);  // SHA-256 of the nested jar's bytes
  CHECK(guava->hashes[0].hex == hallmark::sha256_hex(slurp(fixtures() / "guava-32.1.2-jre.jar")));
  CHECK(guava->occurrences.at(0).rfind("app.war!/WEB-INF/lib/guava-32.1.2-jre.jar!/META-INF/maven/", 0) == 0);
  const Component* plain = by_name(f, "plain-lib");  // MANIFEST.MF fallback
  REQUIRE(plain);
  CHECK(plain->version == "2.0.1");
  const Component* shaded = by_name(f, "shaded");
  const Component* slf4j = by_name(f, "slf4j-api");
  REQUIRE(shaded);
  REQUIRE(slf4j);
  CHECK(f.edges.at(shaded->bom_ref) == std::vector<std::string>{slf4j->bom_ref});
  const Component* unknown = by_name(f, "unknown.jar");  // no identity: a file, no version
  REQUIRE(unknown);
  CHECK(unknown->version.empty());
  CHECK(r->artifact.type == "file");
  CHECK(r->artifact.name == "app.war");
  CHECK(r->artifact.hashes.at(0).hex == hallmark::sha256_hex(slurp(fixtures() / "app.war")));
  CHECK(r->warnings.empty());
}

TEST_CASE("sbom::archive_jar_identity") {
  auto r = catalog_archive(fixtures() / "guava-32.1.2-jre.jar", "guava-32.1.2-jre.jar", ArchiveOptions{});
  REQUIRE(r.ok());
  CHECK(r->artifact.purl_type == "maven");
  CHECK(r->artifact.name == "guava");
  CHECK(r->artifact.version == "32.1.2-jre");
  CHECK(r->artifact.bom_ref.empty());
}

TEST_CASE("sbom::archive_tarballs_run_catalogers_with_siblings") {
  for (const char* name : {"src.tar.gz", "src.tar.xz"}) {
    auto r = catalog_archive(fixtures() / name, name, ArchiveOptions{});
    REQUIRE(r.ok());
    Flat f = flatten(*r);
    const Component* text = by_name(f, "text");
    REQUIRE(text);
    CHECK(text->occurrences.at(0) == std::string(name) + "!/proj/go.mod");
    if (std::string(name) == "src.tar.gz") {
      // go.sum and Cargo.toml were read as siblings inside the archive
      CHECK(text->properties.at("hallmark:go.sum.h1").rfind("h1:", 0) == 0);
      const Component* itoa = by_name(f, "itoa");
      REQUIRE(itoa);
      CHECK(itoa->hashes.at(0).alg == "SHA-256");
      bool itoa_direct = false;
      for (const auto& d : f.direct) itoa_direct |= d == itoa->bom_ref;
      CHECK(itoa_direct);  // Cargo.toml named "app" the root
    }
    CHECK(r->artifact.type == "file");
  }
}

TEST_CASE("sbom::archive_wheel_npm_deb_identities") {
  auto whl = catalog_archive(fixtures() / "demo-1.0-py3-none-any.whl", "demo-1.0-py3-none-any.whl", ArchiveOptions{});
  REQUIRE(whl.ok());
  CHECK(whl->artifact.purl_type == "pypi");
  CHECK(whl->artifact.name == "demo");
  CHECK(whl->artifact.version == "1.0");
  CHECK(whl->artifact.hashes.size() == 1);
  CHECK(whl->artifact.licenses == std::vector<std::string>{"MIT"});

  auto npm = catalog_archive(fixtures() / "x-1.2.3.tgz", "x-1.2.3.tgz", ArchiveOptions{});
  REQUIRE(npm.ok());
  CHECK(npm->artifact.purl_type == "npm");
  CHECK(npm->artifact.name == "x");
  CHECK(npm->artifact.version == "1.2.3");
  CHECK(npm->artifact.licenses == std::vector<std::string>{"MIT"});

  auto deb = catalog_archive(fixtures() / "hello_2.10-3_amd64.deb", "hello_2.10-3_amd64.deb", ArchiveOptions{});
  REQUIRE(deb.ok());
  CHECK(deb->artifact.purl_type == "deb");
  CHECK(deb->artifact.name == "hello");
  CHECK(deb->artifact.version == "2.10-3");
  CHECK(deb->artifact.qualifiers.at("arch") == "amd64");
  CHECK(deb->warnings.empty());
}

TEST_CASE("sbom::archive_zip_bomb_stops_with_a_warning") {
  auto t0 = std::chrono::steady_clock::now();
  auto r = catalog_archive(fixtures() / "bomb.zip", "bomb.zip", ArchiveOptions{});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(r.ok());
  CHECK(warned(*r, "zip bomb"));
  CHECK(r->results.empty());  // the bomb member was never handed to a cataloger
  CHECK(secs < 10.0);         // stopped near 1000 bytes, not after 2 GiB
  // The same with a lowered member limit and no declared size check to lean on: tar has exact
  // sizes, so use the limits on a member that is simply too big.
  ArchiveOptions small;
  small.limits.max_member_bytes = 100;
  auto big = catalog_archive(fixtures() / "src.tar.gz", "src.tar.gz", small);
  REQUIRE(big.ok());
  CHECK(warned(*big, "max_member_bytes"));
}

TEST_CASE("sbom::archive_traversal_names_are_sanitised") {
  fs::path cwd_before = fs::current_path();
  auto r = catalog_archive(fixtures() / "traversal.tar", "traversal.tar", ArchiveOptions{});
  REQUIRE(r.ok());
  Flat f = flatten(*r);
  CHECK(warned(*r, "\"../../evil/Cargo.lock\" is absolute, climbs"));
  for (const auto& c : f.components)
    for (const auto& o : c.occurrences) {
      CHECK(o.find("..") == std::string::npos);
      CHECK(o.find("!//") == std::string::npos);
    }
  const Component* b = by_name(f, "b");
  REQUIRE(b);
  CHECK(b->occurrences.at(0) == "traversal.tar!/abs/dir/go.mod");
  CHECK(by_name(f, "itoa") != nullptr);
  CHECK(!fs::exists(fixtures().parent_path().parent_path() / "evil"));  // nothing extracted
  CHECK(fs::current_path() == cwd_before);
}

TEST_CASE("sbom::archive_limits_depth_entries_and_bad_input") {
  auto deep = catalog_archive(fixtures() / "deep.zip", "deep.zip", ArchiveOptions{});
  REQUIRE(deep.ok());
  CHECK(warned(*deep, "max_depth"));
  CHECK(by_name(flatten(*deep), "deep") == nullptr);

  ArchiveOptions few;
  few.limits.max_entries = 10;
  auto many = catalog_archive(fixtures() / "many.tar", "many.tar", few);
  REQUIRE(many.ok());
  CHECK(warned(*many, "max_entries"));

  auto bad = catalog_archive(fixtures() / "not-an-archive.zip", "not-an-archive.zip", ArchiveOptions{});
  // Not an archive, or cut short: an error naming the file (libarchive 3.6 refuses both).
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message().find("not-an-archive.zip") != std::string::npos);

  auto trunc = catalog_archive(fixtures() / "truncated.tar.gz", "truncated.tar.gz", ArchiveOptions{});
  REQUIRE_FALSE(trunc.ok());
  CHECK(trunc.message().find("truncated.tar.gz") != std::string::npos);

  auto missing = catalog_archive(fixtures() / "nope.tar", "nope.tar", ArchiveOptions{});
  REQUIRE(!missing.ok());
  CHECK(missing.message().find("nope.tar") != std::string::npos);
}
