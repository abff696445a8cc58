// A push parser for tar streams (ustar, GNU long names, PAX path/linkpath/size), fed in pieces
// as a layer is downloaded and decompressed, so no layer is ever held whole. Names are given
// as stored; the squasher decides what is safe. Corrupt headers are errors.
#pragma once

#include "hallmark/util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace hallmark::oci {

struct TarEntry {
  std::string path;
  char type = '0';  // '0' file, '1' hardlink, '2' symlink, '5' dir, '3' '4' '6' devices and FIFOs
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string link;
};

class TarVisitor {
public:
  virtual ~TarVisitor() = default;
  virtual Status entry(const TarEntry& e) = 0;
  virtual Status data(std::string_view bytes) = 0;  // the current entry's content, in order
  virtual Status end_entry() = 0;
};

class TarParser {
public:
  TarParser(TarVisitor& visitor, uint64_t max_entries) : v_(visitor), max_entries_(max_entries) {}
  Status feed(std::string_view bytes);
  Status finish();  // an error if the stream stops inside an entry
  uint64_t entries() const { return entries_; }

private:
  Status header();
  TarVisitor& v_;
  uint64_t max_entries_;
  uint64_t entries_ = 0;
  std::string block_;       // a header being assembled
  uint64_t remaining_ = 0;  // content bytes of the current entry still to come
  uint64_t padding_ = 0;
  bool in_entry_ = false;
  bool done_ = false;
  char meta_ = 0;  // 'L', 'K' or 'x' while collecting metadata content
  std::string meta_buf_;
  std::string long_name_, long_link_;
  std::string pax_path_, pax_link_;
  int64_t pax_size_ = -1;
};

// Decompresses a layer blob (gzip or plain tar) into a TarParser. `max_bytes` bounds the
// decompressed size and `max_ratio` the expansion (gzip bombs), both with errors naming `what`.
class LayerDecoder {
public:
  LayerDecoder(TarParser& tar, std::string what, uint64_t max_bytes, uint64_t max_ratio);
  ~LayerDecoder();
  LayerDecoder(const LayerDecoder&) = delete;
  LayerDecoder& operator=(const LayerDecoder&) = delete;
  Status feed(std::string_view compressed);
  Status finish();
  uint64_t out_bytes() const { return out_; }

private:
  Status emit(std::string_view bytes);
  TarParser& tar_;
  std::string what_;
  uint64_t max_bytes_, max_ratio_;
  uint64_t in_ = 0, out_ = 0;
  int mode_ = -1;  // -1 undecided, 0 plain, 1 gzip
  struct Z;
  Z* z_ = nullptr;
  std::string head_;
};

}  // namespace hallmark::oci
