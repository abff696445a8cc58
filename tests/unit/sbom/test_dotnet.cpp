#include "corpus_helpers.hpp"
#include "catalogers/catalogers.hpp"

#include <doctest/doctest.h>

using namespace hallmark::sbom;
using namespace eco_test;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::nuget_lock_corpus_simpletweaks") {
  auto run =
      run_on_file(internal::kNugetLockCataloger, corpus_dir() / "nuget-SimpleTweaksPlugin", "packages.lock.json");
  const auto& r = run.result;
  CHECK(r.components.size() == 3);
  REQUIRE(r.projects.size() == 1);
  CHECK(r.projects[0].name == "kamitoolkit");
  CHECK(r.projects[0].version.empty());    // a project ref has no version: none invented
  CHECK(r.projects[0].purl_type.empty());  // and is not a NuGet package (no @latest purl)
  // projects are not NuGet packages: the corpus counts resolved packages only
  CatalogResult only_packages = r;
  only_packages.projects.clear();
  only_packages.direct.clear();
  only_packages.edges.clear();
  check_corpus_case("nuget-SimpleTweaksPlugin", only_packages);
  check_no_dangling(r);
  const Component* img = find_component(r, "SixLabors.ImageSharp", "3.1.12");
  REQUIRE(img);
  REQUIRE(img->hashes.size() == 1);
  CHECK(img->hashes[0].alg == "SHA-512");
  CHECK(img->hashes[0].hex.size() == 128);
  CHECK(r.edges.at(r.projects[0].bom_ref) == std::vector<std::string>{img->bom_ref});
  CHECK(r.direct.size() == 3);  // two Direct packages and the project reference
}

TEST_CASE("sbom::nuget_lock_corpus_bitwarden") {
  auto run =
      run_on_file(internal::kNugetLockCataloger, corpus_dir() / "nuget-bitwarden-server", "src/Api/packages.lock.json");
  const auto& r = run.result;
  CHECK(r.projects.size() == 14);
  CatalogResult only_packages = r;
  only_packages.projects.clear();
  only_packages.direct.clear();
  only_packages.edges.clear();
  check_corpus_case("nuget-bitwarden-server", only_packages);
  check_no_dangling(r);
  for (const auto& c : r.components) CHECK(c.version != "latest");
  CHECK(r.direct.size() == 14 + 14);
}

TEST_CASE("sbom::dotnet_deps_json") {
  std::string deps = R"({
    "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0"},
    "targets": {".NETCoreApp,Version=v8.0": {
      "App/1.0.0": {"dependencies": {"Newtonsoft.Json": "13.0.3", "Lib": "1.0.0"}},
      "Newtonsoft.Json/13.0.3": {},
      "Lib/1.0.0": {"dependencies": {"Newtonsoft.Json": "13.0.3"}}}},
    "libraries": {
      "App/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
      "Newtonsoft.Json/13.0.3": {"type": "package", "sha512": "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ=="},
      "Lib/1.0.0": {"type": "project"},
      "bad": {"type": "package"}}})";
  auto run = run_on_text(internal::kDotnetDepsCataloger, "App.deps.json", deps);
  const auto& r = run.result;
  REQUIRE(r.components.size() == 1);
  CHECK(r.projects.size() == 2);
  CHECK(r.components[0].hashes.at(0).hex.size() == 128);
  CHECK(r.edges.at("project:app").size() == 2);
  CHECK(r.warnings.size() == 1);
  check_no_dangling(r);
  CHECK(internal::kDotnetDepsCataloger.matches("App.deps.json", "bin/App.deps.json"));
}

// Numbers and arrays where strings/objects belong: a warning naming the field, never an
// exception or a crash, and the well-formed entries of the same file still catalogued.
TEST_CASE("sbom::nuget_lock_wrong_types") {
  auto run = run_on_text(internal::kNugetLockCataloger, "packages.lock.json",
                         R"({"dependencies":{"net8.0":{"A":{"type":7,"resolved":"1.0"},
    "B":{"type":"Direct","resolved":[1]},"C":{"type":"Direct","resolved":"2.0","contentHash":5},
    "D":{"type":"Transitive","resolved":"3.0"},"E":4},"net9.0":[]}})");
  const auto& r = run.result;
  CHECK(has_warning(r, "dependencies.net8.0.A.type: not a string; skipped"));
  CHECK(has_warning(r, "dependencies.net8.0.B.resolved: not a string; skipped"));
  CHECK(has_warning(r, "dependencies.net8.0.C.contentHash: not a string; ignored"));
  CHECK(has_warning(r, "dependencies.net8.0.E: not an object; skipped"));
  CHECK(has_warning(r, "dependencies.net9.0: not an object; skipped"));
  CHECK(r.warnings.size() == 5);
  for (const auto& w : r.warnings) CHECK(w.subject == "packages.lock.json");
  CHECK(r.components.size() == 2);
  const Component* c = find_component(r, "C", "2.0");
  REQUIRE(c);
  CHECK(c->hashes.empty());
  CHECK(r.direct.size() == 1);
  CHECK(find_component(r, "D", "3.0"));
}

