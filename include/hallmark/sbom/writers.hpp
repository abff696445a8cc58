// SBOM writers: CycloneDX 1.6 / 1.5 JSON and SPDX 2.3 JSON from a Bom. Output is deterministic:
// components sorted by bom-ref, keys in a fixed order, the timestamp from SOURCE_DATE_EPOCH when
// set. The serial number (CycloneDX) and document namespace (SPDX) are random UUIDs unless
// SOURCE_DATE_EPOCH is set, in which case they are derived from a SHA-256 of the BOM's content so
// a reproducible build yields identical bytes.
#pragma once

#include "hallmark/sbom/component.hpp"

#include <string>

namespace hallmark::sbom {

struct WriterOptions {
  std::string spec_version = "1.6";  // CycloneDX: "1.6" or "1.5"
  std::string timestamp;             // RFC 3339; empty: reproducible_now(source_date_epoch)
  std::string source_date_epoch;     // the environment's SOURCE_DATE_EPOCH, "" when unset
  bool deterministic_ids = false;    // serial/namespace from content (set when SOURCE_DATE_EPOCH is)
};

std::string write_cyclonedx_json(const Bom& bom, const WriterOptions& options);
std::string write_spdx_json(const Bom& bom, const WriterOptions& options);

// The text of an RFC 4122 UUID: version 4 from the OS RNG, or version 5 (SHA-1, URL namespace)
// named by `content` when deterministic.
std::string make_uuid(bool deterministic, std::string_view content);

}  // namespace hallmark::sbom
