#include "corpus_helpers.hpp"
#include "catalogers/catalogers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace hallmark::sbom;
using namespace eco_test;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::maven_pom_corpus_petclinic") {
  auto dir = corpus_dir() / "maven-spring-petclinic";
  auto run = run_on_file(internal::kMavenPomCataloger, dir, "pom.xml", true);
  check_corpus_case("maven-spring-petclinic", run.result);
  const auto& r = run.result;
  CHECK(r.components.size() == 26);
  CHECK(r.direct.size() == 26);
  // versions come from the spring-boot parent BOM, which is not in the file: none invented
  const Component* actuator = find_component(r, "spring-boot-starter-actuator");
  REQUIRE(actuator);
  CHECK(actuator->version.empty());
  CHECK(actuator->group == "org.springframework.boot");
  CHECK(actuator->bom_ref.find('@') == std::string::npos);  // no "@" with an empty version
  // ${webjars-bootstrap.version} resolved from <properties>
  const Component* bootstrap = find_component(r, "bootstrap");
  REQUIRE(bootstrap);
  CHECK(bootstrap->version == "5.3.8");
  CHECK(bootstrap->scope == Scope::required);
  const Component* checkstyle = find_component(r, "checkstyle");
  REQUIRE(checkstyle);
  CHECK(checkstyle->version == "12.3.1");
  CHECK(checkstyle->scope == Scope::excluded);  // plugin dependency: build tool
  auto prod = run_on_file(internal::kMavenPomCataloger, dir, "pom.xml", false);
  CHECK(prod.result.components.size() == 26 - 8 - 2);  // no test scope, no plugin deps
  for (const auto& c : prod.result.components) CHECK(c.scope != Scope::excluded);
}

TEST_CASE("sbom::maven_pom_interpolation_and_dependency_management") {
  std::string pom = R"(<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>org.acme</groupId><artifactId>parent</artifactId><version>7.1</version></parent>
  <artifactId>app</artifactId>
  <properties><lib.version>${base}.2</lib.version><base>3.1</base></properties>
  <dependencyManagement><dependencies>
    <dependency><groupId>org.acme</groupId><artifactId>managed</artifactId><version>${project.version}</version></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>org.acme</groupId><artifactId>sibling</artifactId><version>${project.version}</version></dependency>
    <dependency><groupId>org.acme</groupId><artifactId>managed</artifactId></dependency>
    <dependency><groupId>x</groupId><artifactId>lib</artifactId><version>${lib.version}</version><optional>true</optional></dependency>
    <dependency><groupId>x</groupId><artifactId>from-parent</artifactId><version>${parent.only}</version></dependency>
    <dependency><groupId>x</groupId><artifactId>natives</artifactId><version>1</version><classifier>linux</classifier><type>zip</type></dependency>
    <dependency><groupId>x</groupId></dependency>
  </dependencies>
</project>)";
  auto run = run_on_text(internal::kMavenPomCataloger, "pom.xml", pom);
  const auto& r = run.result;
  CHECK(find_component(r, "sibling")->version == "7.1");  // project.version inherited from parent
  CHECK(find_component(r, "managed")->version == "7.1");
  const Component* lib = find_component(r, "lib");
  CHECK(lib->version == "3.1.2");
  CHECK(lib->scope == Scope::optional);
  const Component* fp = find_component(r, "from-parent");
  CHECK(fp->version.empty());
  CHECK(fp->properties.at("hallmark:maven.version-expression") == "${parent.only}");
  const Component* nat = find_component(r, "natives");
  CHECK(nat->qualifiers.at("classifier") == "linux");
  CHECK(nat->qualifiers.at("type") == "zip");
  CHECK(r.warnings.size() == 1);  // the artifactId-less dependency
  auto bad = run_on_text(internal::kMavenPomCataloger, "pom.xml", "<project><dependencies>");
  CHECK(bad.result.components.empty());
  CHECK(bad.result.warnings.size() == 1);
}

TEST_CASE("sbom::gradle_lockfile_corpus_terra_wsm") {
  auto dir = corpus_dir() / "gradle-lockfile-terra-wsm";
  auto run = run_on_file(internal::kGradleLockfileCataloger, dir, "service/gradle.lockfile", true);
  check_corpus_case("gradle-lockfile-terra-wsm", run.result);  // cdxgen: 0 components
  const auto& r = run.result;
  const Component* pact = find_component(r, "junit5", "4.3.19");
  REQUIRE(pact);
  CHECK(pact->scope == Scope::excluded);  // only test*Classpath configurations
  const Component* stairway = find_component(r, "stairway", "0.0.80-SNAPSHOT");
  REQUIRE(stairway);
  CHECK(stairway->scope == Scope::required);
  CHECK(r.edges.empty());  // the lockfile states no graph
  auto prod = run_on_file(internal::kGradleLockfileCataloger, dir, "service/gradle.lockfile", false);
  CHECK(prod.result.components.size() > 300);
  CHECK(prod.result.components.size() < 569);
  CHECK(!find_component(prod.result, "junit5", "4.3.19"));
  auto bad = run_on_text(internal::kGradleLockfileCataloger, "gradle.lockfile", "a:b=x\ng:a:1=compileClasspath\n");
  CHECK(bad.result.components.size() == 1);
  CHECK(bad.result.warnings.size() == 1);
}

TEST_CASE("sbom::gradle_verification_corpus_adyen") {
  auto dir = corpus_dir() / "gradle-verification-adyen-android";
  auto run = run_on_file(internal::kGradleVerificationCataloger, dir, "gradle/verification-metadata.xml");
  check_corpus_case("gradle-verification-adyen-android", run.result);
  const auto& r = run.result;
  const Component* act = nullptr;
  for (const auto& c : r.components)
    if (c.group == "androidx.activity" && c.name == "activity" && c.version == "1.0.0") act = &c;
  REQUIRE(act);
  REQUIRE(act->hashes.size() == 1);
  CHECK(act->hashes[0].alg == "SHA-256");
  CHECK(act->hashes[0].hex == "d1bc9842455c2e534415d88c44df4d52413b478db9093a1ba36324f705f44c3d");
  CHECK(act->qualifiers.at("type") == "aar");
  size_t hashed =
      std::count_if(r.components.begin(), r.components.end(), [](const Component& c) { return !c.hashes.empty(); });
  MESSAGE("verification-metadata: " << hashed << " of " << r.components.size()
                                    << " components carry a main-artifact hash");
  CHECK(hashed > 500);
}
