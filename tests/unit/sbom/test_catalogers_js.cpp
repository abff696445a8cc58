// JavaScript catalogers on small lockfiles written here, one rule each: node_modules resolution,
// dev scopes, aliases, workspaces, pnpm key formats of v5/v6/v9.
#include "sbom_test_util.hpp"

#include <algorithm>

using namespace sbomtest;
using hallmark::sbom::Scope;

namespace {
const hallmark::sbom::Component* find(const hallmark::sbom::CatalogResult& r, const std::string& ref) {
  for (const auto& c : r.components)
    if (c.bom_ref == ref) return &c;
  for (const auto& c : r.projects)
    if (c.bom_ref == ref) return &c;
  return nullptr;
}
}  // namespace

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::npm_v3_nested_resolution_and_scopes") {
  TempDir t;
  t.write("package-lock.json", R"({
  "name": "app", "version": "1.0.0", "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "version": "1.0.0", "dependencies": {"a": "^1", "b": "^1"}, "devDependencies": {"d": "^1"}},
    "node_modules/a": {"version": "1.0.0", "integrity": "sha1-qUxC1+3bc6spmOy3nz9X8wNeyis=", "dependencies": {"b": "^2"}},
    "node_modules/a/node_modules/b": {"version": "2.0.0", "license": "MIT"},
    "node_modules/b": {"version": "1.0.0", "dependencies": {"c": "^1"}},
    "node_modules/c": {"version": "1.0.0", "optional": true},
    "node_modules/d": {"version": "1.0.0", "dev": true},
    "node_modules/@s/e": {"version": "3.0.0", "dev": true},
    "node_modules/alias": {"name": "real", "version": "4.0.0"}
  }})");
  auto r = catalog(t.path, "package-lock.json");
  CHECK(r.warnings.empty());
  CHECK(r.components.size() == 7);
  CHECK(has(r.direct, "pkg:npm/a@1.0.0"));
  CHECK(has(r.direct, "pkg:npm/b@1.0.0"));
  CHECK(has(r.direct, "pkg:npm/d@1.0.0"));
  CHECK(r.direct.size() == 3);
  CHECK(has_edge(r, "pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0"));  // nearest node_modules wins
  CHECK_FALSE(has_edge(r, "pkg:npm/a@1.0.0", "pkg:npm/b@1.0.0"));
  CHECK(has_edge(r, "pkg:npm/b@1.0.0", "pkg:npm/c@1.0.0"));
  CHECK(find(r, "pkg:npm/d@1.0.0")->scope == Scope::excluded);
  CHECK(find(r, "pkg:npm/c@1.0.0")->scope == Scope::optional);
  CHECK(find(r, "pkg:npm/%40s/e@3.0.0")->group == "@s");
  CHECK(find(r, "pkg:npm/real@4.0.0"));  // an alias is the real package
  auto* a = find(r, "pkg:npm/a@1.0.0");
  REQUIRE(a->hashes.size() == 1);
  CHECK(a->hashes[0].alg == "SHA-1");
  CHECK(a->hashes[0].hex == "a94c42d7eddb73ab2998ecb79f3f57f3035eca2b");
  CHECK(find(r, "pkg:npm/b@2.0.0")->licenses == std::vector<std::string>{"MIT"});
}

// An integrity that is not a usable SRI hash is a warning naming the package, not a silent drop.
TEST_CASE("sbom::npm_bad_integrity_warns") {
  TempDir t;
  t.write("package-lock.json", R"({"name": "app", "version": "1.0.0", "lockfileVersion": 3, "packages": {
    "": {"name": "app", "version": "1.0.0"},
    "node_modules/ok": {"version": "1.0.0", "integrity": "md5-AAAA sha1-qUxC1+3bc6spmOy3nz9X8wNeyis="},
    "node_modules/notb64": {"version": "1.0.0", "integrity": "sha512-!!!"},
    "node_modules/short": {"version": "1.0.0", "integrity": "sha256-AAAA"},
    "node_modules/unknown": {"version": "1.0.0", "integrity": "md5-AAAA"}
  }})");
  auto r = catalog(t.path, "package-lock.json");
  CHECK(r.components.size() == 4);
  REQUIRE(r.warnings.size() == 3);
  std::string all;
  for (const auto& w : r.warnings) all += w.message + "\n";
  CHECK(all.find("notb64@1.0.0: integrity 'sha512-!!!'") != std::string::npos);
  CHECK(all.find("SHA-512 value is not base64") != std::string::npos);
  CHECK(all.find("SHA-256 value is 3 bytes, not 32") != std::string::npos);
  CHECK(all.find("unknown@1.0.0") != std::string::npos);
  auto ok = std::find_if(r.components.begin(), r.components.end(),
                         [](const hallmark::sbom::Component& c) { return c.name == "ok"; });
  REQUIRE(ok != r.components.end());
  CHECK(ok->hashes.size() == 1);  // the unknown md5 token is skipped, as SRI says
}

