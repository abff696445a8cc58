#include "hallmark/oci/credentials.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

namespace hallmark::oci {

namespace {

std::string host_of_key(std::string key) {
  for (const char* scheme : {"https://", "http://"})
    if (key.rfind(scheme, 0) == 0) key = key.substr(std::string(scheme).size());
  return key.substr(0, key.find('/'));
}

std::optional<Credentials> from_file(const std::filesystem::path& file, const std::string& host) {
  auto text = read_file(file, 1 << 20);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("auths") || !j["auths"].is_object()) return std::nullopt;
  // Docker Hub's credentials are stored under its v1 URL.
  std::string want = host == "registry-1.docker.io" ? "docker.io" : host;
  for (auto& [key, entry] : j["auths"].items()) {
    std::string h = host_of_key(key);
    if (h == "index.docker.io") h = "docker.io";
    if (h != want || !entry.is_object() || !entry.contains("auth") || !entry["auth"].is_string()) continue;
    auto decoded = base64_decode(entry["auth"].get<std::string>());
    if (!decoded) continue;
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) continue;
    return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1), file.string()};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Credentials> find_credentials(const EnvMap& env, const std::string& host) {
  std::vector<std::filesystem::path> files;
  if (auto f = env_get(env, "REGISTRY_AUTH_FILE"); !f.empty()) files.emplace_back(f);
  else if (auto x = env_get(env, "XDG_RUNTIME_DIR"); !x.empty())
    files.emplace_back(std::filesystem::path(x) / "containers/auth.json");
  if (auto d = env_get(env, "DOCKER_CONFIG"); !d.empty()) files.emplace_back(std::filesystem::path(d) / "config.json");
  else if (auto home = env_get(env, "HOME"); !home.empty())
    files.emplace_back(std::filesystem::path(home) / ".docker/config.json");
  for (const auto& f : files)
    if (auto c = from_file(f, host)) return c;
  return std::nullopt;
}

}  // namespace hallmark::oci
