// Declared licences as the SBOM formats need them. Package metadata holds anything from an SPDX
// id ("MIT", "mit", "GPL-2.0+") through an expression ("MIT OR Apache-2.0") to free text ("BSD",
// "UNLICENSED", "see LICENSE"). classify_license() sorts one value into an SPDX id (canonical
// case), an SPDX expression (ids canonicalised, operators upper-case) or a plain name; the
// licence and exception ids are those of the SPDX list in schemas/spdx.schema.json.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hallmark::sbom {

struct LicenseInfo {
  enum class Kind { id, expression, name };
  Kind kind = Kind::name;
  std::string text;  // the canonical id or expression; the declared text (trimmed) for a name
};

LicenseInfo classify_license(std::string_view declared);

// One SPDX 2.3 license expression for all of a package's declared licences (joined with AND),
// or "NOASSERTION" when there are none or one of them is not an SPDX id or expression.
std::string spdx_license_expression(const std::vector<std::string>& declared);

// Canonical ids or expressions joined with AND, each with a space in parentheses.
std::string and_of(const std::vector<std::string>& canonical);

// The LicenseRef-... ids an expression uses, each once, in order of first use.
std::vector<std::string> license_refs(std::string_view expression);

}  // namespace hallmark::sbom