TEST_CASE("sbom::npm_v1_nested_requires") {
  TempDir t;
  t.write("package.json", R"({"name": "app", "dependencies": {"a": "1"}})");
  t.write("package-lock.json", R"({"name": "app", "lockfileVersion": 1, "dependencies": {
    "a": {"version": "1.0.0", "requires": {"b": "^2"}, "dependencies": {
      "b": {"version": "2.0.0", "requires": {"c": "1"}}}},
    "b": {"version": "1.0.0", "dev": true},
    "c": {"version": "1.0.0"},
    "g": {"version": "github:user/g#abc123"},
    "local": {"version": "file:../local"}
  }})");
  auto r = catalog(t.path, "package-lock.json");
  CHECK(r.components.size() == 5);
  CHECK(r.direct == std::vector<std::string>{"pkg:npm/a@1.0.0"});  // from package.json
  CHECK(has_edge(r, "pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0"));
  CHECK(has_edge(r, "pkg:npm/b@2.0.0", "pkg:npm/c@1.0.0"));  // resolved up the tree
  CHECK(find(r, "pkg:npm/g@abc123?vcs_url=github:user%2Fg"));
}

TEST_CASE("sbom::yarn_classic_root_and_alias") {
  TempDir t;
  t.write("package.json", R"({"name": "app", "dependencies": {"a": "^1.0.0", "sw": "npm:string-width@^4"},
                               "devDependencies": {"t": "^1"}})");
  t.write("yarn.lock", R"(# THIS IS AN AUTOGENERATED FILE.
# yarn lockfile v1


a@^1.0.0, a@^1.1.0:
  version "1.2.0"
  resolved "https://registry.invalid/a/-/a-1.2.0.tgz#0000000000000000000000000000000000000001"
  dependencies:
    "@s/b" "~2"

"@s/b@~2":
  version "2.0.1"
  integrity sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==

"sw@npm:string-width@^4":
  version "4.2.3"

t@^1:
  version "1.0.0"
  dependencies:
    a "^1.1.0"

unused@^9:
  version "9.0.0"
)");
  auto r = catalog(t.path, "yarn.lock");
  CHECK(r.warnings.empty());
  CHECK(r.components.size() == 5);
  CHECK(r.direct.size() == 3);  // package.json only: not "unused"
  CHECK_FALSE(has(r.direct, "pkg:npm/unused@9.0.0"));
  CHECK(has(r.direct, "pkg:npm/string-width@4.2.3"));
  CHECK(has_edge(r, "pkg:npm/a@1.2.0", "pkg:npm/%40s/b@2.0.1"));
  CHECK(has_edge(r, "pkg:npm/t@1.0.0", "pkg:npm/a@1.2.0"));
  CHECK(find(r, "pkg:npm/t@1.0.0")->scope == Scope::excluded);
  CHECK(find(r, "pkg:npm/a@1.2.0")->scope == Scope::required);
  CHECK(find(r, "pkg:npm/unused@9.0.0")->scope == Scope::excluded);  // reachable from nothing declared
  REQUIRE(find(r, "pkg:npm/a@1.2.0")->hashes.size() == 1);
  CHECK(find(r, "pkg:npm/a@1.2.0")->hashes[0].alg == "SHA-1");  // from the resolved URL fragment
}

