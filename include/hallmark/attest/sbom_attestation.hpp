// `hallmark attest --sbom`: the CycloneDX SBOM of the run's workspace and of each subject that
// is an archive, written beside the provenance, listed among its byproducts, and each signed as
// an in-toto statement of its own with predicateType https://cyclonedx.org/bom (the workspace
// SBOM's subjects are all the provenance's subjects; an archive's SBOM has that archive alone).
#pragma once

#include "hallmark/attest/provenance.hpp"
#include "hallmark/context/environment.hpp"
#include "hallmark/sbom/component.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hallmark {

inline constexpr const char* kCycloneDxPredicateType = "https://cyclonedx.org/bom";

struct SbomAttestations {
  std::vector<ByproductFile> files;        // the SBOM files written (provenance byproducts)
  std::vector<nlohmann::json> statements;  // unsigned in-toto statements, one per SBOM
};

// `env`: SOURCE_DATE_EPOCH (reproducible SBOMs) and the Go module cache's location. The
// catalogers' findings go into `diag` as notes with subject "sbom" (the file named in the message).
// `subjects` is the provenance statement's subject array; `out_prefix` names the files:
// "<out_prefix>.workspace.cdx.json" for the workspace, "<workspace>/<subject>.cdx.json" per archive.
// For an image subject (`image_bom` set: attest --image), the SBOM is the image's own instead,
// "<out_prefix>.image.cdx.json": what the image holds, not what the workspace declares.
Result<SbomAttestations> make_sbom_attestations(const std::filesystem::path& workspace, const nlohmann::json& subjects,
                                                const std::filesystem::path& out_prefix, const EnvMap& env,
                                                Diagnostics& diag,
                                                const std::function<Result<sbom::Bom>(Diagnostics&)>& image_bom = {});

}  // namespace hallmark
