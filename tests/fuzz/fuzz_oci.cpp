// Image references and platforms as users type them, and manifests as registries send them.
#include "hallmark/oci/image.hpp"
#include "hallmark/oci/reference.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
  case 0: (void)hallmark::oci::parse_image_ref(text); break;
  case 1: (void)hallmark::oci::parse_platform(text); break;
  default: (void)hallmark::oci::parse_image_manifest(text, "sha256:fuzz"); break;
  }
  return 0;
}