TEST_CASE("sbom::yarn_berry_workspaces") {
  TempDir t;
  t.write("package.json", R"({"name": "mono", "dependencies": {"a": "^1"}, "workspaces": ["pkgs/*"]})");
  t.write("yarn.lock", R"(# This file is generated by running "yarn install" inside your project.

__metadata:
  version: 8
  cacheKey: 10

"a@npm:^1":
  version: 1.0.0
  resolution: "a@npm:1.0.0"
  dependencies:
    b: "npm:^2"
  checksum: 10/abc
  languageName: node
  linkType: hard

"b@npm:^2":
  version: 2.1.0
  resolution: "b@npm:2.1.0"
  languageName: node
  linkType: hard

"lib@workspace:pkgs/lib":
  version: 0.0.0-use.local
  resolution: "lib@workspace:pkgs/lib"
  dependencies:
    b: "npm:^2"
  languageName: unknown
  linkType: soft

"mono@workspace:.":
  version: 0.0.0-use.local
  resolution: "mono@workspace:."
  dependencies:
    a: "npm:^1"
  languageName: unknown
  linkType: soft
)");
  auto r = catalog(t.path, "yarn.lock");
  CHECK(r.warnings.empty());
  CHECK(r.components.size() == 2);
  REQUIRE(r.projects.size() == 1);
  CHECK(r.projects[0].name == "lib");
  CHECK(r.direct == std::vector<std::string>{"pkg:npm/a@1.0.0"});
  CHECK(has_edge(r, r.projects[0].bom_ref, "pkg:npm/b@2.1.0"));
  CHECK(find(r, "pkg:npm/a@1.0.0")->properties.at("hallmark:yarn-checksum") == "10/abc");
}

TEST_CASE("sbom::pnpm_v5_v6_v9_keys") {
  TempDir t;
  t.write("v5/pnpm-lock.yaml", R"(lockfileVersion: 5.4
specifiers:
  a: ^1.0.0
dependencies:
  a: 1.0.0_peer@2.0.0
devDependencies:
  '@s/d': 3.0.0
packages:
  /a/1.0.0_peer@2.0.0:
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
    dependencies:
      peer: 2.0.0
    dev: false
  /peer/2.0.0:
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
    dev: false
  /@s/d/3.0.0:
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
    dev: true
)");
  t.write("v6/pnpm-lock.yaml", R"(lockfileVersion: '6.0'
importers:
  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(peer@2.0.0)
  packages/x:
    dependencies:
      peer:
        specifier: ^2
        version: 2.0.0
packages:
  /a@1.0.0(peer@2.0.0):
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
    dependencies:
      peer: 2.0.0
    dev: false
  /peer@2.0.0:
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
    dev: false
)");
  t.write("v9/pnpm-lock.yaml", R"(lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(peer@2.0.0)
    devDependencies:
      '@s/d':
        specifier: ^3
        version: 3.0.0
packages:
  a@1.0.0:
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
  peer@2.0.0:
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
  '@s/d@3.0.0':
    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==}
snapshots:
  a@1.0.0(peer@2.0.0):
    dependencies:
      peer: 2.0.0
  a@1.0.0(peer@1.0.0):
    dependencies:
      peer: 2.0.0
  peer@2.0.0: {}
  '@s/d@3.0.0': {}
)");
  for (const char* v : {"v5", "v6", "v9"}) {
    CAPTURE(v);
    auto r = catalog(t.path / v, "pnpm-lock.yaml");
    CHECK(r.warnings.empty());
    CHECK(has(r.direct, "pkg:npm/a@1.0.0"));
    CHECK(has_edge(r, "pkg:npm/a@1.0.0", "pkg:npm/peer@2.0.0"));
    CHECK(find(r, "pkg:npm/a@1.0.0")->scope == Scope::required);
    if (std::string(v) != "v6") {
      REQUIRE(find(r, "pkg:npm/%40s/d@3.0.0") != nullptr);
      CHECK(find(r, "pkg:npm/%40s/d@3.0.0")->scope == Scope::excluded);
    }
    if (std::string(v) == "v6") {
      REQUIRE(r.projects.size() == 1);
      CHECK(has_edge(r, r.projects[0].bom_ref, "pkg:npm/peer@2.0.0"));
    }
    // Peer variants of a@1.0.0 are one component.
    size_t n = 0;
    for (const auto& c : r.components) n += c.bom_ref == "pkg:npm/a@1.0.0";
    CHECK(n == 1);
  }
}

TEST_SUITE_END();
