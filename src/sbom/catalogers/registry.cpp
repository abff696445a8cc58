// The one table of catalogers. A cataloger is a plain struct (name, file matcher, parser)
// defined in its own file; adding an ecosystem is one file plus one line here. Order matters
// only for reading the table: every cataloger whose matcher accepts a file runs on it.
#include "hallmark/sbom/cataloger.hpp"

#include "catalogers/catalogers.hpp"

namespace hallmark::sbom {

using namespace internal;  // the catalogers, declared in catalogers.hpp

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

}  // namespace hallmark::sbom
