#include "corpus_helpers.hpp"
#include "catalogers/catalogers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace hallmark::sbom;
using namespace eco_test;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::gemfile_lock_corpus_rubygems_org") {
  auto run = run_on_file(internal::kGemfileLockCataloger, corpus_dir() / "gem-rubygems.org", "Gemfile.lock");
  check_corpus_case("gem-rubygems.org", run.result);
  const auto& r = run.result;
  CHECK(r.components.size() == 341);
  CHECK(r.direct.size() >= 120);  // 120 DEPENDENCIES; multi-platform gems add their variants
  CHECK(r.warnings.empty());
  // platform variants: version without the platform, platform as the purl qualifier
  size_t ffi = std::count_if(r.components.begin(), r.components.end(),
                             [](const Component& c) { return c.name == "ffi" && c.version == "1.17.4"; });
  CHECK(ffi >= 7);
  const Component* cable = find_component(r, "actioncable", "8.1.3.1");
  REQUIRE(cable);
  REQUIRE(cable->hashes.size() == 1);  // from CHECKSUMS
  CHECK(cable->hashes[0].alg == "SHA-256");
  CHECK(r.edges.at(cable->bom_ref).size() == 5);
  const Component* avo = find_component(r, "avo-pro", "3.32.4");
  REQUIRE(avo);
  CHECK(avo->qualifiers.at("repository_url") == "https://packager.dev/avo-hq/");
}

TEST_CASE("sbom::gemfile_lock_git_path_and_malformed") {
  std::string lock = "GIT\n  remote: https://github.com/o/g.git\n  revision: abc123\n  specs:\n"
                     "    g (1.0.0)\n      rack\n\nPATH\n  remote: vendor/p\n  specs:\n    p (0.1.0)\n\n"
                     "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.0)\n    broken\n\n"
                     "DEPENDENCIES\n  g!\n  p!\n";
  auto run = run_on_text(internal::kGemfileLockCataloger, "Gemfile.lock", lock);
  const auto& r = run.result;
  CHECK(r.components.size() == 3);
  const Component* g = find_component(r, "g", "1.0.0");
  REQUIRE(g);
  CHECK(g->qualifiers.at("vcs_url") == "git+https://github.com/o/g.git@abc123");
  CHECK(find_component(r, "p")->properties.at("hallmark:source") == "path");
  CHECK(r.direct.size() == 2);
  CHECK(r.edges.at(g->bom_ref).size() == 1);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].message.find("line 17") != std::string::npos);
}

TEST_CASE("sbom::composer_lock_corpus_koel") {
  auto dir = corpus_dir() / "composer-koel";
  auto run = run_on_file(internal::kComposerLockCataloger, dir, "composer.lock", true);
  check_corpus_case("composer-koel", run.result);
  const auto& r = run.result;
  size_t dev = std::count_if(r.components.begin(), r.components.end(),
                             [](const Component& c) { return c.scope == Scope::excluded; });
  CHECK(dev == 46);
  CHECK(r.direct.size() == 41 + 10);  // composer.json require minus php/ext-*, plus require-dev
  const Component* algolia = find_component(r, "algoliasearch-client-php", "3.4.2");
  REQUIRE(algolia);
  CHECK(algolia->group == "algolia");
  CHECK(algolia->licenses == std::vector<std::string>{"MIT"});
  CHECK(algolia->hashes.empty());  // dist.shasum is "" in this lock: no hash claimed
  CHECK(r.edges.count(algolia->bom_ref));

  auto prod = run_on_file(internal::kComposerLockCataloger, dir, "composer.lock", false);
  CHECK(prod.result.components.size() == 156);
  check_no_dangling(prod.result);
}

TEST_CASE("sbom::composer_lock_shasum_and_malformed") {
  std::string lock =
      R"({"packages":[{"name":"a/b","version":"1.0.0","dist":{"shasum":"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"},
    "require":{"php":">=8","c/d":"^1"}},{"name":"c/d","version":"2.0.0"},{"version":"1"}],"packages-dev":[]})";
  auto run = run_on_text(internal::kComposerLockCataloger, "composer.lock", lock);
  const auto& r = run.result;
  CHECK(r.components.size() == 2);
  const Component* ab = find_component(r, "b");
  REQUIRE(ab);
  REQUIRE(ab->hashes.size() == 1);
  CHECK(ab->hashes[0].alg == "SHA-1");
  CHECK(ab->hashes[0].hex == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(r.edges.at(ab->bom_ref).size() == 1);
  CHECK(r.warnings.size() == 1);
  auto bad = run_on_text(internal::kComposerLockCataloger, "composer.lock", "{\"packages\": [");
  CHECK(bad.result.components.empty());
  CHECK(bad.result.warnings.size() == 1);
}

TEST_CASE("sbom::composer_lock_wrong_types") {
  auto run = run_on_text(internal::kComposerLockCataloger, "composer.lock",
                         R"({"packages":[{"name":"a/b","version":"1","source":{"type":3}},{"name":["x"],"version":"1"},
    {"name":"c/d","version":2},7,{"name":"e/f","version":"3","source":{"type":"git","reference":false}}]})");
  const auto& r = run.result;
  CHECK(has_warning(r, "packages[0].source.type: not a string; ignored"));
  CHECK(has_warning(r, "packages[1].name: not a string; skipped"));
  CHECK(has_warning(r, "packages[2].version: not a string; skipped"));
  CHECK(has_warning(r, "packages[3]: not an object; skipped"));
  CHECK(has_warning(r, "packages[4].source.reference: not a string; ignored"));
  CHECK(r.warnings.size() == 5);
  CHECK(r.components.size() == 2);
  CHECK(find_component(r, "b", "1"));
  CHECK(find_component(r, "f", "3"));
}
