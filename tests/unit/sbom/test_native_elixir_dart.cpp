#include "corpus_helpers.hpp"
#include "catalogers/catalogers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace hallmark::sbom;
using namespace eco_test;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::conan_lock_corpus_openstudio") {
  auto dir = corpus_dir() / "conan-OpenStudio";
  auto run = run_on_file(internal::kConanLockCataloger, dir, "conan.lock", true);
  check_corpus_case("conan-OpenStudio", run.result);
  const auto& r = run.result;
  const Component* zlib = find_component(r, "zlib", "1.3.1");
  REQUIRE(zlib);
  CHECK(zlib->purl_type == "conan");
  CHECK(zlib->qualifiers.at("rrev") == "af8f2ef3d8e0fddf1975281d7fe43bf6");
  CHECK(find_component(r, "cmake", "3.28.1")->scope == Scope::excluded);
  auto prod = run_on_file(internal::kConanLockCataloger, dir, "conan.lock", false);
  CHECK(prod.result.components.size() == 31);
}

TEST_CASE("sbom::conan_lock_v04_graph") {
  std::string lock = R"({"graph_lock": {"nodes": {
    "0": {"ref": "conanfile", "requires": ["1"], "build_requires": ["3"]},
    "1": {"ref": "openssl/3.0.0@acme/stable#rev1", "requires": ["2"]},
    "2": {"ref": "zlib/1.2.13#rev2"},
    "3": {"ref": "cmake/3.25.0"},
    "4": {"ref": "garbage"}}}, "version": "0.4"})";
  auto run = run_on_text(internal::kConanLockCataloger, "conan.lock", lock, false);
  const auto& r = run.result;
  CHECK(r.components.size() == 2);  // cmake only via build_requires: dev-only
  const Component* ossl = find_component(r, "openssl", "3.0.0");
  REQUIRE(ossl);
  CHECK(ossl->qualifiers.at("user") == "acme");
  CHECK(ossl->qualifiers.at("channel") == "stable");
  CHECK(r.direct == std::vector<std::string>{ossl->bom_ref});
  CHECK(r.edges.at(ossl->bom_ref).size() == 1);
  CHECK(r.warnings.size() == 1);
  check_no_dangling(r);
}

TEST_CASE("sbom::vcpkg_corpus_plotjuggler") {
  auto run = run_on_file(internal::kVcpkgManifestCataloger, corpus_dir() / "vcpkg-PlotJuggler", "vcpkg.json");
  check_corpus_case("vcpkg-PlotJuggler", run.result);
  const auto& r = run.result;
  CHECK(r.direct.size() == 8);
  for (const auto& c : r.components) CHECK(c.version.empty());  // vcpkg.json pins nothing here
  const Component* arrow = find_component(r, "arrow");
  REQUIRE(arrow);
  CHECK(arrow->properties.at("hallmark:vcpkg.features") == "parquet");
  auto pinned = run_on_text(internal::kVcpkgManifestCataloger, "vcpkg.json",
                            R"({"dependencies":["fmt",{"name":"ninja","host":true},{"nope":1}],
                                "overrides":[{"name":"fmt","version":"10.1.1"}]})",
                            false);
  CHECK(pinned.result.components.size() == 1);
  CHECK(pinned.result.components[0].version == "10.1.1");
  CHECK(pinned.result.warnings.size() == 1);
}

TEST_CASE("sbom::mix_lock_corpus_hexpm") {
  auto run = run_on_file(internal::kMixLockCataloger, corpus_dir() / "hex-hexpm", "mix.lock");
  check_corpus_case("hex-hexpm", run.result);
  const auto& r = run.result;
  CHECK(r.warnings.empty());
  // git deps are present (cdxgen drops them)
  const Component* lumis = find_component(r, "lumis", "25cfdf6c2e1444ebf48f1dbd79352fa50acab823");
  REQUIRE(lumis);
  CHECK(lumis->purl_type == "generic");
  CHECK(lumis->qualifiers.at("vcs_url") ==
        "git+https://github.com/ericmj/lumis.git@25cfdf6c2e1444ebf48f1dbd79352fa50acab823");
  CHECK(lumis->properties.at("hallmark:mix.git.branch") == "vendor-haskell-parser");
  const Component* bandit = find_component(r, "bandit", "1.12.4");
  REQUIRE(bandit);
  CHECK(bandit->purl_type == "hex");
  REQUIRE(bandit->hashes.size() == 1);
  CHECK(bandit->hashes[0].hex == "84513318c5752a2a8017664450f889b47fae5d53d64698ddf1e4fb09a7449e8d");
  CHECK(r.edges.at(bandit->bom_ref).size() == 5);
  // direct ones come from mix.exs deps/0; git deps among them
  CHECK(std::find(r.direct.begin(), r.direct.end(), lumis->bom_ref) != r.direct.end());
  CHECK(r.direct.size() > 40);
  const Component* mox = find_component(r, "mox");
  REQUIRE(mox);
  CHECK(mox->properties.at("hallmark:mix.only") == ":test");
}

