// The ImageSource of each transport (image.hpp dispatches on the reference).
#pragma once

#include "hallmark/oci/image.hpp"

namespace hallmark::oci {

Result<std::unique_ptr<ImageSource>> open_layout_source(const ImageRef& ref);
Result<std::unique_ptr<ImageSource>> open_oci_archive_source(const ImageRef& ref, const SourceOptions& options);
Result<std::unique_ptr<ImageSource>> open_docker_archive_source(const ImageRef& ref, const SourceOptions& options);
Result<std::unique_ptr<ImageSource>> open_registry_source(const ImageRef& ref, const SourceOptions& options);

// A private directory (mkdtemp, mode 0700) removed with everything in it when destroyed.
class TempDir {
public:
  static Result<TempDir> create(const std::filesystem::path& parent);
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

}  // namespace hallmark::oci
