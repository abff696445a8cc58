#include "corpus_helpers.hpp"
#include "catalogers/catalogers.hpp"

#include <doctest/doctest.h>

using namespace hallmark::sbom;
using namespace eco_test;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::cargo_lock_corpus_ripgrep") {
  auto run = run_on_file(internal::kCargoLockCataloger, corpus_dir() / "cargo-ripgrep", "Cargo.lock");
  check_corpus_case("cargo-ripgrep", run.result);
  const auto& r = run.result;
  REQUIRE(r.projects.size() == 1);
  CHECK(r.projects[0].name == "ripgrep");
  CHECK(!r.direct.empty());
  const Component* aho = find_component(r, "aho-corasick", "1.1.5");
  REQUIRE(aho);
  REQUIRE(aho->hashes.size() == 1);
  CHECK(aho->hashes[0].alg == "SHA-256");
  CHECK(aho->hashes[0].hex == "c982642fa9e8606056828ee9a8505737230110bb1099153c79efe865c59d12ba");
  const Component* bstr = find_component(r, "bstr", "1.13.0");
  REQUIRE(bstr);
  CHECK(r.edges.at(bstr->bom_ref).size() == 3);
  CHECK(r.warnings.empty());
}

TEST_CASE("sbom::cargo_lock_v1_metadata_checksums_and_long_dep_form") {
  std::string v1 = "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n"
                   " \"rand 0.7.3 (registry+https://github.com/rust-lang/crates.io-index)\",\n"
                   " \"rand 0.8.5 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n\n"
                   "[[package]]\nname = \"rand\"\nversion = \"0.7.3\"\n"
                   "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
                   "[[package]]\nname = \"rand\"\nversion = \"0.8.5\"\n"
                   "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
                   "[metadata]\n"
                   "\"checksum rand 0.7.3 (registry+https://github.com/rust-lang/crates.io-index)\" = "
                   "\"6a6b1679d49b24bbfe0c803429aa1874472f50d9b363131f0e89fc356b544d03\"\n";
  auto run = run_on_text(internal::kCargoLockCataloger, "Cargo.lock", v1);
  const auto& r = run.result;
  CHECK(r.components.size() == 3);  // no Cargo.toml beside it: app is a workspace member
  const Component* r7 = find_component(r, "rand", "0.7.3");
  const Component* r8 = find_component(r, "rand", "0.8.5");
  REQUIRE(r7);
  REQUIRE(r8);
  REQUIRE(r7->hashes.size() == 1);
  CHECK(r7->hashes[0].hex == "6a6b1679d49b24bbfe0c803429aa1874472f50d9b363131f0e89fc356b544d03");
  CHECK(r8->hashes.empty());
  const Component* app = find_component(r, "app");
  REQUIRE(app);
  REQUIRE(r.edges.count(app->bom_ref));
  CHECK(r.edges.at(app->bom_ref).size() == 2);
  CHECK(r.direct.empty());  // the lock alone does not say which crate is the root
  check_no_dangling(r);
}

TEST_CASE("sbom::cargo_lock_v3_short_forms_git_and_malformed") {
  std::string v3 = "version = 3\n\n"
                   "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n"
                   "source = \"git+https://github.com/o/a?rev=abc#abcdef0\"\n"
                   "dependencies = [\"b\", \"c 2.0.0\", \"nosuch\"]\n\n"
                   "[[package]]\nname = \"b\"\nversion = \"1.0.0\"\n"
                   "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
                   "[[package]]\nname = \"c\"\nversion = \"2.0.0\"\n"
                   "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
                   "checksum = \"zz\"\n\n"
                   "[[package]]\nversion = \"9\"\n";
  auto run = run_on_text(internal::kCargoLockCataloger, "Cargo.lock", v3);
  const auto& r = run.result;
  CHECK(r.components.size() == 3);
  const Component* a = find_component(r, "a");
  REQUIRE(a);
  CHECK(a->qualifiers.at("vcs_url") == "git+https://github.com/o/a?rev=abc#abcdef0");
  CHECK(r.edges.at(a->bom_ref).size() == 2);
  CHECK(find_component(r, "c")->hashes.empty());  // a checksum that is not SHA-256 hex is dropped
  CHECK(r.warnings.size() == 2);                  // nameless package, unresolvable dependency
  auto bad = run_on_text(internal::kCargoLockCataloger, "Cargo.lock", "[[package]\nname=");
  CHECK(bad.result.components.empty());
  REQUIRE(bad.result.warnings.size() == 1);
  CHECK(bad.result.warnings[0].message.find("line 1") != std::string::npos);
}
