// Registry credentials from the files container tools write: REGISTRY_AUTH_FILE, else
// $XDG_RUNTIME_DIR/containers/auth.json (podman, skopeo), then $DOCKER_CONFIG/config.json, else
// ~/.docker/config.json (docker login). Each has {"auths": {"HOST": {"auth": base64(user:pass)}}};
// a key may also be written as a URL ("https://HOST/v1/"). The first file naming the host wins.
// Credential helpers (credsStore) are not run.
#pragma once

#include "hallmark/context/environment.hpp"

#include <optional>
#include <string>

namespace hallmark::oci {

struct Credentials {
  std::string username;
  std::string password;
  std::string source;  // the file they came from (for messages; never the secret)
};

std::optional<Credentials> find_credentials(const EnvMap& env, const std::string& host);

}  // namespace hallmark::oci
