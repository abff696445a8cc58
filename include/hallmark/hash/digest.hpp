// File digests: SHA-256 (always), SHA-512 and gitoid (git blob ids, sha1 and sha256 object
// formats) on request, computed in one streaming read through OpenSSL EVP, never buffering a
// whole file.
#pragma once

#include "hallmark/model/file_entry.hpp"
#include "hallmark/util/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

struct DigestSet {
  bool sha256 = true;
  bool sha512 = false;
  bool gitoid = false;  // adds "gitoid:sha1" and "gitoid:sha256"

  // "sha256,sha512,gitoid" -> DigestSet; an unknown name is an error naming it.
  static Result<DigestSet> parse(std::string_view csv);
  std::vector<std::string> names() const;  // the DigestMap keys this set produces
};

// Streams the file once, feeding every requested algorithm. `size` is the size seen at stat
// time; gitoid needs it up front ("blob <size>\0") and a file that changes size while being read
// is reported as an error rather than recorded with a wrong id.
Result<DigestMap> digest_file(const std::filesystem::path& path, const DigestSet& set);
DigestMap digest_bytes(std::string_view data, const DigestSet& set);

}  // namespace hallmark
