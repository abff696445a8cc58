#include "hallmark/attest/sbom_attestation.hpp"

#include "hallmark/sbom/archive.hpp"
#include "hallmark/sbom/bom_builder.hpp"
#include "hallmark/sbom/writers.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <cstdlib>

namespace hallmark {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json statement_for(json subjects, const std::string& bom_text) {
  return {{"_type", "https://in-toto.io/Statement/v1"},
          {"subject", std::move(subjects)},
          {"predicateType", kCycloneDxPredicateType},
          {"predicate", json::parse(bom_text)}};
}

// `found`: what building the SBOM reported. A lockfile that does not parse leaves the SBOM short,
// not the attestation wrong: a note each.
Status add_bom(const Result<sbom::Bom>& bom, Diagnostics& found, const std::string& what, const fs::path& file,
               json subjects, const EnvMap& env, SbomAttestations& out, Diagnostics& diag) {
  for (const auto& w : found.take()) diag.note("sbom", to_line(w));
  if (!bom) return make_error("SBOM of " + what + ": " + bom.message());
  sbom::WriterOptions wo;
  wo.source_date_epoch = env_get(env, "SOURCE_DATE_EPOCH");
  wo.deterministic_ids = !wo.source_date_epoch.empty();
  std::string text = sbom::write_cyclonedx_json(*bom, wo);
  HALLMARK_TRY(write_file_atomic(file, text));
  out.files.push_back({file.filename().string(), file, kMediaCycloneDx});
  out.statements.push_back(statement_for(std::move(subjects), text));
  return ok_status();
}

Status add_sbom(const fs::path& input, const fs::path& file, json subjects, const EnvMap& env, SbomAttestations& out,
                Diagnostics& diag) {
  sbom::BomOptions bo;
  bo.paths = {input};
  bo.go_module_cache = sbom::go_module_cache_dir(env);
  Diagnostics found;
  auto bom = sbom::build_bom(bo, found);
  return add_bom(bom, found, input.string(), file, std::move(subjects), env, out, diag);
}

}  // namespace

Result<SbomAttestations> make_sbom_attestations(const fs::path& workspace, const json& subjects,
                                                const fs::path& out_prefix, const EnvMap& env, Diagnostics& diag,
                                                const std::function<Result<sbom::Bom>(Diagnostics&)>& image_bom) {
  SbomAttestations out;
  if (image_bom) {
    fs::path file = out_prefix;
    file += ".image.cdx.json";
    Diagnostics found;
    auto bom = image_bom(found);
    HALLMARK_TRY(add_bom(bom, found, "the image", file, subjects, env, out, diag));
    return out;
  }
  fs::path ws_file = out_prefix;
  ws_file += ".workspace.cdx.json";
  HALLMARK_TRY(add_sbom(workspace, ws_file, subjects, env, out, diag));
  for (const auto& s : subjects) {
    std::string name = s.value("name", std::string());
    if (!sbom::is_archive_name(fs::path(name).filename().string())) continue;
    fs::path archive = workspace / name;
    fs::path file = archive;
    file += ".cdx.json";
    HALLMARK_TRY(add_sbom(archive, file, json::array({s}), env, out, diag));
  }
  return out;
}

}  // namespace hallmark
