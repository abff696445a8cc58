#include "tar_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace hallmark::oci {

namespace {

constexpr size_t kBlock = 512;
constexpr size_t kMaxMeta = 1 << 20;  // a PAX header or GNU long name larger than this is hostile

std::string field(const std::string& b, size_t off, size_t len) {
  size_t n = 0;
  while (n < len && b[off + n] != '\0') ++n;
  return b.substr(off, n);
}

bool number(const std::string& b, size_t off, size_t len, uint64_t& out) {
  unsigned char first = static_cast<unsigned char>(b[off]);
  out = 0;
  if (first & 0x80) {  // GNU base-256
    for (size_t i = 1; i < len; ++i) {
      if (out >> 56) return false;
      out = (out << 8) | static_cast<unsigned char>(b[off + i]);
    }
    return true;
  }
  size_t i = 0;
  while (i < len && (b[off + i] == ' ' || b[off + i] == '\0')) ++i;
  bool any = false;
  for (; i < len && b[off + i] >= '0' && b[off + i] <= '7'; ++i) {
    if (out >> 60) return false;
    out = out * 8 + uint64_t(b[off + i] - '0');
    any = true;
  }
  return any || i == len || b[off + i] == '\0' || b[off + i] == ' ';
}

// PAX records: "LEN key=value\n"
void parse_pax(std::string_view text, std::string& path, std::string& link, int64_t& size) {
  while (!text.empty()) {
    size_t sp = text.find(' ');
    if (sp == std::string_view::npos) return;
    size_t len = 0;
    for (char c : text.substr(0, sp)) {
      if (c < '0' || c > '9' || len > kMaxMeta) return;
      len = len * 10 + size_t(c - '0');
    }
    if (len <= sp + 1 || len > text.size()) return;
    std::string_view rec = text.substr(sp + 1, len - sp - 2);  // without the trailing '\n'
    size_t eq = rec.find('=');
    if (eq != std::string_view::npos) {
      std::string_view k = rec.substr(0, eq), v = rec.substr(eq + 1);
      if (k == "path") path = std::string(v);
      else if (k == "linkpath") link = std::string(v);
      else if (k == "size") {
        uint64_t n = 0;
        bool okv = !v.empty();
        for (char c : v) okv = okv && c >= '0' && c <= '9' && !(n >> 58), n = n * 10 + uint64_t(c - '0');
        if (okv) size = int64_t(n);
      }
    }
    text.remove_prefix(len);
  }
}

}  // namespace

Status TarParser::header() {
  const std::string& b = block_;
  if (std::all_of(b.begin(), b.end(), [](char c) { return c == '\0'; })) {
    done_ = true;  // end-of-archive marker; what follows is ignored
    return ok_status();
  }
  uint64_t sum = 0, stored = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(b[i]);
  if (!number(b, 148, 8, stored) || stored != sum)
    return make_error("tar header checksum mismatch after " + std::to_string(entries_) + " entries (corrupt layer)");
  uint64_t size = 0, mode = 0;
  if (!number(b, 124, 12, size) || !number(b, 100, 8, mode))
    return make_error("tar header with an invalid size or mode after " + std::to_string(entries_) + " entries");
  char type = b[156];
  if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
    if (size > kMaxMeta) return make_error("tar metadata entry of " + std::to_string(size) + " bytes (hostile layer)");
    meta_ = type;
    meta_buf_.clear();
    remaining_ = size;
    padding_ = (kBlock - size % kBlock) % kBlock;
    in_entry_ = true;
    return ok_status();
  }
  if (++entries_ > max_entries_)
    return make_error("more than " + std::to_string(max_entries_) + " entries in one layer");
  TarEntry e;
  std::string prefix = std::memcmp(b.data() + 257, "ustar", 5) == 0 ? field(b, 345, 155) : "";
  e.path = !pax_path_.empty()    ? pax_path_
           : !long_name_.empty() ? long_name_
                                 : (prefix.empty() ? "" : prefix + "/") + field(b, 0, 100);
  e.link = !pax_link_.empty() ? pax_link_ : !long_link_.empty() ? long_link_ : field(b, 157, 100);
  if (pax_size_ >= 0) size = uint64_t(pax_size_);
  e.type = type == '\0' || type == '7' ? '0' : type;
  e.mode = uint32_t(mode & 07777);
  // Links, directories and devices carry no content whatever their size field says.
  if (e.type != '0') size = 0;
  e.size = size;
  long_name_.clear(), long_link_.clear(), pax_path_.clear(), pax_link_.clear();
  pax_size_ = -1;
  meta_ = 0;
  remaining_ = size;
  padding_ = (kBlock - size % kBlock) % kBlock;
  in_entry_ = true;
  HALLMARK_TRY(v_.entry(e));
  if (remaining_ == 0) {
    in_entry_ = padding_ > 0;
    HALLMARK_TRY(v_.end_entry());
  }
  return ok_status();
}

