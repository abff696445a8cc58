#include "multi_hasher.hpp"

#include "hallmark/util/hex.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>

namespace hallmark::hash::internal {

namespace {

// Explicit fetches, done once: OpenSSL 3's implicit fetch inside EVP_DigestInit_ex takes a
// global lock per call.
const EVP_MD* fetched(const char* name) { return EVP_MD_fetch(nullptr, name, nullptr); }
const EVP_MD* md_sha256() {
  static const EVP_MD* md = fetched("SHA256");
  return md;
}
const EVP_MD* md_sha512() {
  static const EVP_MD* md = fetched("SHA512");
  return md;
}
const EVP_MD* md_sha1() {
  static const EVP_MD* md = fetched("SHA1");
  return md;
}

enum Slot { kSha256, kSha512, kGitSha1, kGitSha256, kSlots };
const char* const kNames[kSlots] = {"sha256", "sha512", "gitoid:sha1", "gitoid:sha256"};

constexpr size_t kReadBuffer = 256 * 1024;

}  // namespace

struct MultiHasher::Impl {
  EVP_MD_CTX* ctx[kSlots] = {};
  bool on[kSlots] = {};
  std::unique_ptr<unsigned char[]> buffer{new unsigned char[kReadBuffer]};
};

MultiHasher::MultiHasher() : impl_(new Impl) {
  for (auto& c : impl_->ctx) c = EVP_MD_CTX_new();
}

MultiHasher::~MultiHasher() {
  for (auto& c : impl_->ctx) EVP_MD_CTX_free(c);
  delete impl_;
}

void MultiHasher::begin(const DigestSet& set, uint64_t gitoid_size) {
  const EVP_MD* mds[kSlots] = {md_sha256(), md_sha512(), md_sha1(), md_sha256()};
  bool want[kSlots] = {set.sha256, set.sha512, set.gitoid, set.gitoid};
  std::string header = "blob " + std::to_string(gitoid_size);
  for (int i = 0; i < kSlots; ++i) {
    impl_->on[i] = want[i];
    if (!want[i]) continue;
    EVP_DigestInit_ex2(impl_->ctx[i], mds[i], nullptr);
    if (i == kGitSha1 || i == kGitSha256) EVP_DigestUpdate(impl_->ctx[i], header.c_str(), header.size() + 1);
  }
}

void MultiHasher::update(const void* data, size_t n) {
  for (int i = 0; i < kSlots; ++i)
    if (impl_->on[i]) EVP_DigestUpdate(impl_->ctx[i], data, n);
}

DigestMap MultiHasher::finish() {
  DigestMap out;
  for (int i = 0; i < kSlots; ++i) {
    if (!impl_->on[i]) continue;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(impl_->ctx[i], md, &len);
    out.emplace(kNames[i], to_hex(std::string_view(reinterpret_cast<char*>(md), len)));
    impl_->on[i] = false;
  }
  return out;
}

unsigned char* MultiHasher::buffer() { return impl_->buffer.get(); }
size_t MultiHasher::buffer_size() { return kReadBuffer; }

namespace {
const int kRawLen[kSlots] = {32, 64, 20, 32};
}  // namespace

size_t MultiHasher::raw_size(const DigestSet& set) {
  return (set.sha256 ? 32u : 0u) + (set.sha512 ? 64u : 0u) + (set.gitoid ? 52u : 0u);
}

void MultiHasher::finish_raw(unsigned char* out) {
  for (int i = 0; i < kSlots; ++i) {
    if (!impl_->on[i]) continue;
    unsigned int len = 0;
    EVP_DigestFinal_ex(impl_->ctx[i], out, &len);
    out += len;
    impl_->on[i] = false;
  }
}

DigestMap MultiHasher::raw_to_map(const DigestSet& set, const unsigned char* raw) {
  bool want[kSlots] = {set.sha256, set.sha512, set.gitoid, set.gitoid};
  DigestMap out;
  for (int i = 0; i < kSlots; ++i) {
    if (!want[i]) continue;
    out.emplace(kNames[i], to_hex(std::string_view(reinterpret_cast<const char*>(raw), size_t(kRawLen[i]))));
    raw += kRawLen[i];
  }
  return out;
}

Result<DigestMap> digest_fd(int fd, uint64_t size, const DigestSet& set, MultiHasher& hasher) {
  HALLMARK_TRY(stream_fd(fd, size, set, hasher));
  return hasher.finish();
}

Status stream_fd(int fd, uint64_t size, const DigestSet& set, MultiHasher& hasher) {
  hasher.begin(set, size);
  unsigned char* buf = hasher.buffer();
  uint64_t total = 0;
  for (;;) {
    // Ask for one byte more than should remain: a short read that completes `size` is the end of
    // the file, which spares the extra read() returning 0 — one syscall per file out of ~5.
    uint64_t remaining = size - std::min(total, size);
    size_t want = remaining < kReadBuffer ? size_t(remaining) + 1 : kReadBuffer;
    ssize_t n = ::read(fd, buf, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      hasher.finish();
      return make_error(std::string("read failed: ") + std::strerror(e));
    }
    if (n == 0) break;
    total += uint64_t(n);
    if (total > size) break;  // grew while being read
    hasher.update(buf, size_t(n));
    if (size_t(n) < want && total == size) break;
  }
  if (total != size) {
    hasher.finish();
    return make_error("changed size while being read (" + std::to_string(size) + " bytes at stat, " +
                      (total > size ? "more" : std::to_string(total)) + " read)");
  }
  return ok_status();
}

MultiHasher& thread_hasher() {
  thread_local MultiHasher hasher;
  return hasher;
}

}  // namespace hallmark::hash::internal
