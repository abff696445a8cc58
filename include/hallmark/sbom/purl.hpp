// Package URLs per the purl spec (github.com/package-url/purl-spec): type-specific namespace and
// name normalisation, percent-encoding, sorted qualifiers.
#pragma once

#include "hallmark/sbom/component.hpp"

#include <string>

namespace hallmark::sbom {

std::string make_purl(const Component& c);
std::string purl_encode(std::string_view s);  // percent-encode per the spec (keeps ':' in version? see .cpp)

} // namespace hallmark::sbom
