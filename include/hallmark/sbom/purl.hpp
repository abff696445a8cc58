// Package URLs per the purl spec (ECMA-427, github.com/package-url/purl-spec): type-specific
// namespace and name normalisation, percent-encoding, sorted qualifiers.
#pragma once

#include "hallmark/sbom/component.hpp"
#include "hallmark/util/result.hpp"

#include <string>

namespace hallmark::sbom {

// The canonical purl of a component; never fails (catalogers always have a type and name).
std::string make_purl(const Component& c);
// The same string, or an error where the type definition forbids the purl (a namespace on a
// type that prohibits one, none where one is required, no name, a bad type or qualifier key).
Result<std::string> build_purl(const Component& c);
// Percent-encodes one segment or qualifier value (':' stays, as the spec's test suite has it).
std::string purl_encode(std::string_view s);

}  // namespace hallmark::sbom
