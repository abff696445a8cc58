// Internal to src/hash: one streaming pass feeding every requested algorithm. Used by
// digest_file/digest_bytes and by the tree walk (file contents and dirhash manifests).
#pragma once

#include "hallmark/hash/digest.hpp"

#include <cstdint>
#include <string_view>

namespace hallmark::hash::internal {

// Reusable across many inputs on one thread: contexts are allocated once and re-initialised,
// because EVP context allocation and algorithm fetches show up when hashing 20,000 small files.
class MultiHasher {
public:
  MultiHasher();
  ~MultiHasher();
  MultiHasher(const MultiHasher&) = delete;
  MultiHasher& operator=(const MultiHasher&) = delete;

  // `gitoid_size`: the blob size that goes into the "blob <size>\0" header.
  void begin(const DigestSet& set, uint64_t gitoid_size);
  void update(const void* data, size_t n);
  DigestMap finish();

  // The binary digests, concatenated in the order of DigestSet::names(), raw_size() bytes; the
  // walk's workers turn them into the entry's map themselves (done after the join, that was
  // 15 ms of a 20,000-file walk with the other cores idle).
  static size_t raw_size(const DigestSet& set);
  void finish_raw(unsigned char* out);
  static DigestMap raw_to_map(const DigestSet& set, const unsigned char* raw);

  // A read buffer owned by the hasher (256 KiB), so each worker thread streams through one.
  unsigned char* buffer();
  static size_t buffer_size();

private:
  struct Impl;
  Impl* impl_;
};

// Streams an open file descriptor (positioned at 0) of `size` bytes. A file whose length differs
// from `size` (it is being written) is an error, because the digest would describe no state the
// file was ever in at stat time.
Result<DigestMap> digest_fd(int fd, uint64_t size, const DigestSet& set, MultiHasher& hasher);
// The same, leaving the digests in `hasher` for finish() or finish_raw().
Status stream_fd(int fd, uint64_t size, const DigestSet& set, MultiHasher& hasher);

// The per-thread hasher and read buffer used by the walk's workers.
MultiHasher& thread_hasher();

}  // namespace hallmark::hash::internal
