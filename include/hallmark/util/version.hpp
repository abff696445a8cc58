// hallmark's version ("0.1.0"), from the project() call in meson.build. A function in util
// rather than a macro in a generated header, so that a version change recompiles one file and no
// module needs the build root on its include path.
#pragma once

namespace hallmark {

const char* hallmark_version();
// The `git describe` of the build ("992a18f", "v0.1.0-3-gabc-dirty"), or "unknown".
const char* hallmark_git_describe();

}  // namespace hallmark
