// The one table of catalogers. A cataloger is a plain struct (name, file matcher, parser)
// defined in its own file; adding an ecosystem is one file plus one line here. Order matters
// only for reading the table: every cataloger whose matcher accepts a file runs on it.
#include "hallmark/sbom/cataloger.hpp"

#include "../eco/eco.hpp"

namespace hallmark::sbom {

// JavaScript (sbom-core)
extern const Cataloger kNpmPackageLockCataloger;  // package-lock.json, npm-shrinkwrap.json v1-v3
extern const Cataloger kYarnLockCataloger;        // yarn.lock classic and berry
extern const Cataloger kPnpmLockCataloger;        // pnpm-lock.yaml v5, v6, v9
// Python (sbom-core)
extern const Cataloger kPythonRequirementsCataloger;  // requirements*.txt
extern const Cataloger kPoetryLockCataloger;          // poetry.lock
extern const Cataloger kPipfileLockCataloger;         // Pipfile.lock
extern const Cataloger kUvLockCataloger;              // uv.lock
extern const Cataloger kPdmLockCataloger;             // pdm.lock
extern const Cataloger kPythonInstalledCataloger;     // *.dist-info/METADATA, *.egg-info/PKG-INFO
// OS packages in container images (images)
extern const Cataloger kDpkgStatusDCataloger;  // var/lib/dpkg/status.d/NAME (distroless)

using namespace eco;  // the ecosystem catalogers of src/sbom/eco/

const std::vector<Cataloger>& catalogers() {
  static const std::vector<Cataloger> table = {
      // ---- JavaScript ----
      kNpmPackageLockCataloger,
      kYarnLockCataloger,
      kPnpmLockCataloger,
      // ---- Python ----
      kPythonRequirementsCataloger,
      kPoetryLockCataloger,
      kPipfileLockCataloger,
      kUvLockCataloger,
      kPdmLockCataloger,
      kPythonInstalledCataloger,
      // ---- Go, Rust ----
      kGoModCataloger,
      kCargoLockCataloger,
      // ---- Ruby, PHP ----
      kGemfileLockCataloger,
      kComposerLockCataloger,
      // ---- Java ----
      kMavenPomCataloger,
      kGradleLockfileCataloger,
      kGradleVerificationCataloger,
      // ---- .NET ----
      kNugetLockCataloger,
      kDotnetDepsCataloger,
      kNugetPackagesConfigCataloger,
      // ---- C/C++, Elixir, Dart, Swift, CocoaPods ----
      kConanLockCataloger,
      kVcpkgManifestCataloger,
      kMixLockCataloger,
      kPubspecLockCataloger,
      kSwiftResolvedCataloger,
      kPodfileLockCataloger,
      // ---- OS packages ----
      kDpkgStatusCataloger,
      kApkInstalledCataloger,
      kRpmdbSqliteCataloger,
      kDpkgStatusDCataloger,
  };
  return table;
}

} // namespace hallmark::sbom
