#include "hallmark/oci/reference.hpp"

#include <cctype>

namespace hallmark::oci {

bool is_sha256_digest(std::string_view d) {
  if (d.size() != 71 || d.substr(0, 7) != "sha256:") return false;
  for (char c : d.substr(7))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

namespace {

constexpr const char* kRegistryForm = "HOST[:PORT]/REPO[:TAG|@sha256:HEX], docker://..., oci:DIR[:TAG], "
                                      "oci-archive:FILE[:TAG] or docker-archive:FILE";

bool valid_tag(std::string_view t) {
  // distribution's reference grammar: [\w][\w.-]{0,127}
  if (t.empty() || t.size() > 128 || t[0] == '.' || t[0] == '-') return false;
  for (char c : t)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

bool valid_repository(std::string_view r) {
  // Lowercase path components separated by '/', each [a-z0-9]+ joined by '.', '_', '__' or '-'.
  if (r.empty() || r.size() > 255 || r.front() == '/' || r.back() == '/') return false;
  char prev = '/';
  for (char c : r) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    bool sep = c == '.' || c == '_' || c == '-';
    if (!alnum && !sep && c != '/') return false;
    if ((sep || c == '/') && prev == '/') return false;
    if (c == '/' && (prev == '.' || prev == '-')) return false;
    prev = c;
  }
  return true;
}

// "PATH[:TAG]" of the oci and oci-archive transports: the tag is after the last ':' if that
// ':' comes after the last '/'.
void split_path_tag(std::string_view rest, ImageRef& ref) {
  size_t colon = rest.rfind(':');
  size_t slash = rest.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.path = std::string(rest.substr(0, colon));
    ref.tag = std::string(rest.substr(colon + 1));
  } else {
    ref.path = std::string(rest);
  }
}

Result<ImageRef> parse_registry(std::string_view text, std::string_view original) {
  ImageRef ref;
  ref.transport = Transport::registry;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!is_sha256_digest(ref.digest))
      return make_error("image reference " + std::string(original) + ": digest " + ref.digest +
                        " is not sha256: followed by 64 lowercase hex digits");
  }
  size_t slash = rest.find('/');
  std::string_view first = slash == std::string_view::npos ? std::string_view{} : rest.substr(0, slash);
  bool has_host = !first.empty() && (first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
                                     first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos);
  if (has_host) {
    ref.registry = std::string(first);
    rest = rest.substr(slash + 1);
  } else {
    ref.registry = "docker.io";
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!valid_tag(ref.tag))
      return make_error("image reference " + std::string(original) + ": tag \"" + ref.tag +
                        "\" is not valid (letters, digits, '_', '.', '-'; at most 128)");
  }
  ref.repository = std::string(rest);
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos)
    ref.repository = "library/" + ref.repository;
  if (!valid_repository(ref.repository))
    return make_error("image reference " + std::string(original) + ": repository \"" + ref.repository +
                      "\" is not valid (lowercase letters, digits and separators; expected " + kRegistryForm + ")");
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace

Result<ImageRef> parse_image_ref(std::string_view text) {
  if (text.empty()) return make_error(std::string("empty image reference: expected ") + kRegistryForm);
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
      return make_error("image reference contains a space or control character: expected " +
                        std::string(kRegistryForm));
  auto strip = [&](std::string_view prefix) {
    if (text.substr(0, prefix.size()) != prefix) return false;
    text.remove_prefix(prefix.size());
    return true;
  };
  std::string_view original = text;
  ImageRef ref;
  if (strip("oci:")) {
    ref.transport = Transport::oci_layout;
    split_path_tag(text, ref);
  } else if (strip("oci-archive:")) {
    ref.transport = Transport::oci_archive;
    split_path_tag(text, ref);
  } else if (strip("docker-archive:")) {
    ref.transport = Transport::docker_archive;
    // docker-archive:FILE[:NAME:TAG] names an image inside a multi-image archive; only one here.
    ref.path = std::string(text);
  } else {
    strip("docker://");
    return parse_registry(text, original);
  }
  if (ref.path.empty())
    return make_error("image reference " + std::string(original) + ": no path after the transport name");
  if (!ref.tag.empty() && !valid_tag(ref.tag))
    return make_error("image reference " + std::string(original) + ": tag \"" + ref.tag + "\" is not valid");
  return ref;
}

std::string ImageRef::name() const {
  if (transport != Transport::registry) return path;
  return registry + "/" + repository;
}

std::string ImageRef::api_host() const { return registry == "docker.io" ? "registry-1.docker.io" : registry; }

std::string ImageRef::to_string() const {
  switch (transport) {
  case Transport::oci_layout: return "oci:" + path + (tag.empty() ? "" : ":" + tag);
  case Transport::oci_archive: return "oci-archive:" + path + (tag.empty() ? "" : ":" + tag);
  case Transport::docker_archive: return "docker-archive:" + path;
  case Transport::registry: break;
  }
  return name() + (tag.empty() ? "" : ":" + tag) + (digest.empty() ? "" : "@" + digest);
}

}  // namespace hallmark::oci
