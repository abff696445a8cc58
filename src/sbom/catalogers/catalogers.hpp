// Every cataloger of src/sbom/catalogers/, one folder per ecosystem and one file per format,
// exposed as plain Cataloger values so the registry table (registry.cpp) lists them with one
// line each, and unit tests call them directly.
#pragma once

#include "hallmark/sbom/cataloger.hpp"

namespace hallmark::sbom::internal {

// JavaScript
extern const Cataloger kNpmPackageLockCataloger;  // package-lock.json, npm-shrinkwrap.json v1-v3
extern const Cataloger kYarnLockCataloger;        // yarn.lock classic and berry
extern const Cataloger kPnpmLockCataloger;        // pnpm-lock.yaml v5, v6, v9
// Python
extern const Cataloger kPythonRequirementsCataloger;  // requirements*.txt
extern const Cataloger kPoetryLockCataloger;          // poetry.lock
extern const Cataloger kPipfileLockCataloger;         // Pipfile.lock
extern const Cataloger kUvLockCataloger;              // uv.lock
extern const Cataloger kPdmLockCataloger;             // pdm.lock
extern const Cataloger kPythonInstalledCataloger;     // *.dist-info/METADATA, *.egg-info/PKG-INFO
// OS packages in container images
extern const Cataloger kDpkgStatusDCataloger;  // var/lib/dpkg/status.d/NAME (distroless)

extern const Cataloger kGoModCataloger;                // go.mod (+ go.sum, module cache)
extern const Cataloger kCargoLockCataloger;            // Cargo.lock v1-v4
extern const Cataloger kGemfileLockCataloger;          // Gemfile.lock / gems.locked
extern const Cataloger kComposerLockCataloger;         // composer.lock
extern const Cataloger kMavenPomCataloger;             // pom.xml
extern const Cataloger kGradleLockfileCataloger;       // gradle.lockfile, */gradle/dependency-locks/*.lockfile
extern const Cataloger kGradleVerificationCataloger;   // gradle/verification-metadata.xml
extern const Cataloger kNugetLockCataloger;            // packages.lock.json
extern const Cataloger kDotnetDepsCataloger;           // *.deps.json
extern const Cataloger kNugetPackagesConfigCataloger;  // packages.config
extern const Cataloger kConanLockCataloger;            // conan.lock (0.5 and 2.x)
extern const Cataloger kVcpkgManifestCataloger;        // vcpkg.json
extern const Cataloger kMixLockCataloger;              // mix.lock
extern const Cataloger kPubspecLockCataloger;          // pubspec.lock
extern const Cataloger kSwiftResolvedCataloger;        // Package.resolved v1-v3
extern const Cataloger kPodfileLockCataloger;          // Podfile.lock
extern const Cataloger kDpkgStatusCataloger;           // var/lib/dpkg/status
extern const Cataloger kApkInstalledCataloger;         // lib/apk/db/installed
extern const Cataloger kRpmdbSqliteCataloger;          // var/lib/rpm/rpmdb.sqlite

}  // namespace hallmark::sbom::internal
