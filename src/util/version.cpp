#include "hallmark/util/version.hpp"

#include "hallmark_config.h"
#include "hallmark_version.h"

namespace hallmark {

const char* hallmark_version() { return HALLMARK_VERSION; }
const char* hallmark_git_describe() { return HALLMARK_GIT_DESCRIBE; }

}  // namespace hallmark
