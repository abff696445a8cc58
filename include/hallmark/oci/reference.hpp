// Image references, parsed in one place into a typed ImageRef. The spellings are skopeo's
// transports (containers-transports(5)): `oci:DIR[:TAG]` (an OCI image layout),
// `oci-archive:FILE[:TAG]` (a tar of one), `docker-archive:FILE` (`docker save`), and a registry
// reference `HOST[:PORT]/REPO[:TAG|@sha256:HEX]`, also written `docker://...`. A registry name
// without a host is Docker Hub's (`debian` is docker.io/library/debian), as docker and skopeo read it.
#pragma once

#include "hallmark/util/result.hpp"

#include <string>
#include <string_view>

namespace hallmark::oci {

enum class Transport { oci_layout, oci_archive, docker_archive, registry };

struct ImageRef {
  Transport transport = Transport::registry;
  std::string path;        // oci/oci-archive/docker-archive: the directory or file
  std::string registry;    // registry: "host[:port]" ("docker.io" for Docker Hub)
  std::string repository;  // registry: "library/debian"
  std::string tag;         // may be empty (a layout with one image, or a digest reference)
  std::string digest;      // "sha256:<64 hex>" when the reference pins one

  // The reference as the user would write it again (transport prefix included).
  std::string to_string() const;
  // The image's name without tag or digest: "registry/repository" or the layout path.
  std::string name() const;
  // The host requests go to (Docker Hub's API host for docker.io).
  std::string api_host() const;
};

// Errors name the text and what a valid reference looks like.
Result<ImageRef> parse_image_ref(std::string_view text);

// True for "sha256:" followed by 64 lowercase hex digits (the only algorithm hallmark accepts).
bool is_sha256_digest(std::string_view digest);

}  // namespace hallmark::oci
