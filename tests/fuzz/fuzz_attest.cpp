// What verify reads from outside: provenance (DSSE envelope, .intoto.jsonl, Sigstore bundle),
// a Sigstore bundle on its own, a policy, a trusted root, a step record. The first byte picks.
#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/policy.hpp"
#include "hallmark/model/step_record.hpp"
#include "hallmark/sigstore/bundle.hpp"
#include "hallmark/sigstore/trusted_root.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
  case 0: (void)hallmark::parse_provenance(text, "fuzz"); break;
  case 1: (void)hallmark::sigstore::parse_bundle(text, "fuzz"); break;
  case 2: (void)hallmark::policy_from_json(text, "fuzz"); break;
  case 3: (void)hallmark::sigstore::trusted_root_from_json(text, "fuzz"); break;
  default: {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded()) (void)hallmark::step_record_from_json(j);
    break;
  }
  }
  return 0;
}
