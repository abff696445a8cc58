// make_purl against cases of the purl spec's test-suite-data.json (package-url/purl-spec) and
// the type rules in PURL-TYPES for every type hallmark's catalogers emit.
#include "hallmark/sbom/purl.hpp"

#include "sbom_test_util.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

using hallmark::sbom::Component;
using hallmark::sbom::make_purl;

namespace {
Component C(std::string type, std::string ns, std::string name, std::string version,
            std::map<std::string, std::string> q = {}, std::string subpath = {}) {
  Component c;
  c.purl_type = std::move(type);
  c.group = std::move(ns);
  c.name = std::move(name);
  c.version = std::move(version);
  c.qualifiers = std::move(q);
  c.subpath = std::move(subpath);
  return c;
}
}  // namespace

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::purl_spec_test_suite_cases") {
  struct Case {
    Component c;
    const char* canonical;
  } cases[] = {
      {C("maven", "org.apache.commons", "io", "1.3.4"), "pkg:maven/org.apache.commons/io@1.3.4"},
      {C("maven", "org.apache.commons", "io", ""), "pkg:maven/org.apache.commons/io"},
      {C("GOLANG", "google.golang.org", "genproto", "", {}, "/googleapis/api/annotations/"),
       "pkg:golang/google.golang.org/genproto#googleapis/api/annotations"},
      {C("golang", "google.golang.org", "genproto", "abcdedf", {}, "googleapis/api/annotations"),
       "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations"},
      {C("bitbucket", "birKenfeld", "pyGments-main", "244fd47e07d1014f0aed9c"),
       "pkg:bitbucket/birkenfeld/pygments-main@244fd47e07d1014f0aed9c"},
      {C("github", "Package-url", "purl-Spec", "244fd47e07d1004f0aed9c"),
       "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c"},
      {C("deb", "debian", "curl", "7.50.3-1", {{"arch", "i386"}, {"distro", "jessie"}}),
       "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie"},
      {C("docker", "customer", "dockerimage", "sha256:244fd47e07d1004f0aed9c", {{"repository_url", "gcr.io"}}),
       "pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io"},
      {C("gem", "", "jruby-launcher", "1.1.2", {{"Platform", "java"}}), "pkg:gem/jruby-launcher@1.1.2?platform=java"},
      // The suite keeps '/' in "repository_url=repo.spring.io/release" but encodes it in vcs_url and
      // download_url values (below); hallmark encodes it everywhere in qualifier values, as the
      // vcs_url/download_url cases and packageurl-python do.
      {C("Maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1",
         {{"classifier", "sources"}, {"repositorY_url", "repo.spring.io/release"}}),
       "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repository_url=repo.spring.io%2Frelease"},
      {C("maven", "net.sf.jacob-project", "jacob", "1.14.3", {{"type", "dll"}, {"classifier", "x86"}}),
       "pkg:maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll"},
      {C("npm", "@angular", "animation", "12.3.1"), "pkg:npm/%40angular/animation@12.3.1"},
      {C("Nuget", "", "EnterpriseLibrary.Common", "6.0.1304"), "pkg:nuget/EnterpriseLibrary.Common@6.0.1304"},
      {C("PYPI", "", "Django_package", "1.11.1.dev1"), "pkg:pypi/django-package@1.11.1.dev1"},
      {C("Rpm", "fedora", "curl", "7.50.3-1.fc25", {{"Arch", "i386"}, {"Distro", "fedora-25"}}),
       "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25"},
      {C("maven", "HTTPClient", "HTTPClient", "0.3-3"), "pkg:maven/HTTPClient/HTTPClient@0.3-3"},
      {C("maven", "mygroup", "myartifact", "1.0.0 Final", {{"mykey", "my value"}}),
       "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value"},
      {C("conan", "", "cctz", "2.3"), "pkg:conan/cctz@2.3"},
      {C("conan", "bincrafters", "cctz", "2.3", {{"channel", "stable"}}),
       "pkg:conan/bincrafters/cctz@2.3?channel=stable"},
      {C("conda", "", "absl-py", "0.4.1",
         {{"build", "py36h06a4308_0"}, {"channel", "main"}, {"subdir", "linux-64"}, {"type", "tar.bz2"}}),
       "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2"},
      {C("cran", "", "A3", "0.9.1"), "pkg:cran/A3@0.9.1"},
      {C("swift", "github.com/Alamofire", "Alamofire", "5.4.3"), "pkg:swift/github.com/Alamofire/Alamofire@5.4.3"},
      {C("hackage", "", "AC-HalfInteger", "1.2.1"), "pkg:hackage/AC-HalfInteger@1.2.1"},
      {C("npm", "", "packageurl-js", "0.0.7", {{"vcs_url", "git+https://github.com/package-url/packageurl-js.git"}}),
       "pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Fpackage-url%2Fpackageurl-js.git"},
      {C("npm", "", "packageurl-js", "0.0.7",
         {{"download_url", "https://registry.npmjs.org/packageurl-js/-/packageurl-js-0.0.7.tgz"}}),
       "pkg:npm/"
       "packageurl-js@0.0.7?download_url=https:%2F%2Fregistry.npmjs.org%2Fpackageurl-js%2F-%2Fpackageurl-js-0.0.7.tgz"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.canonical);
    CHECK(make_purl(k.c) == k.canonical);
  }
}

