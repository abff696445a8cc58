// Debian control-file paragraphs, shared by the dpkg status cataloger and the .deb reader.
#pragma once

#include "hallmark/sbom/component.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sbom::internal {

struct DebParagraph {
  std::map<std::string, std::string> fields;  // continuation lines joined with '\n'
  size_t line = 0;                            // first line, for warnings
  std::string get(const std::string& k) const {
    auto it = fields.find(k);
    return it == fields.end() ? std::string{} : it->second;
  }
};

std::vector<DebParagraph> parse_deb_paragraphs(std::string_view text);
Component deb_component(const DebParagraph& p, const std::string& distro);
std::vector<std::vector<std::string>> deb_depends(std::string_view field);

}  // namespace hallmark::sbom::internal
