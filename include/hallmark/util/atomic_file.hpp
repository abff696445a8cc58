// Atomic file writes: content goes to a temporary file in the destination's directory, is
// fsync'd, then renamed over the destination, so a reader (or a parallel hallmark process) sees
// either the old file or the whole new one, never a torn write.
#pragma once

#include "hallmark/util/result.hpp"

#include <filesystem>
#include <functional>
#include <string_view>

namespace hallmark {

struct AtomicWriteOptions {
  unsigned mode = 0644;     // permission bits of the final file
  bool no_clobber = false;  // fail if the destination exists (link(2) instead of rename(2))
};

Status write_file_atomic(const std::filesystem::path& path, std::string_view content, AtomicWriteOptions options = {});

// The same for content produced in pieces: `produce` calls `write` with each piece in order, so a
// large document (a step record of 20,000 files) never has to exist whole in memory. A failed
// write makes the later ones no-ops and the call's result an error.
using ChunkSink = std::function<void(std::string_view)>;
Status write_file_atomic(const std::filesystem::path& path, const std::function<void(const ChunkSink&)>& produce,
                         AtomicWriteOptions options = {});

// Appends one line (a trailing '\n' is added) with O_APPEND under an exclusive flock, so
// concurrent appenders never interleave. Returns an error naming the file.
Status append_line_locked(const std::filesystem::path& path, std::string_view line);

Result<std::string> read_file(const std::filesystem::path& path, size_t max_bytes = size_t(1) << 30);

}  // namespace hallmark
