#include "hallmark/oci/image.hpp"

#include "sources.hpp"

#include <sys/utsname.h>

namespace hallmark::oci {

using nlohmann::json;

std::string Platform::to_string() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }

bool Platform::matches(const json& p) const {
  if (!p.is_object()) return false;
  auto get = [&](const char* k) { return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : ""; };
  if (get("os") != os || get("architecture") != architecture) return false;
  return variant.empty() || get("variant") == variant;
}

Result<Platform> parse_platform(std::string_view text) {
  Platform p;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty())
    return make_error("--platform " + std::string(text) + ": expected OS/ARCH[/VARIANT], e.g. linux/amd64");
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

Platform host_platform() {
  Platform p;
  struct utsname u {};
  std::string m = ::uname(&u) == 0 ? u.machine : "x86_64";
  // GOARCH names, as image indexes use them
  if (m == "x86_64") p.architecture = "amd64";
  else if (m == "aarch64") p.architecture = "arm64";
  else if (m.rfind("armv7", 0) == 0) p.architecture = "arm", p.variant = "v7";
  else if (m == "i686" || m == "i386") p.architecture = "386";
  else p.architecture = m;
  return p;
}

Result<std::pair<Descriptor, std::vector<Descriptor>>> parse_image_manifest(const std::string& bytes,
                                                                            const std::string& digest) {
  json m = json::parse(bytes, nullptr, false);
  if (m.is_discarded() || !m.is_object()) return make_error("manifest " + digest + " is not a JSON object");
  if (!m.contains("config") || !m.contains("layers") || !m["layers"].is_array())
    return make_error("manifest " + digest + " has no config or layers (not an image manifest)");
  auto config = Descriptor::from_json(m["config"], "manifest " + digest + " config");
  if (!config) return config.error();
  std::vector<Descriptor> layers;
  for (size_t i = 0; i < m["layers"].size(); ++i) {
    auto d = Descriptor::from_json(m["layers"][i], "manifest " + digest + " layers[" + std::to_string(i) + "]");
    if (!d) return d.error();
    layers.push_back(std::move(*d));
  }
  return std::make_pair(std::move(*config), std::move(layers));
}

namespace {

std::string media_type_of(const std::string& bytes, const std::string& fallback) {
  json j = json::parse(bytes, nullptr, false);
  if (j.is_object() && j.contains("mediaType") && j["mediaType"].is_string()) return j["mediaType"].get<std::string>();
  if (j.is_object() && j.contains("manifests")) return kOciIndex;
  return fallback.empty() ? kOciManifest : fallback;
}

// The platform's entry of an index; nested indexes are followed up to a small depth.
Result<Manifest> pick_platform(ImageSource& source, Manifest index, const Platform& platform) {
  for (int depth = 0; depth < 4 && index.is_index(); ++depth) {
    json j = json::parse(index.bytes, nullptr, false);
    if (j.is_discarded() || !j.contains("manifests") || !j["manifests"].is_array())
      return make_error("index " + index.digest + " has no manifests array");
    std::vector<std::string> offered;
    std::optional<Descriptor> chosen;
    for (size_t i = 0; i < j["manifests"].size(); ++i) {
      auto d =
          Descriptor::from_json(j["manifests"][i], "index " + index.digest + " manifests[" + std::to_string(i) + "]");
      if (!d) return d.error();
      if (d->platform.is_object()) {
        Platform p;
        p.os = d->platform.value("os", "");
        p.architecture = d->platform.value("architecture", "");
        p.variant = d->platform.value("variant", "");
        offered.push_back(p.to_string());
      }
      if (!chosen && platform.matches(d->platform)) chosen = *d;
    }
    if (!chosen) {
      std::string list;
      for (const auto& o : offered) list += (list.empty() ? "" : ", ") + o;
      return make_error("index " + index.digest + " has no image for platform " + platform.to_string() +
                        " (it has: " + (list.empty() ? "none with a platform" : list) + "); pass --platform");
    }
    auto bytes = source.fetch_small(*chosen);
    if (!bytes) return bytes.error();
    index = Manifest{media_type_of(*bytes, chosen->media_type), chosen->digest, std::move(*bytes)};
  }
  if (index.is_index()) return make_error("index " + index.digest + ": indexes nested deeper than 4");
  return index;
}

}  // namespace

Result<ResolvedImage> resolve_image(ImageSource& source, const Platform& platform) {
  auto top = source.top_manifest();
  if (!top) return top.error();
  ResolvedImage img;
  img.top_digest = top->digest;
  img.top_media_type = top->media_type;
  img.top_size = int64_t(top->bytes.size());
  auto m = pick_platform(source, *top, platform);
  if (!m) return m.error();
  auto parsed = parse_image_manifest(m->bytes, m->digest);
  if (!parsed) return parsed.error();
  img.manifest = Descriptor{m->media_type, m->digest, int64_t(m->bytes.size()), "", {}, nullptr};
  img.layers = std::move(parsed->second);
  auto config = source.fetch_small(parsed->first);
  if (!config) return config.error();
  img.config = json::parse(*config, nullptr, false);
  if (img.config.is_discarded() || !img.config.is_object())
    return make_error("config " + parsed->first.digest + " of manifest " + m->digest + " is not a JSON object");
  if (img.config.contains("rootfs") && img.config["rootfs"].contains("diff_ids") &&
      img.config["rootfs"]["diff_ids"].is_array())
    for (const auto& d : img.config["rootfs"]["diff_ids"])
      if (d.is_string()) img.diff_ids.push_back(d.get<std::string>());
  return img;
}

Result<std::unique_ptr<ImageSource>> open_image_source(const ImageRef& ref, const SourceOptions& options) {
  switch (ref.transport) {
  case Transport::oci_layout: return open_layout_source(ref);
  case Transport::oci_archive: return open_oci_archive_source(ref, options);
  case Transport::docker_archive: return open_docker_archive_source(ref, options);
  case Transport::registry: return open_registry_source(ref, options);
  }
  return make_error("unknown transport");
}

}  // namespace hallmark::oci