TEST_CASE("sbom::purl_type_rules") {
  // npm: scope given with or without '@', or still inside the name.
  CHECK(make_purl(C("npm", "babel", "core", "7.0.0")) == "pkg:npm/%40babel/core@7.0.0");
  CHECK(make_purl(C("npm", "", "@babel/core", "7.0.0")) == "pkg:npm/%40babel/core@7.0.0");
  // npm: names and scopes are case-sensitive.
  CHECK(make_purl(C("npm", "", "JSONStream", "1.3.5")) == "pkg:npm/JSONStream@1.3.5");
  CHECK(make_purl(C("npm", "@Azure", "Core", "1.0.0")) == "pkg:npm/%40Azure/Core@1.0.0");
  // pypi: lowercase, '_' -> '-', dots stay.
  CHECK(make_purl(C("pypi", "", "Typing_Extensions", "4.0")) == "pkg:pypi/typing-extensions@4.0");
  CHECK(make_purl(C("pypi", "", "zope.interface", "6.0")) == "pkg:pypi/zope.interface@6.0");
  // golang: a module path given as one name is split at its last '/'.
  CHECK(make_purl(C("golang", "", "github.com/anchore/syft", "v1.0.0")) == "pkg:golang/github.com/anchore/syft@v1.0.0");
  // composer lowercase vendor/name; cargo and gem keep case; nuget keeps case.
  CHECK(make_purl(C("composer", "Laravel", "Framework", "10.0.0")) == "pkg:composer/laravel/framework@10.0.0");
  CHECK(make_purl(C("cargo", "", "Inflector", "0.11.4")) == "pkg:cargo/Inflector@0.11.4");
  CHECK(make_purl(C("hex", "", "Phoenix", "1.7.0")) == "pkg:hex/phoenix@1.7.0");
  CHECK(make_purl(C("pub", "", "Flutter_Test", "1.0.0")) == "pkg:pub/flutter_test@1.0.0");
  // cocoapods subspec becomes the subpath.
  CHECK(make_purl(C("cocoapods", "", "Firebase/Core", "10.0.0")) == "pkg:cocoapods/Firebase@10.0.0#Core");
  CHECK(make_purl(C("apk", "alpine", "Curl", "8.0.1-r0", {{"arch", "x86_64"}})) ==
        "pkg:apk/alpine/curl@8.0.1-r0?arch=x86_64");
  CHECK(make_purl(C("generic", "", "openssl", "3.0.0", {{"download_url", "https://a/b?c=d&e"}})) ==
        "pkg:generic/openssl@3.0.0?download_url=https:%2F%2Fa%2Fb%3Fc%3Dd%26e");
  // No version: no '@' at all (never "name@").
  CHECK(make_purl(C("maven", "org.springframework.boot", "spring-boot-starter", "")) ==
        "pkg:maven/org.springframework.boot/spring-boot-starter");
  // Percent-encoding of reserved characters in the name and version; empty qualifiers dropped;
  // '.' and '..' subpath segments removed.
  CHECK(make_purl(C("generic", "", "a b/c", "1+2", {{"x", ""}}, "../x/./y")) == "pkg:generic/a%20b%2Fc@1%2B2#x/y");
}

