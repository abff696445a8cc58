// gradle.lockfile (Gradle dependency locking): "group:artifact:version=conf1,conf2" per
// resolved module and "empty=..." for configurations that resolve nothing. The file is a flat
// resolution result: it states neither edges nor which modules are direct, so it yields
// components only. A module locked only in test or tooling configurations (test*, spotbugs*,
// jacoco*, checkstyle*, ...) is dev-only: scope excluded, listed with --include-dev.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

namespace hallmark::sbom::internal {
namespace {

bool is_dev_configuration(std::string_view conf) {
  static constexpr std::string_view kDevPrefixes[] = {
      "test",   "androidTest",     "spotbugs", "jacoco",   "checkstyle", "pmd",     "detekt",
      "ktlint", "developmentOnly", "lint",     "codenarc", "errorprone", "swagger", "integrationTest"};
  for (auto p : kDevPrefixes)
    if (conf.rfind(p, 0) == 0) return true;
  // Variant test configurations: debugUnitTestRuntimeClasspath, releaseTestCompileClasspath...
  return conf.find("Test") != std::string_view::npos;
}

void catalog_gradle_lockfile(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  size_t n = 0;
  for (std::string_view line : split_lines(in.content)) {
    ++n;
    line = trim(line);
    if (line.empty() || line.front() == '#' || line.rfind("empty=", 0) == 0) continue;
    size_t eq = line.find('=');
    auto coord = split(line.substr(0, eq), ':');
    if (coord.size() < 3 || coord[0].empty() || coord[1].empty() || coord[2].empty()) {
      rb.warn("line " + std::to_string(n) + ": expected group:artifact:version=configurations");
      continue;
    }
    Component c;
    c.purl_type = "maven";
    c.group = std::string(coord[0]);
    c.name = std::string(coord[1]);
    c.version = std::string(coord[2]);
    bool dev = true;
    std::string_view confs = eq == std::string_view::npos ? std::string_view{} : line.substr(eq + 1);
    for (auto conf : split(confs, ','))
      if (!conf.empty() && !is_dev_configuration(conf)) dev = false;
    if (confs.empty()) dev = false;
    if (dev) {
      if (!in.include_dev) continue;
      c.scope = Scope::excluded;
    }
    c.properties["hallmark:gradle.configurations"] = std::string(confs);
    rb.add(std::move(c));
  }
}

bool matches_gradle_lockfile(std::string_view filename, std::string_view relpath) {
  if (filename == "gradle.lockfile" || filename == "buildscript-gradle.lockfile") return true;
  // Gradle < 6.8 kept one file per configuration under gradle/dependency-locks/.
  return relpath.find("gradle/dependency-locks/") != std::string_view::npos && filename.size() > 9 &&
         filename.substr(filename.size() - 9) == ".lockfile";
}

}  // namespace

const Cataloger kGradleLockfileCataloger{"gradle-lockfile", matches_gradle_lockfile, catalog_gradle_lockfile};

}  // namespace hallmark::sbom::internal
