// Every cataloger's parser: the first byte picks the manifest's name (and path), the rest is its
// content; each cataloger whose matcher accepts the name runs on it, as `hallmark sbom` would.
// scripts/fuzz.sh seeds it from ../shared/corpus with the same table (kNames, by index).
#include "hallmark/sbom/cataloger.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

// relpath of the manifest; the file name is its last component.
const char* const kNames[] = {
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements.txt",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "site-packages/x-1.0.dist-info/METADATA",
    "go.mod",
    "Cargo.lock",
    "Gemfile.lock",
    "composer.lock",
    "pom.xml",
    "gradle.lockfile",
    "gradle/verification-metadata.xml",
    "packages.lock.json",
    "app.deps.json",
    "packages.config",
    "conan.lock",
    "vcpkg.json",
    "mix.lock",
    "pubspec.lock",
    "Package.resolved",
    "Podfile.lock",
    "var/lib/dpkg/status",
    "lib/apk/db/installed",
    "var/lib/rpm/rpmdb.sqlite",
    "var/lib/dpkg/status.d/pkg",
    "pyproject.toml",
    "package.json",
    "Cargo.toml",
    "x.egg-info/PKG-INFO",
};
constexpr size_t kCount = sizeof(kNames) / sizeof(kNames[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string rel = kNames[data[0] % kCount];
  const std::string name = rel.substr(rel.rfind('/') + 1);
  hallmark::sbom::CatalogInput in;
  in.path = rel;
  in.content = std::string_view(reinterpret_cast<const char*>(data + 1), size - 1);
  in.include_dev = data[0] & 0x80;
  in.read_sibling = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  for (const auto& c : hallmark::sbom::catalogers())
    if (c.matches(name, rel)) {
      hallmark::sbom::CatalogResult out;
      c.catalog(in, out);
    }
  return 0;
}