// Every `build` and `roundtrip` test of the purl spec's own suite (../shared/conformance/purl,
// types/<type>-test.json and the type-less ones of spec/specification-test.json) for every type
// a cataloger of hallmark emits: the expected string, or a failure where one is expected.
TEST_CASE("sbom::purl_conformance_suite") {
  namespace fs = std::filesystem;
  const fs::path suite = sbomtest::shared_dir() / "conformance" / "purl";
  REQUIRE_MESSAGE(fs::is_directory(suite), suite.string() << " is missing (set HALLMARK_SHARED)");
  const std::vector<std::string> emitted = {"alpm",  "apk",     "cargo",  "cocoapods", "composer", "conan", "deb",
                                            "gem",   "generic", "github", "golang",    "hex",      "maven", "npm",
                                            "nuget", "pub",     "pypi",   "swift",     "vcpkg"};
  auto str = [](const nlohmann::json& j, const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  auto run = [&](const fs::path& file, const std::string& only_type) {
    std::ifstream in(file);
    REQUIRE_MESSAGE(in.good(), file.string());
    nlohmann::json doc = nlohmann::json::parse(in);
    int passed = 0, total = 0;
    for (const auto& t : doc.at("tests")) {
      const std::string kind = t.at("test_type").get<std::string>();
      if (kind != "build" && kind != "roundtrip") continue;
      if (kind == "roundtrip") FAIL("roundtrip tests need a purl parser: " << file);
      const auto& in_parts = t.at("input");
      std::string type = str(in_parts, "type");
      if (only_type.empty() && !type.empty() && std::find(emitted.begin(), emitted.end(), type) == emitted.end())
        continue;
      Component c;
      c.purl_type = type;
      c.group = str(in_parts, "namespace");
      c.name = str(in_parts, "name");
      c.version = str(in_parts, "version");
      c.subpath = str(in_parts, "subpath");
      if (in_parts.contains("qualifiers") && in_parts["qualifiers"].is_object())
        for (const auto& [k, v] : in_parts["qualifiers"].items()) c.qualifiers[k] = v.get<std::string>();
      auto got = hallmark::sbom::build_purl(c);
      ++total;
      const std::string description = t.at("description").get<std::string>();
      CAPTURE(description);
      if (t.at("expected_failure").get<bool>()) {
        CHECK_FALSE(got.ok());
        if (!got.ok()) ++passed;
      } else {
        REQUIRE_MESSAGE(got.ok(), (got.ok() ? std::string() : got.message()));
        CHECK(*got == t.at("expected_output").get<std::string>());
        if (*got == t.at("expected_output").get<std::string>()) ++passed;
      }
    }
    std::printf("purl conformance %-18s build %d/%d\n", (only_type.empty() ? "spec" : only_type).c_str(), passed,
                total);
    return total;
  };
  int all = 0;
  for (const std::string& type : emitted) all += run(suite / "types" / (type + "-test.json"), type);
  all += run(suite / "spec" / "specification-test.json", "");
  CHECK(all >= 90);  // 90 at the suite commit named in ../shared/conformance/README.md
}

// The per-type rules of the spec's definitions/<type>-definition.json, for every type hallmark
// emits: a namespace or name the definition calls case-insensitive is lowercased, a
// case-sensitive one kept as written; a namespace the type prohibits is refused, one it
// requires cannot be left out.
TEST_CASE("sbom::purl_type_definitions") {
  namespace fs = std::filesystem;
  const fs::path defs = sbomtest::shared_dir() / "conformance" / "purl" / "definitions";
  REQUIRE_MESSAGE(fs::is_directory(defs), defs.string() << " is missing (set HALLMARK_SHARED)");
  int checked = 0;
  for (const std::string type : {"alpm", "apk", "cargo", "cocoapods", "composer", "conan", "deb", "gem", "generic",
                                 "github", "golang", "hex", "maven", "npm", "nuget", "pub", "pypi", "swift", "vcpkg"}) {
    CAPTURE(type);
    std::ifstream in(defs / (type + "-definition.json"));
    REQUIRE(in.good());
    const nlohmann::json d = nlohmann::json::parse(in);
    const nlohmann::json ns = d.value("namespace_definition", nlohmann::json::object());
    const nlohmann::json name = d.value("name_definition", nlohmann::json::object());
    const std::string ns_req = ns.value("requirement", std::string("optional"));
    Component c;
    c.purl_type = type;
    c.name = "Mixed";
    c.version = "1.0";
    if (ns_req == "required") c.group = "Acme";
    auto got = hallmark::sbom::build_purl(c);
    REQUIRE_MESSAGE(got.ok(), (got.ok() ? std::string() : got.message()));
    // pkg:TYPE/[NAMESPACE/]NAME@1.0
    std::string path = got->substr(got->find('/') + 1);
    path = path.substr(0, path.find('@'));
    std::string want_name =
        name.contains("case_sensitive") && name["case_sensitive"].is_boolean() && !name["case_sensitive"].get<bool>()
            ? "mixed"
            : "Mixed";
    if (type == "pub") want_name = "mixed";  // pub's rule: lowercase letters only
    CHECK(path.substr(path.rfind('/') + 1) == want_name);
    if (ns_req == "required") {
      bool ns_insensitive =
          ns.contains("case_sensitive") && ns["case_sensitive"].is_boolean() && !ns["case_sensitive"].get<bool>();
      CHECK(path.substr(0, path.rfind('/')) == (ns_insensitive ? "acme" : "Acme"));
      Component bare = c;
      bare.group.clear();
      CHECK_FALSE(hallmark::sbom::build_purl(bare).ok());
    }
    if (ns_req == "prohibited") {
      Component with = c;
      with.group = "acme";
      CHECK_FALSE(hallmark::sbom::build_purl(with).ok());
    }
    ++checked;
  }
  CHECK(checked == 19);
}

TEST_SUITE_END();
