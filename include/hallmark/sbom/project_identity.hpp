// Who the SBOM is about: metadata.component for a directory. Read from the project's own
// manifest at the top of the directory (package.json, pyproject.toml, Cargo.toml, composer.json,
// go.mod, in that order), else the directory's name with no version (never invented).
#pragma once

#include "hallmark/sbom/component.hpp"

#include <filesystem>

namespace hallmark::sbom {

Component detect_project(const std::filesystem::path& dir);

}  // namespace hallmark::sbom
