// The vocabulary of every file list hallmark writes (materials, products, SBOM file hashes,
// trace sections): a file's entry and its digests; a warning about a path is a Diagnostic
// (util/diagnostics.hpp). Kept apart from the step record so that the modules that only list
// files do not recompile when the record changes.
#pragma once

#include "hallmark/util/diagnostics.hpp"
#include "hallmark/util/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hallmark {

// Algorithm name -> lowercase hex: "sha256", "sha512", "gitoid:sha1", "gitoid:sha256".
using DigestMap = std::map<std::string, std::string>;

enum class FileKind { regular, symlink, dirhash, fifo, socket, char_device, block_device, other };
const char* to_string(FileKind k);
std::optional<FileKind> file_kind_from_string(const std::string& s);

struct FileEntry {
  std::string path;  // relative to the workspace, '/'-separated
  FileKind kind = FileKind::regular;
  uint64_t size = 0;
  DigestMap digests;        // regular files and dirhash entries
  std::string link_target;  // symlinks: the target as stored, never followed
  uint64_t file_count = 0;  // dirhash: how many files the digest covers
};

// Shared by every record writer: the same field names everywhere.
nlohmann::json to_json(const FileEntry& e);
Result<FileEntry> file_entry_from_json(const nlohmann::json& j);

}  // namespace hallmark
