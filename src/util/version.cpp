#include "hallmark/util/version.hpp"

#include "hallmark_config.h"

namespace hallmark {

const char* hallmark_version() { return HALLMARK_VERSION; }

} // namespace hallmark
