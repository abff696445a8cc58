// JSON string escaping for the SBOM writers. Input comes from lockfiles an attacker may have
// written, so it is not trusted to be UTF-8: invalid sequences become U+FFFD instead of an
// exception or an invalid document.
#pragma once

#include <string>
#include <string_view>

namespace hallmark::sbom {

void json_escape_into(std::string& out, std::string_view s);

} // namespace hallmark::sbom
