#include "corpus_helpers.hpp"
#include "catalogers/catalogers.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

using namespace hallmark::sbom;
using namespace eco_test;

TEST_SUITE_BEGIN("sbom");

// The host's own database against dpkg-query: skipped (and reported so) on a host without one.
TEST_CASE("sbom::dpkg_status_this_machine" * doctest::skip(!std::filesystem::exists("/var/lib/dpkg/status"))) {
  auto run = run_on_file(internal::kDpkgStatusCataloger, "/", "var/lib/dpkg/status");
  FILE* p = popen("dpkg-query -W -f='${db:Status-Abbrev}\\n' | grep -c '^.i'", "r");
  REQUIRE(p);
  int installed = 0;
  REQUIRE(fscanf(p, "%d", &installed) == 1);
  pclose(p);
  MESSAGE("dpkg: hallmark " << run.result.components.size() << ", dpkg-query " << installed);
  CHECK(static_cast<int>(run.result.components.size()) == installed);
  CHECK(run.result.warnings.empty());
  const Component* libc = find_component(run.result, "libc6");
  REQUIRE(libc);
  CHECK(libc->purl_type == "deb");
  CHECK(libc->qualifiers.count("arch"));
  CHECK(!run.result.edges.empty());
  check_no_dangling(run.result);
  CHECK(internal::kDpkgStatusCataloger.matches("status", "var/lib/dpkg/status"));
  CHECK(!internal::kDpkgStatusCataloger.matches("status", "docs/status"));
}

TEST_CASE("sbom::dpkg_status_alternatives_virtuals_and_leftovers") {
  std::string status = "Package: app\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n"
                       "Depends: missing | libb (>= 1), mail-transport-agent, perl:any\nDescription: x\n long text\n\n"
                       "Package: libb\nStatus: install ok installed\nVersion: 2.0-1\nArchitecture: amd64\n"
                       "Source: b-src (2.0)\n\n"
                       "Package: postfix\nStatus: install ok installed\nVersion: 3.7\nArchitecture: amd64\n"
                       "Provides: mail-transport-agent\n\n"
                       "Package: perl\nStatus: install ok installed\nVersion: 5.36\nArchitecture: amd64\n\n"
                       "Package: gone\nStatus: deinstall ok config-files\nVersion: 0.1\n\n";
  auto run = run_on_text(internal::kDpkgStatusCataloger, "var/lib/dpkg/status", status);
  const auto& r = run.result;
  CHECK(r.components.size() == 4);  // config-files leftovers are not installed
  const Component* app = find_component(r, "app");
  REQUIRE(app);
  CHECK(r.edges.at(app->bom_ref).size() == 3);  // libb (first installed alternative), postfix, perl
  CHECK(find_component(r, "libb")->qualifiers.at("upstream") == "b-src");
  check_no_dangling(r);
}

TEST_CASE("sbom::apk_installed_db") {
  // Format: https://wiki.alpinelinux.org/wiki/Apk_spec ("Installed Database V2").
  std::string db = "C:Q1SJhtvpoYj3mYVZ2fT0FcjHBmkZ8=\nP:musl\nV:1.2.4-r2\nA:x86_64\nS:383152\nI:622592\n"
                   "T:the musl c library (libc) implementation\nU:https://musl.libc.org/\nL:MIT\no:musl\n"
                   "m:Timo Teräs <timo.teras@iki.fi>\nt:1694524212\nc:f93af038c3de0e6fe4f8e5a3b5f2b5e6d1b8d0d6\n"
                   "p:so:libc.musl-x86_64.so.1=1\nF:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\n"
                   "Z:Q1cZ6B5MWJ4T2pRZWRvDbR1Y+o6Pk=\n\n"
                   "C:Q1zGU0yZ7SV+YqYqUXYxIfXmnq4Uc=\nP:busybox\nV:1.36.1-r2\nA:x86_64\nL:GPL-2.0-only\no:busybox\n"
                   "D:so:libc.musl-x86_64.so.1 !busybox-extras\np:cmd:busybox=1.36.1-r2 /bin/sh\n\n"
                   "C:Q1xx=\nP:ssl_client\nV:1.36.1-r2\nA:x86_64\no:busybox\nD:busybox>=1.36 so:libssl.so.3\n\n"
                   "garbage line\nP:\n";
  auto run = run_on_text(internal::kApkInstalledCataloger, "lib/apk/db/installed", db);
  const auto& r = run.result;
  CHECK(r.components.size() == 3);
  const Component* musl = find_component(r, "musl", "1.2.4-r2");
  REQUIRE(musl);
  CHECK(musl->group == "alpine");
  CHECK(musl->qualifiers.at("arch") == "x86_64");
  CHECK(musl->licenses == std::vector<std::string>{"MIT"});
  const Component* bb = find_component(r, "busybox");
  const Component* ssl = find_component(r, "ssl_client");
  CHECK(r.edges.at(bb->bom_ref) == std::vector<std::string>{musl->bom_ref});  // via so: provides
  CHECK(r.edges.at(ssl->bom_ref) == std::vector<std::string>{bb->bom_ref});   // libssl not installed
  CHECK(ssl->qualifiers.at("upstream") == "busybox");
  CHECK(r.warnings.size() == 2);  // "garbage line", record without a name
  check_no_dangling(r);
}
