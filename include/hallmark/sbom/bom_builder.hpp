// Builds one Bom from PATHs: walks directories (excludes applied while walking; vendored trees
// such as node_modules, vendor, .git skipped unless asked), runs every matching cataloger on each
// manifest, hands archives to the archive reader (archive.hpp), then merges what the catalogers
// found: components deduplicated by purl (occurrences, hashes, licenses merged; the strongest
// scope wins: required > optional > excluded), bom-refs unique, a graph root -> direct ->
// transitive with every edge pointing at a component that exists (edges to unknown refs are
// dropped with a warning; none is ever invented), everything sorted so the same inputs give the
// same bytes.
#pragma once

#include "hallmark/context/environment.hpp"

#include "hallmark/sbom/cataloger.hpp"
#include "hallmark/sbom/component.hpp"
#include "hallmark/util/diagnostics.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace hallmark::sbom {

struct BomOptions {
  std::vector<std::filesystem::path> paths;       // directories, manifests or archives
  std::vector<std::string> excludes;              // globs against paths relative to each PATH
  bool include_dev = false;                       // keep dev-only packages (scope "excluded")
  bool include_vendored = false;                  // walk node_modules, vendor, bower_components
  uint64_t max_file_bytes = uint64_t(256) << 20;  // larger manifests are skipped with a warning
  std::filesystem::path go_module_cache;          // CatalogInput::go_module_cache
};

// Where `go env GOMODCACHE` points for this environment: GOMODCACHE, else $GOPATH/pkg/mod (the
// first GOPATH entry), else $HOME/go/pkg/mod; empty when none is set.
std::filesystem::path go_module_cache_dir(const EnvMap& env);

// Errors only for a PATH that does not exist or cannot be read at all; everything else
// (malformed manifests, unreadable files, symlinks) becomes a Bom warning.
// Findings (malformed lockfiles, unreadable files, limits) go into `diag`, the catalogers' first
// (file by file), then the walk's own.
Result<Bom> build_bom(const BomOptions& options, Diagnostics& diag);

// The merge step alone, for tests and for callers that run catalogers themselves. `root` is
// metadata.component (its bom_ref must be set). Projects whose purl equals the root's are folded
// into the root. The results' warnings, and dropped dependency edges, go into `diag`.
Bom merge_results(Component root, std::vector<CatalogResult> results, bool include_dev, Diagnostics& diag);

// Runs every matching cataloger on one in-memory file. `dir` and read_sibling as in CatalogInput.
CatalogResult catalog_file(const std::string& display_path, std::string_view content, const std::filesystem::path& dir,
                           bool include_dev, const std::filesystem::path& go_module_cache = {});

}  // namespace hallmark::sbom