TEST_CASE("sbom::dotnet_deps_wrong_types") {
  auto run = run_on_text(internal::kDotnetDepsCataloger, "x.deps.json",
                         R"({"libraries":{"A/1":{"type":"package","sha512":5},"B/2":{"type":["package"]},
    "C/3":{"type":"package"}},"runtimeTarget":{"name":3}})");
  const auto& r = run.result;
  CHECK(has_warning(r, "runtimeTarget.name: not a string; ignored"));
  CHECK(has_warning(r, "libraries.A/1.sha512: not a string; ignored"));
  CHECK(has_warning(r, "libraries.B/2.type: not a string; skipped"));
  CHECK(r.warnings.size() == 3);
  CHECK(r.components.size() == 2);
  CHECK(find_component(r, "A", "1"));
  CHECK(find_component(r, "C", "3"));
}

TEST_CASE("sbom::conan_lock_wrong_types") {
  auto run = run_on_text(internal::kConanLockCataloger, "conan.lock",
                         R"({"graph_lock":{"nodes":{"0":{"ref":"conanfile","requires":["1","2","3"]},
    "1":{"ref":42},"2":{"ref":"zlib/1.3.1"},"3":[]}}})");
  const auto& r = run.result;
  CHECK(has_warning(r, "graph_lock.nodes.1.ref: not a string; skipped"));
  CHECK(has_warning(r, "graph_lock.nodes.3: not an object; skipped"));
  CHECK(r.warnings.size() == 2);
  REQUIRE(r.components.size() == 1);
  CHECK(r.components[0].name == "zlib");
  CHECK(r.direct.size() == 1);
}

TEST_CASE("sbom::vcpkg_manifest_wrong_types") {
  auto run = run_on_text(internal::kVcpkgManifestCataloger, "vcpkg.json",
                         R"({"dependencies":[{"name":"a","host":"yes"},{"name":5},{"name":"c","features":[{"name":1}]},
    "fmt",{"name":"zlib","features":["x",{"name":"y"}]}],"overrides":[{"name":7,"version":"1"},
    {"name":"zlib","version":"1.3"}]})");
  const auto& r = run.result;
  CHECK(has_warning(r, "dependencies[0].host: not a boolean; skipped"));
  CHECK(has_warning(r, "dependencies[1].name: not a string; skipped"));
  CHECK(has_warning(r, "dependencies[2].features[0].name: not a string; skipped"));
  CHECK(has_warning(r, "overrides[0].name: not a string; skipped"));
  CHECK(r.warnings.size() == 4);
  CHECK(r.components.size() == 2);
  CHECK(find_component(r, "fmt", ""));
  const Component* z = find_component(r, "zlib", "1.3");
  REQUIRE(z);
  CHECK(z->properties.at("hallmark:vcpkg.features") == "x,y");
  CHECK(r.direct.size() == 2);
}

TEST_CASE("sbom::swift_resolved_wrong_types") {
  auto run = run_on_text(internal::kSwiftResolvedCataloger, "Package.resolved",
                         R"({"pins":[{"location":5},{"location":"https://github.com/a/b.git","state":{"version":1}},
    {"location":"https://github.com/a/s.git","state":"x"},3,
    {"location":"https://github.com/o/ok.git","state":{"version":"1.0.0","revision":"abc"}}],"version":2})");
  const auto& r = run.result;
  CHECK(has_warning(r, "pins[0].location: not a string; skipped"));
  CHECK(has_warning(r, "pins[1].state.version: not a string; skipped"));
  CHECK(has_warning(r, "pins[2].state: not an object; skipped"));
  CHECK(has_warning(r, "pins[3]: not an object; skipped"));
  CHECK(r.warnings.size() == 4);
  REQUIRE(r.components.size() == 1);
  CHECK(r.components[0].name == "ok");
  CHECK(r.components[0].version == "1.0.0");
  // v1 writes "version": null for a pin on a branch: the stated revision, no warning.
  auto v1 = run_on_text(internal::kSwiftResolvedCataloger, "Package.resolved",
                        R"({"object":{"pins":[{"package":"x","repositoryURL":"https://github.com/o/x.git",
    "state":{"branch":"main","revision":"0123abc","version":null}}]},"version":1})");
  CHECK(v1.result.warnings.empty());
  REQUIRE(v1.result.components.size() == 1);
  CHECK(v1.result.components[0].version == "0123abc");
  CHECK(v1.result.components[0].properties.at("hallmark:swift.branch") == "main");
}

TEST_CASE("sbom::nuget_packages_config") {
  std::string cfg = R"(<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="Newtonsoft.Json" version="12.0.1" targetFramework="net472" />
  <package id="StyleCop.Analyzers" version="1.1.118" developmentDependency="true" />
  <package id="NoVersion" />
</packages>)";
  auto run = run_on_text(internal::kNugetPackagesConfigCataloger, "packages.config", cfg, false);
  CHECK(run.result.components.size() == 1);
  CHECK(run.result.direct.size() == 1);
  CHECK(run.result.warnings.size() == 1);
  auto dev = run_on_text(internal::kNugetPackagesConfigCataloger, "packages.config", cfg, true);
  CHECK(dev.result.components.size() == 2);
  CHECK(find_component(dev.result, "StyleCop.Analyzers")->scope == Scope::excluded);
}
