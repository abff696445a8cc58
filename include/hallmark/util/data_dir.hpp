// Data files hallmark reads at run time (the official JSON schemas in schemas/, the Sigstore
// trusted root in data/sigstore/): found beside the installed binary or in the source tree it was
// built from, never through the working directory.
#pragma once

#include "hallmark/util/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace hallmark {

// `relative` is the file's path in the source tree ("schemas/bom-1.6.schema.json",
// "data/sigstore/trusted_root.json"); installs mirror it under PREFIX/share/hallmark/.
// Looked up in order: `override_dir` (the caller passes $HALLMARK_DATA_DIR, read once with the
// environment), <binary dir>/../share/hallmark, the source tree of the build (so a binary run
// from build/ finds the repository's files; left out with -Dsource_data_dir=false), and
// PREFIX/share/hallmark as configured. The error names every place tried.
Result<std::filesystem::path> find_data_file(std::string_view relative, const std::string& override_dir = {});

}  // namespace hallmark
