#pragma once

#include <string>

namespace hallmark::evidence {
// Empty when libpq can be opened, else why not (naming the Debian package).
std::string libpq_unavailable();
}  // namespace hallmark::evidence
