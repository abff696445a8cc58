// `oci-archive:FILE` and `docker-archive:FILE`: the tar is unpacked into a private directory
// (mkdtemp, 0700) as an OCI layout and read from there. Only names that can belong to the format
// are written (oci-layout, index.json, blobs/sha256/HEX; manifest.json and its config and layer
// files), each created with O_EXCL|O_NOFOLLOW under that directory: nothing else in the archive
// reaches the disk. A `docker save` archive gets a manifest and index written for it, the layer
// digests computed and checked against the config's diff_ids.
#include "sources.hpp"

#include "tar_stream.hpp"

#include "hallmark/oci/squash.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace hallmark::oci {

Result<std::unique_ptr<ImageSource>> layout_over_temp(const ImageRef& ref, TempDir dir);

namespace fs = std::filesystem;
using nlohmann::json;

Result<TempDir> TempDir::create(const fs::path& parent) {
  std::string tmpl = (parent / "hallmark-oci.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    return make_error("cannot create a private directory in " + parent.string() + ": " + std::strerror(errno) +
                      " (set TMPDIR to a writable directory)");
  return TempDir(fs::path(tmpl));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

bool is_hex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Writes the entries `keep` accepts under `root`, flat names mapped by `place`.
class UnpackVisitor : public TarVisitor {
public:
  UnpackVisitor(fs::path root, std::function<std::string(const std::string&)> place)
      : root_(std::move(root)), place_(std::move(place)) {}
  ~UnpackVisitor() override { close_fd(); }

  Status entry(const TarEntry& e) override {
    close_fd();
    if (e.type != '0') return ok_status();
    bool absolute = false;
    auto clean = clean_layer_path(e.path, absolute);
    if (!clean || absolute) return ok_status();
    std::string rel = place_(*clean);
    if (rel.empty()) return ok_status();
    fs::path target = root_ / rel;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0)
      return make_error("cannot write " + target.string() + ": " + std::strerror(errno) +
                        " (a name repeated in the archive?)");
    names_[*clean] = rel;
    return ok_status();
  }
  Status data(std::string_view bytes) override {
    while (fd_ >= 0 && !bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(std::string("cannot write the unpacked archive: ") + std::strerror(errno));
      bytes.remove_prefix(size_t(n));
    }
    return ok_status();
  }
  Status end_entry() override {
    close_fd();
    return ok_status();
  }
  const std::map<std::string, std::string>& names() const { return names_; }

private:
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  fs::path root_;
  std::function<std::string(const std::string&)> place_;
  int fd_ = -1;
  std::map<std::string, std::string> names_;  // archive name -> path under root
};

Status unpack(const ImageRef& ref, UnpackVisitor& v) {
  SquashLimits limits;
  TarParser tar(v, limits.max_entries);
  LayerDecoder dec(tar, ref.to_string(), limits.max_layer_bytes, limits.max_ratio);
  Status st = stream_file(ref.path, [&](std::string_view c) { return dec.feed(c); });
  if (st) st = dec.finish();
  if (!st) return make_error(ref.to_string() + ": " + st.message());
  return ok_status();
}

std::string oci_layout_name(const std::string& name) {
  if (name == "oci-layout" || name == "index.json") return name;
  if (name.rfind("blobs/sha256/", 0) == 0 && is_hex64(name.substr(13))) return name;
  return "";
}

}  // namespace

Result<std::unique_ptr<ImageSource>> open_oci_archive_source(const ImageRef& ref, const SourceOptions& options) {
  auto tmp = TempDir::create(options.temp_dir.empty() ? fs::temp_directory_path() : options.temp_dir);
  if (!tmp) return tmp.error();
  UnpackVisitor v(tmp->path(), oci_layout_name);
  HALLMARK_TRY(unpack(ref, v));
  return layout_over_temp(ref, std::move(*tmp));
}

