// The merge step and the directory walk: dedupe by purl, scope precedence, dev filtering,
// dangling edges dropped with a warning, root folding, deterministic order.
#include "sbom_test_util.hpp"

#include "hallmark/sbom/purl.hpp"
#include "hallmark/sbom/writers.hpp"

#include <nlohmann/json.hpp>

using namespace sbomtest;
using namespace hallmark::sbom;
using hallmark::Diagnostics;

namespace {
Component lib(const std::string& name, const std::string& version, Scope scope, const std::string& where) {
  Component c;
  c.purl_type = "npm";
  c.name = name;
  c.version = version;
  c.scope = scope;
  c.occurrences = {where};
  c.bom_ref = make_purl(c);
  return c;
}
Component root_component() {
  Component r;
  r.type = "application";
  r.purl_type = "npm";
  r.name = "app";
  r.version = "1.0.0";
  r.bom_ref = make_purl(r);
  return r;
}
}  // namespace

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::merge_dedupes_and_scopes") {
  CatalogResult a, b;
  a.components = {lib("x", "1.0.0", Scope::excluded, "a/package-lock.json"),
                  lib("y", "2.0.0", Scope::required, "a/package-lock.json")};
  a.components[0].hashes = {{"SHA-512", "aa"}};
  a.direct = {"pkg:npm/x@1.0.0"};
  a.edges["pkg:npm/x@1.0.0"] = {"pkg:npm/y@2.0.0", "pkg:npm/ghost@9.9.9"};
  b.components = {lib("x", "1.0.0", Scope::required, "b/yarn.lock"),
                  lib("devonly", "1.0.0", Scope::excluded, "b/yarn.lock")};
  b.components[0].hashes = {{"SHA-512", "aa"}, {"SHA-1", "bb"}};
  b.direct = {"pkg:npm/x@1.0.0", "pkg:npm/devonly@1.0.0"};
  b.edges["pkg:npm/devonly@1.0.0"] = {"pkg:npm/y@2.0.0"};

  Diagnostics diag;
  Bom bom = merge_results(root_component(), {a, b}, /*include_dev=*/false, diag);
  REQUIRE(bom.components.size() == 2);  // devonly dropped, x merged
  const Component& x = bom.components[0];
  CHECK(x.bom_ref == "pkg:npm/x@1.0.0");
  CHECK(x.scope == Scope::required);  // required wins over excluded
  CHECK(x.occurrences == std::vector<std::string>{"a/package-lock.json", "b/yarn.lock"});
  CHECK(x.hashes.size() == 2);
  CHECK(bom.dependencies.at("pkg:npm/app@1.0.0") == std::vector<std::string>{"pkg:npm/x@1.0.0"});
  CHECK(bom.dependencies.at("pkg:npm/x@1.0.0") == std::vector<std::string>{"pkg:npm/y@2.0.0"});
  CHECK(bom.dependencies.count("pkg:npm/devonly@1.0.0") == 0);
  // The ghost edge is reported; the devonly edges (left out on purpose) are not.
  REQUIRE(diag.size() == 1);
  CHECK(diag.entries()[0].message.find("ghost") != std::string::npos);

  Diagnostics again;
  Bom with_dev = merge_results(root_component(), {a, b}, true, again);
  CHECK(with_dev.components.size() == 3);
  CHECK(with_dev.dependencies.at("pkg:npm/devonly@1.0.0") == std::vector<std::string>{"pkg:npm/y@2.0.0"});
}

TEST_CASE("sbom::merge_folds_the_project_into_the_root") {
  CatalogResult r;
  Component self = lib("app", "1.0.0", Scope::required, "uv.lock");
  r.projects = {self};
  r.components = {lib("dep", "1.0.0", Scope::required, "uv.lock")};
  r.edges[self.bom_ref] = {"pkg:npm/dep@1.0.0"};
  r.direct = {"pkg:npm/dep@1.0.0"};
  Diagnostics diag;
  Bom bom = merge_results(root_component(), {r}, false, diag);
  CHECK(bom.components.size() == 1);
  CHECK(bom.dependencies.at(bom.root.bom_ref) == std::vector<std::string>{"pkg:npm/dep@1.0.0"});
  CHECK(diag.empty());
}

