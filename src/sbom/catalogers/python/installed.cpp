// Installed Python distributions: *.dist-info/METADATA and *.egg-info/PKG-INFO (email-header
// format, Core Metadata spec). Each file is one installed package the tree contains; the
// project depends on it directly. Requires-Dist edges are not drawn: each file is read alone and
// the requirement names no installed version.
#include "catalogers/catalog_util.hpp"

namespace hallmark::sbom::internal {
namespace {

void catalog_installed(const CatalogInput& in, CatalogResult& out) {
  std::string name, version, license_expr;
  std::vector<std::string> licenses;
  std::string_view text = in.content;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;                          // the headers end at the first blank line; the body is the README
    if (line[0] == ' ' || line[0] == '\t') continue;  // folded continuation
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = std::string(line.substr(0, colon));
    std::string value = trim_space(line.substr(colon + 1));
    if (key == "Name") name = value;
    else if (key == "Version") version = value;
    else if (key == "License-Expression") license_expr = value;
    else if (key == "License" && !value.empty() && value != "UNKNOWN" && value.size() < 100) licenses.push_back(value);
  }
  if (name.empty()) {
    add_warning(out, in, "no Name header; skipped");
    return;
  }
  Component c = pypi_component(name, version, in);
  if (!license_expr.empty()) c.licenses = {license_expr};
  else c.licenses = licenses;
  out.direct.push_back(c.bom_ref);
  out.components.push_back(std::move(c));
}

bool matches_installed(std::string_view filename, std::string_view relpath) {
  if (filename == "METADATA") return relpath.find(".dist-info/METADATA") != std::string_view::npos;
  if (filename == "PKG-INFO") return relpath.find(".egg-info/PKG-INFO") != std::string_view::npos;
  return false;
}

}  // namespace

extern const Cataloger kPythonInstalledCataloger{"python-installed", matches_installed, catalog_installed};

}  // namespace hallmark::sbom::internal
