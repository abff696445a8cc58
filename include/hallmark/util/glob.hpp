// Glob matching for --exclude, --dirhash, --subject, --env-allow/deny and policy patterns.
// '*' and '?' stay within one path segment, '**' spans segments ("**/node_modules" matches at
// any depth, "build/**" everything below build), '[...]' classes; a pattern without '/' matches
// the last segment anywhere ("*.o"), as .gitignore does.
#pragma once

#include <string_view>

namespace hallmark {

bool glob_match(std::string_view pattern, std::string_view path);
// Plain fnmatch-like match of a whole string with no path semantics (environment names).
bool wildcard_match(std::string_view pattern, std::string_view text);

}  // namespace hallmark