Status TarParser::feed(std::string_view bytes) {
  while (!bytes.empty() && !done_) {
    if (in_entry_) {
      if (remaining_ > 0) {
        size_t n = size_t(std::min<uint64_t>(remaining_, bytes.size()));
        if (meta_) meta_buf_.append(bytes.substr(0, n));
        else HALLMARK_TRY(v_.data(bytes.substr(0, n)));
        remaining_ -= n;
        bytes.remove_prefix(n);
        if (remaining_ == 0) {
          if (meta_ == 'L') long_name_ = meta_buf_.substr(0, meta_buf_.find('\0'));
          else if (meta_ == 'K') long_link_ = meta_buf_.substr(0, meta_buf_.find('\0'));
          else if (meta_ == 'x') parse_pax(meta_buf_, pax_path_, pax_link_, pax_size_);
          else if (meta_ == 0) HALLMARK_TRY(v_.end_entry());
          meta_ = 0;
          if (padding_ == 0) in_entry_ = false;
        }
        continue;
      }
      size_t n = size_t(std::min<uint64_t>(padding_, bytes.size()));
      padding_ -= n;
      bytes.remove_prefix(n);
      if (padding_ == 0) in_entry_ = false;
      continue;
    }
    size_t need = kBlock - block_.size();
    size_t n = std::min(need, bytes.size());
    block_.append(bytes.substr(0, n));
    bytes.remove_prefix(n);
    if (block_.size() == kBlock) {
      Status st = header();
      block_.clear();
      HALLMARK_TRY(st);
    }
  }
  return ok_status();
}

Status TarParser::finish() {
  if (in_entry_ && remaining_ > 0)
    return make_error("tar stream ends inside an entry (" + std::to_string(remaining_) + " bytes missing)");
  if (!block_.empty() && !done_) return make_error("tar stream ends inside a header");
  return ok_status();
}

struct LayerDecoder::Z {
  z_stream s{};
};

LayerDecoder::LayerDecoder(TarParser& tar, std::string what, uint64_t max_bytes, uint64_t max_ratio)
    : tar_(tar), what_(std::move(what)), max_bytes_(max_bytes), max_ratio_(max_ratio) {}

LayerDecoder::~LayerDecoder() {
  if (z_) {
    inflateEnd(&z_->s);
    delete z_;
  }
}

Status LayerDecoder::emit(std::string_view bytes) {
  out_ += bytes.size();
  if (out_ > max_bytes_)
    return make_error(what_ + " decompresses to more than " + std::to_string(max_bytes_ >> 20) +
                      " MiB (the layer limit; a gzip bomb?)");
  // Real layers compress 2-10x; past 64 MiB a ratio beyond the limit is a bomb, not data.
  if (mode_ == 1 && out_ > (uint64_t(64) << 20) && out_ / std::max<uint64_t>(in_, 1) > max_ratio_)
    return make_error(what_ + " expands more than " + std::to_string(max_ratio_) + "x (a gzip bomb?)");
  return tar_.feed(bytes);
}

Status LayerDecoder::feed(std::string_view in) {
  if (mode_ < 0) {
    head_.append(in);
    if (head_.size() < 4) return ok_status();
    const unsigned char* h = reinterpret_cast<const unsigned char*>(head_.data());
    if (h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
      return make_error(what_ + " is zstd-compressed, which hallmark does not read yet (push it with gzip)");
    mode_ = (h[0] == 0x1f && h[1] == 0x8b) ? 1 : 0;
    if (mode_ == 1) {
      z_ = new Z;
      if (inflateInit2(&z_->s, 15 + 32) != Z_OK) return make_error(what_ + ": zlib init failed");
    }
    std::string buffered = std::move(head_);
    head_.clear();
    return feed(buffered);
  }
  in_ += in.size();
  if (mode_ == 0) return emit(in);
  char out[1 << 16];
  z_->s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z_->s.avail_in = uInt(in.size());
  while (z_->s.avail_in > 0) {
    z_->s.next_out = reinterpret_cast<Bytef*>(out);
    z_->s.avail_out = sizeof out;
    int rc = inflate(&z_->s, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      return make_error(what_ + ": gzip data is corrupt (" + std::string(z_->s.msg ? z_->s.msg : "inflate failed") +
                        ")");
    HALLMARK_TRY(emit(std::string_view(out, sizeof out - z_->s.avail_out)));
    if (rc == Z_STREAM_END && z_->s.avail_in > 0) inflateReset(&z_->s);  // concatenated members
    if (rc == Z_BUF_ERROR) break;
  }
  return ok_status();
}

Status LayerDecoder::finish() {
  if (mode_ < 0 && !head_.empty()) {
    mode_ = 0;
    std::string rest = std::move(head_);
    HALLMARK_TRY(emit(rest));
  }
  if (mode_ == 1) {
    // Drain what inflate still holds.
    char out[1 << 16];
    for (;;) {
      z_->s.next_in = nullptr;
      z_->s.avail_in = 0;
      z_->s.next_out = reinterpret_cast<Bytef*>(out);
      z_->s.avail_out = sizeof out;
      int rc = inflate(&z_->s, Z_FINISH);
      size_t n = sizeof out - z_->s.avail_out;
      if (n) HALLMARK_TRY(emit(std::string_view(out, n)));
      if (rc == Z_STREAM_END) break;
      if (n == 0) return make_error(what_ + ": gzip stream is truncated");
    }
  }
  return tar_.finish();
}

}  // namespace hallmark::oci