Result<std::unique_ptr<ImageSource>> open_docker_archive_source(const ImageRef& ref, const SourceOptions& options) {
  auto tmp = TempDir::create(options.temp_dir.empty() ? fs::temp_directory_path() : options.temp_dir);
  if (!tmp) return tmp.error();
  // Every plain name is kept under files/N (N its order), never under its own name.
  size_t counter = 0;
  UnpackVisitor v(tmp->path(), [&](const std::string& name) -> std::string {
    if (std::string r = oci_layout_name(name); !r.empty()) return r;  // docker 25+ saves a layout
    if (name == "manifest.json" || name.size() > 5) return "files/" + std::to_string(counter++);
    return "";
  });
  HALLMARK_TRY(unpack(ref, v));
  const auto& names = v.names();
  if (names.count("index.json")) return layout_over_temp(ref, std::move(*tmp));
  auto mf = names.find("manifest.json");
  if (mf == names.end()) return make_error(ref.to_string() + ": no manifest.json (not a `docker save` archive)");
  auto text = read_file(tmp->path() / mf->second, kMaxManifestBytes);
  if (!text) return text.error();
  json m = json::parse(*text, nullptr, false);
  if (m.is_discarded() || !m.is_array() || m.size() != 1 || !m[0].is_object() || !m[0].contains("Config") ||
      !m[0]["Config"].is_string() || !m[0].contains("Layers") || !m[0]["Layers"].is_array())
    return make_error(ref.to_string() + ": manifest.json must describe exactly one image with Config and Layers");
  auto file_of = [&](const json& name) -> Result<fs::path> {
    bool abs = false;
    auto clean = name.is_string() ? clean_layer_path(name.get<std::string>(), abs) : std::nullopt;
    auto it = clean ? names.find(*clean) : names.end();
    if (it == names.end())
      return make_error(ref.to_string() + ": manifest.json names " + name.dump() + ", not in the archive");
    return tmp->path() / it->second;
  };
  // Move each file into blobs/sha256/ under its computed digest; a layout manifest names them.
  auto adopt = [&](const fs::path& file, const char* media_type) -> Result<Descriptor> {
    auto digest = sha256_digest_of_file(file);
    if (!digest) return digest.error();
    std::error_code ec;
    fs::create_directories(tmp->path() / "blobs" / "sha256", ec);
    fs::path dest = tmp->path() / "blobs" / "sha256" / digest->substr(7);
    if (!fs::exists(dest, ec)) fs::rename(file, dest, ec);
    if (ec) return make_error("cannot move " + file.string() + ": " + ec.message());
    return Descriptor{media_type, *digest, int64_t(fs::file_size(dest, ec)), "", {}, nullptr};
  };
  auto cfg_file = file_of(m[0]["Config"]);
  if (!cfg_file) return cfg_file.error();
  auto config = adopt(*cfg_file, "application/vnd.oci.image.config.v1+json");
  if (!config) return config.error();
  auto cfg_text = read_file(tmp->path() / "blobs" / "sha256" / config->digest.substr(7), kMaxManifestBytes);
  if (!cfg_text) return cfg_text.error();
  json cfg = json::parse(*cfg_text, nullptr, false);
  json diff_ids =
      cfg.is_object() && cfg.contains("rootfs") ? cfg["rootfs"].value("diff_ids", json::array()) : json::array();
  json manifest = {
      {"schemaVersion", 2}, {"mediaType", kOciManifest}, {"config", config->to_json()}, {"layers", json::array()}};
  for (size_t i = 0; i < m[0]["Layers"].size(); ++i) {
    auto lf = file_of(m[0]["Layers"][i]);
    if (!lf) return lf.error();
    auto layer = adopt(*lf, "application/vnd.oci.image.layer.v1.tar");
    if (!layer) return layer.error();
    if (i >= diff_ids.size() || !diff_ids[i].is_string() || diff_ids[i].get<std::string>() != layer->digest)
      return make_error(ref.to_string() + ": layer " + std::to_string(i) + " has digest " + layer->digest +
                        " but the config's rootfs.diff_ids[" + std::to_string(i) + "] says " +
                        (i < diff_ids.size() ? diff_ids[i].dump() : std::string("nothing")) + " (tampered archive)");
    manifest["layers"].push_back(layer->to_json());
  }
  std::string mbytes = manifest.dump();
  std::string mdigest = sha256_digest(mbytes);
  HALLMARK_TRY(write_file_atomic(tmp->path() / "blobs" / "sha256" / mdigest.substr(7), mbytes));
  json index = {
      {"schemaVersion", 2},
      {"manifests", json::array({{{"mediaType", kOciManifest}, {"digest", mdigest}, {"size", mbytes.size()}}})}};
  HALLMARK_TRY(write_file_atomic(tmp->path() / "index.json", index.dump()));
  return layout_over_temp(ref, std::move(*tmp));
}

}  // namespace hallmark::oci
