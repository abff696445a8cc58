// Each JavaScript and Python cataloger on the real corpus files, against the independent counts
// in $HALLMARK_SHARED/corpus/expected-counts.tsv. Where hallmark's count differs by design the
// difference is computed here from the lockfile itself and explained (docs/sbom-accuracy.md):
// npm aliases ("string-width-cjs" -> string-width@4.2.3) are the aliased package, and
// workspace members are projects, not packages. Recall and precision must be >= 99%.
#include "sbom_test_util.hpp"

#include <fstream>
#include <sstream>

using namespace sbomtest;
using hallmark::sbom::CatalogResult;

namespace {

size_t expected_count(const std::string& name) {
  std::ifstream in(shared_dir() / "corpus" / "expected-counts.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + "\t", 0) != 0) continue;
    // "707 entries, 683 unique name@version": the unique count is the one compared.
    std::string rest = line.substr(name.size() + 1);
    size_t unique = rest.find(" unique");
    if (unique != std::string::npos) {
      size_t start = rest.find_last_of(' ', unique - 1);
      return std::stoul(rest.substr(start == std::string::npos ? 0 : start + 1));
    }
    return std::stoul(rest);
  }
  FAIL("no expected count for " << name);
  return 0;
}

// Count-level recall/precision: what matches can be at most min(a, b).
void check_ratio(size_t got, size_t expected) {
  double matched = static_cast<double>(std::min(got, expected));
  CHECK(matched / static_cast<double>(expected) >= 0.99);
  CHECK(matched / static_cast<double>(got) >= 0.99);
}

void check_no_dangling(const CatalogResult& r) {
  std::set<std::string> refs;
  for (const auto& c : r.components) refs.insert(c.bom_ref);
  for (const auto& c : r.projects) refs.insert(c.bom_ref);
  for (const auto& d : r.direct) CHECK(refs.count(d));
  for (const auto& [from, tos] : r.edges) {
    CHECK(refs.count(from));
    for (const auto& t : tos) CHECK(refs.count(t));
  }
}

}  // namespace

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::corpus_npm_v1_mocha") {
  auto r = catalog(corpus("npm-v1-mocha"), "package-lock.json");
  CHECK(r.warnings.empty());
  auto nv = name_versions(r.components);
  CHECK(nv.size() == expected_count("npm-v1-mocha"));  // 1937: exact
  check_no_dangling(r);
  CHECK(r.direct.size() > 20);
  // v1 integrity -> SHA-512 hex; dev -> excluded.
  size_t with_hash = 0, dev = 0;
  for (const auto& c : r.components) {
    with_hash += !c.hashes.empty();
    dev += c.scope == hallmark::sbom::Scope::excluded;
  }
  CHECK(with_hash == r.components.size());
  CHECK(dev > 1000);
}

TEST_CASE("sbom::corpus_npm_v3_mocha") {
  auto r = catalog(corpus("npm-v3-mocha"), "package-lock.json");
  CHECK(r.warnings.empty());
  auto nv = name_versions(r.components);
  // expected-counts names packages by install folder: 3 npm aliases (string-width-cjs,
  // strip-ansi-cjs, wrap-ansi-cjs) count separately there and 1 workspace link is counted.
  size_t aliases = 0;
  for (const char* a : {"string-width@4.2.3", "strip-ansi@6.0.1", "wrap-ansi@7.0.0"}) aliases += nv.count(a);
  CHECK(aliases == 3);
  CHECK(r.projects.size() == 1);
  check_ratio(nv.size() + aliases + r.projects.size(), expected_count("npm-v3-mocha"));
  CHECK(nv.size() + aliases + r.projects.size() == 683);
  check_no_dangling(r);
}

