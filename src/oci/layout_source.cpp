// `oci:DIR[:TAG]` (image-spec image-layout.md): index.json names the images, blobs/sha256/HEX
// holds them. A `cosign save` directory is a layout too, its index entries annotated with
// kind=dev.cosignproject.cosign/{image,imageIndex,sigs,atts}.
#include "sources.hpp"

#include "hallmark/util/atomic_file.hpp"

namespace hallmark::oci {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kRefName = "org.opencontainers.image.ref.name";
constexpr const char* kCosignKind = "kind";

class LayoutSource : public ImageSource {
public:
  LayoutSource(const ImageRef& ref, fs::path dir) : dir_(std::move(dir)) { ref_ = ref; }

  Status load_index() {
    auto text = read_file(dir_ / "index.json", kMaxManifestBytes);
    if (!text)
      return make_error(dir_.string() + " is not an OCI image layout (no readable index.json): " + text.message());
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("manifests") || !j["manifests"].is_array())
      return make_error(dir_.string() + "/index.json has no manifests array");
    for (size_t i = 0; i < j["manifests"].size(); ++i) {
      auto d =
          Descriptor::from_json(j["manifests"][i], dir_.string() + "/index.json manifests[" + std::to_string(i) + "]");
      if (!d) return d.error();
      entries_.push_back(std::move(*d));
    }
    return ok_status();
  }

  Result<Manifest> top_manifest() override {
    const Descriptor* chosen = nullptr;
    std::string tags;
    std::vector<const Descriptor*> images;
    for (const auto& d : entries_) {
      auto kind = d.annotations.find(kCosignKind);
      bool cosign_image = kind != d.annotations.end() && (kind->second == "dev.cosignproject.cosign/image" ||
                                                          kind->second == "dev.cosignproject.cosign/imageIndex");
      if (kind != d.annotations.end() && !cosign_image) continue;  // signatures and attestations
      auto name = d.annotations.find(kRefName);
      if (name != d.annotations.end()) tags += (tags.empty() ? "" : ", ") + name->second;
      if (!ref_.tag.empty() && name != d.annotations.end() && name->second == ref_.tag) chosen = &d;
      images.push_back(&d);
    }
    if (!ref_.tag.empty() && !chosen)
      return make_error(ref_.to_string() + ": no image tagged \"" + ref_.tag +
                        "\" in index.json (tags: " + (tags.empty() ? "none" : tags) + ")");
    if (!chosen && images.size() == 1) chosen = images[0];
    if (!chosen)
      return make_error(ref_.to_string() + ": index.json lists " + std::to_string(images.size()) +
                        " images; name one with oci:DIR:TAG (tags: " + (tags.empty() ? "none" : tags) + ")");
    auto bytes = fetch_small(*chosen);
    if (!bytes) return bytes.error();
    std::string mt = chosen->media_type;
    json j = json::parse(*bytes, nullptr, false);
    if (j.is_object() && j.contains("mediaType") && j["mediaType"].is_string()) mt = j["mediaType"];
    return Manifest{mt, chosen->digest, std::move(*bytes)};
  }

  Result<std::string> fetch_small(const Descriptor& desc) override {
    if (desc.size > int64_t(kMaxManifestBytes))
      return make_error("blob " + desc.digest + " declares " + std::to_string(desc.size) +
                        " bytes, more than a manifest or config may have (4 MiB)");
    std::string out;
    HALLMARK_TRY(fetch_blob(desc, [&](std::string_view c) {
      out.append(c);
      return ok_status();
    }));
    return out;
  }

  Status fetch_blob(const Descriptor& desc, const ByteSink& sink) override {
    if (!is_sha256_digest(desc.digest))
      return make_error("descriptor digest \"" + desc.digest + "\" is not sha256:<64 hex>");
    return read_verified_file(dir_ / "blobs" / "sha256" / desc.digest.substr(7), desc, sink);
  }

  std::vector<Descriptor> layout_attestations() override {
    std::vector<Descriptor> out;
    for (const auto& d : entries_) {
      auto kind = d.annotations.find(kCosignKind);
      if (kind != d.annotations.end() && kind->second == "dev.cosignproject.cosign/atts") out.push_back(d);
    }
    return out;
  }

private:
  fs::path dir_;
  std::vector<Descriptor> entries_;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_layout_source(const ImageRef& ref) {
  auto src = std::make_unique<LayoutSource>(ref, ref.path);
  HALLMARK_TRY(src->load_index());
  return std::unique_ptr<ImageSource>(std::move(src));
}

// An unpacked archive's layout, keeping its private directory alive as long as the source.
Result<std::unique_ptr<ImageSource>> layout_over_temp(const ImageRef& ref, TempDir dir) {
  struct Owned : LayoutSource {
    Owned(const ImageRef& r, TempDir d) : LayoutSource(r, d.path()), tmp(std::move(d)) {}
    TempDir tmp;
  };
  ImageRef inner = ref;
  auto src = std::make_unique<Owned>(inner, std::move(dir));
  HALLMARK_TRY(src->load_index());
  return std::unique_ptr<ImageSource>(std::move(src));
}

}  // namespace hallmark::oci
