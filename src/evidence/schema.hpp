// The evidence store's schema: its version and the migrations that reach it, in one place.
#pragma once

#include "backend.hpp"

#include <cstdint>
#include <string_view>

namespace hallmark::evidence {

inline constexpr int kSchemaVersion = 2;

// Brings the store to kSchemaVersion inside one transaction (serialized between processes) and
// returns the version found before. A store newer than kSchemaVersion is an error: this binary
// would misread it.
Result<int> migrate(Backend& backend, const std::string& where);

// A 63-bit row id from a key (the first 8 bytes of its SHA-256): ids are computed, not
// allocated, so a row's id is the same in every store and ingest needs no round trip for it.
int64_t row_id(std::string_view key);

}  // namespace hallmark::evidence