TEST_CASE("sbom::corpus_yarn_classic_webpack") {
  auto r = catalog(corpus("yarn-classic-webpack"), "yarn.lock");
  CHECK(r.warnings.empty());
  auto nv = name_versions(r.components);
  // expected-counts keys entries by descriptor name: 6 alias entries (prettier-2, react-is-18,
  // react-is-19, *-cjs) are counted under their alias; hallmark names the real package, two of
  // which (react-is@18.3.1, react-is@19.2.7) exist only through those aliases.
  CHECK(nv.count("react-is@18.3.1"));
  check_ratio(nv.size() + 6 - 2, expected_count("yarn-classic-webpack"));
  CHECK(nv.size() == 1393);
  check_no_dangling(r);
  // The root depends on package.json's declared dependencies only, not on every locked package.
  auto pj = hallmark::read_file(corpus("yarn-classic-webpack") / "package.json");
  REQUIRE(pj.ok());
  CHECK(r.direct.size() < 200);
  CHECK(r.direct.size() > 50);
}

TEST_CASE("sbom::corpus_yarn_berry_prettier") {
  auto r = catalog(corpus("yarn-berry-prettier"), "yarn.lock");
  auto nv = name_versions(r.components);
  // 1050 includes the one workspace (prettier@workspace:., the project itself).
  check_ratio(nv.size() + 1, expected_count("yarn-berry-prettier"));
  CHECK(nv.size() == 1049);
  CHECK(r.projects.empty());  // the only workspace is the root project
  check_no_dangling(r);
  CHECK(r.direct.size() < 150);
  // The lockfile lists "trim@npm:0.0.1" as a dependency with no entry of its own: one warning.
  CHECK(r.warnings.size() <= 1);
}

TEST_CASE("sbom::corpus_pnpm_vuejs_core") {
  auto r = catalog(corpus("pnpm-vuejs-core"), "pnpm-lock.yaml");
  CHECK(r.warnings.empty());
  auto nv = name_versions(r.components);
  CHECK(nv.size() == expected_count("pnpm-vuejs-core"));  // 620: exact
  // Every importer but "." is a project with its own edges.
  CHECK(r.projects.size() == 17);
  size_t with_edges = 0;
  for (const auto& p : r.projects) with_edges += r.edges.count(p.bom_ref);
  CHECK(with_edges >= 15);
  check_no_dangling(r);
}

TEST_CASE("sbom::corpus_python") {
  SUBCASE("requirements netbox") {
    auto r = catalog(corpus("pypi-requirements-netbox"), "requirements.txt");
    CHECK(r.warnings.empty());
    CHECK(name_versions(r.components).size() == expected_count("pypi-requirements-netbox"));
    CHECK(name_versions(r.components).count("psycopg@3.3.4"));  // extras stripped
    CHECK(name_versions(r.components).count("django@6.0.8"));   // normalised
    CHECK(r.direct.size() == 46);
  }
  SUBCASE("poetry") {
    auto r = catalog(corpus("pypi-poetry-poetry"), "poetry.lock");
    CHECK(r.warnings.empty());
    CHECK(name_versions(r.components).size() == expected_count("pypi-poetry-poetry"));
    CHECK(r.direct.size() > 10);
    CHECK(r.edges.size() > 30);
    check_no_dangling(r);
  }
  SUBCASE("pipfile") {
    auto r = catalog(corpus("pypi-pipfile-pipenv"), "Pipfile.lock");
    CHECK(r.warnings.empty());
    // expected-counts: "10 default + 100 develop (union 101)" counts names; four names are
    // locked at different versions in default and develop, so name@version gives 105.
    std::set<std::string> names;
    for (const auto& c : r.components) names.insert(c.name);
    CHECK(names.size() == 101);
    CHECK(name_versions(r.components).size() == 105);
  }
  SUBCASE("uv") {
    auto r = catalog(corpus("pypi-uv-pydantic"), "uv.lock");
    CHECK(r.warnings.empty());
    // 176 [[package]] = 174 packages + the 2 workspace members (projects).
    check_ratio(name_versions(r.components).size() + r.projects.size(), expected_count("pypi-uv-pydantic"));
    CHECK(name_versions(r.components).size() + r.projects.size() == 176);
    CHECK(r.projects.size() == 2);
    check_no_dangling(r);
  }
}

TEST_SUITE_END();