TEST_CASE("sbom::mix_lock_malformed") {
  auto run = run_on_text(internal::kMixLockCataloger, "mix.lock", "%{\n  \"a\": {:hex, :a, \"1.0\"\n");
  CHECK(run.result.components.empty());
  REQUIRE(run.result.warnings.size() == 1);
  auto deep = run_on_text(internal::kMixLockCataloger, "mix.lock", "%{\"a\": " + std::string(5000, '[') + "}");
  CHECK(deep.result.warnings.size() == 1);  // hostile nesting: a warning, not a stack overflow
}

TEST_CASE("sbom::pubspec_lock_corpus_localsend") {
  auto run = run_on_file(internal::kPubspecLockCataloger, corpus_dir() / "pub-localsend", "pubspec.lock");
  check_corpus_case("pub-localsend", run.result);
  const auto& r = run.result;
  CHECK(r.warnings.empty());
  CHECK(r.direct.size() == 3);  // "direct overridden"
  const Component* a = find_component(r, "_fe_analyzer_shared", "93.0.0");
  REQUIRE(a);
  CHECK(a->hashes.at(0).hex == "8d7ff3948166b8ec5da0fbb5962000926b8e02f2ed9b3e51d1738905fbd4c98d");
  size_t git = std::count_if(r.components.begin(), r.components.end(),
                             [](const Component& c) { return c.qualifiers.count("vcs_url"); });
  CHECK(git == 3);
  auto bad = run_on_text(internal::kPubspecLockCataloger, "pubspec.lock", "packages:\n  a: [\n");
  CHECK(bad.result.warnings.size() == 1);
  auto deep = run_on_text(internal::kPubspecLockCataloger, "pubspec.lock", "packages: " + std::string(100000, '['));
  REQUIRE(deep.result.warnings.size() == 1);  // a warning, not a stack overflow in yaml-cpp
  CHECK(deep.result.warnings[0].message.find("nested too deeply") != std::string::npos);
}

TEST_CASE("sbom::swift_package_resolved_v1_v2") {
  std::string v1 =
      R"({"object":{"pins":[{"package":"swift-nio","repositoryURL":"https://github.com/apple/swift-nio.git",
    "state":{"branch":null,"revision":"abc","version":"2.40.0"}}]},"version":1})";
  auto r1 = run_on_text(internal::kSwiftResolvedCataloger, "Package.resolved", v1);
  REQUIRE(r1.result.components.size() == 1);
  CHECK(r1.result.components[0].group == "github.com/apple");
  CHECK(r1.result.components[0].name == "swift-nio");
  CHECK(r1.result.components[0].version == "2.40.0");
  std::string v2 = R"({"pins":[{"identity":"x","kind":"remoteSourceControl","location":"git@github.com:o/x.git",
    "state":{"branch":"main","revision":"0123456789abcdef"}},{"identity":"y"}],"version":2})";
  auto r2 = run_on_text(internal::kSwiftResolvedCataloger, "Package.resolved", v2);
  REQUIRE(r2.result.components.size() == 1);
  CHECK(r2.result.components[0].group == "github.com/o");
  CHECK(r2.result.components[0].version == "0123456789abcdef");  // the stated revision
  CHECK(r2.result.warnings.size() == 1);
}