TEST_CASE("sbom::build_bom_walks_and_is_deterministic") {
  Diagnostics diag;
  TempDir t;
  t.write("package.json", R"({"name": "@acme/web", "version": "2.0.0"})");
  t.write("svc/requirements.txt", "b==1\na==2\n");
  t.write("node_modules/z/requirements.txt", "vendored==1\n");
  t.write(".git/requirements.txt", "gitdir==1\n");
  t.write("build/requirements.txt", "built==1\n");
  BomOptions o;
  o.paths = {t.path};
  o.excludes = {"build/**", "build"};
  auto bom = build_bom(o, diag);
  REQUIRE(bom.ok());
  CHECK(bom->root.name == "web");
  CHECK(bom->root.group == "@acme");
  CHECK(bom->root.bom_ref == "pkg:npm/%40acme/web@2.0.0");
  REQUIRE(bom->components.size() == 2);
  CHECK(bom->components[0].name == "a");                               // sorted by bom-ref
  CHECK(bom->components[0].occurrences[0] == "svc/requirements.txt");  // relative to the PATH
  CHECK(diag.lines() == std::vector<std::string>{});                   // nothing malformed here

  WriterOptions w;
  w.timestamp = "2020-01-01T00:00:00Z";
  w.deterministic_ids = true;
  auto again = build_bom(o, diag);
  REQUIRE(again.ok());
  CHECK(write_cyclonedx_json(*bom, w) == write_cyclonedx_json(*again, w));
  CHECK(write_spdx_json(*bom, w) == write_spdx_json(*again, w));

  BomOptions missing;
  missing.paths = {t.path / "nope"};
  auto err = build_bom(missing, diag);
  REQUIRE_FALSE(err.ok());
  CHECK(err.message().find("nope") != std::string::npos);
}

// The root component comes from the project manifest with its declared licence, and the same
// package listed as a dependency gets the same purl (it is the root, not a second component).
TEST_CASE("sbom::root_from_manifest_with_license") {
  Diagnostics diag;
  {
    TempDir t;
    t.write("pom.xml", "<project><parent><groupId>org.acme</groupId><version>2.0</version></parent>"
                       "<artifactId>app</artifactId><licenses><license><name>The Apache Software License, "
                       "Version 2.0</name></license></licenses></project>");
    BomOptions o;
    o.paths = {t.path};
    auto bom = build_bom(o, diag);
    REQUIRE(bom.ok());
    CHECK(make_purl(bom->root) == "pkg:maven/org.acme/app@2.0");
    auto j = nlohmann::json::parse(write_cyclonedx_json(*bom, {}));
    CHECK(j["metadata"]["component"]["licenses"] == nlohmann::json::parse(R"([{"license": {"id": "Apache-2.0"}}])"));
  }
  {
    TempDir t;
    t.write("pyproject.toml", "[project]\nname = \"Zope_Thing\"\nversion = \"1.0\"\nlicense = {text = \"mit\"}\n");
    t.write("requirements.txt", "zope-thing==1.0\nsix==1.16.0\n");
    BomOptions o;
    o.paths = {t.path};
    auto bom = build_bom(o, diag);
    REQUIRE(bom.ok());
    CHECK(make_purl(bom->root) == "pkg:pypi/zope-thing@1.0");
    CHECK(bom->components.size() == 1);  // six; zope-thing is the root itself
    auto j = nlohmann::json::parse(write_cyclonedx_json(*bom, {}));
    CHECK(j["metadata"]["component"]["purl"] == "pkg:pypi/zope-thing@1.0");
    CHECK(j["metadata"]["component"]["licenses"][0]["license"]["id"] == "MIT");
  }
  {
    TempDir t;
    t.write("Cargo.toml", "[package]\nname = \"tool\"\nversion = \"0.1.0\"\nlicense = \"MIT OR Apache-2.0\"\n");
    BomOptions o;
    o.paths = {t.path};
    auto bom = build_bom(o, diag);
    REQUIRE(bom.ok());
    auto j = nlohmann::json::parse(write_cyclonedx_json(*bom, {}));
    CHECK(j["metadata"]["component"]["licenses"][0]["expression"] == "MIT OR Apache-2.0");
  }
}

TEST_SUITE_END();