TEST_CASE("sbom::podfile_lock") {
  std::string lock = "PODS:\n  - Alamofire (5.6.1)\n  - Firebase/Core (10.0.0):\n"
                     "    - Firebase/CoreOnly\n    - FirebaseAnalytics (~> 10.0.0)\n"
                     "  - Firebase/CoreOnly (10.0.0)\n  - FirebaseAnalytics (10.0.0)\n\n"
                     "DEPENDENCIES:\n  - Alamofire (~> 5.6)\n  - Firebase/Core\n\n"
                     "SPEC CHECKSUMS:\n  Alamofire: 87bd8c952f9a4454320fce00d9cc3de57bcadaf5\n\n"
                     "COCOAPODS: 1.11.3\n";
  auto run = run_on_text(internal::kPodfileLockCataloger, "Podfile.lock", lock);
  const auto& r = run.result;
  CHECK(r.components.size() == 4);
  CHECK(r.direct.size() == 2);
  const Component* core = nullptr;
  for (const auto& c : r.components)
    if (c.subpath == "Core") core = &c;
  REQUIRE(core);
  CHECK(core->name == "Firebase");
  CHECK(r.edges.at(core->bom_ref).size() == 2);
  CHECK(find_component(r, "Alamofire")->properties.at("hallmark:cocoapods.podspec.sha1").size() == 40);
  check_no_dangling(r);
  auto bad = run_on_text(internal::kPodfileLockCataloger, "Podfile.lock", "PODS: 3\n");
  CHECK(bad.result.warnings.size() == 1);
}

TEST_CASE("sbom::podfile_lock_wrong_types") {
  // Sequences and maps where yaml-cpp's as<std::string>() would throw: a warning naming each,
  // the well-formed pods still catalogued.
  std::string lock =
      "PODS:\n  - Alamofire (5.6.1)\n  - [x]\n  - Firebase/Core (10.0.0):\n    - {a: 1}\n"
      "  - FirebaseAnalytics (10.0.0)\n  - ? [k]\n    : [v]\n\n"
      "DEPENDENCIES:\n  - Alamofire (~> 5.6)\n  - [y]\n\n"
      "SPEC CHECKSUMS:\n  Alamofire: [1]\n  FirebaseAnalytics: 87bd8c952f9a4454320fce00d9cc3de57bcadaf5\n";
  auto run = run_on_text(internal::kPodfileLockCataloger, "Podfile.lock", lock);
  const auto& r = run.result;
  CHECK(has_warning(r, "PODS[1]: neither a string nor a one-key map; skipped"));
  CHECK(has_warning(r, "PODS[2].Firebase/Core[0]: not a string; skipped"));
  CHECK(has_warning(r, "PODS[4]: the pod is not a string; skipped"));
  CHECK(has_warning(r, "DEPENDENCIES[1]: not a string; skipped"));
  CHECK(has_warning(r, "SPEC CHECKSUMS: line 15: not a scalar; skipped"));
  CHECK(r.warnings.size() == 5);
  CHECK(r.components.size() == 2);
  REQUIRE(find_component(r, "Alamofire", "5.6.1"));
  CHECK(find_component(r, "FirebaseAnalytics", "10.0.0")->properties.count("hallmark:cocoapods.podspec.sha1") == 1);
  CHECK(r.direct.size() == 1);
}

TEST_CASE("sbom::pubspec_lock_wrong_types") {
  std::string lock = "packages:\n"
                     "  a:\n    dependency: \"direct main\"\n    source: hosted\n    version: [1]\n"
                     "  b:\n    dependency: {x: 1}\n    source: hosted\n    version: \"1.0.0\"\n"
                     "  c:\n    dependency: \"direct main\"\n    source: hosted\n    version: \"2.0.0\"\n"
                     "  d: 5\n"
                     "  ? [e]\n  : {version: \"1\"}\n";
  auto run = run_on_text(internal::kPubspecLockCataloger, "pubspec.lock", lock);
  const auto& r = run.result;
  CHECK(has_warning(r, "packages.a.version: not a scalar; skipped"));
  CHECK(has_warning(r, "packages.b.dependency: not a scalar; skipped"));
  CHECK(has_warning(r, "packages.d: not a map; skipped"));
  CHECK(has_warning(r, "a name that is not a scalar; skipped"));
  CHECK(r.warnings.size() == 4);
  REQUIRE(r.components.size() == 1);
  CHECK(r.components[0].name == "c");
  CHECK(r.direct.size() == 1);
}
