// A client of one repository on an OCI distribution registry (distribution-spec v1.1, Docker
// Registry HTTP API v2) over libcurl. Authentication follows the registry's WWW-Authenticate
// challenge: Basic with stored credentials, or a Bearer token fetched from the realm it names
// (anonymously when no credentials are stored). Credentials come from the files docker, podman
// and skopeo write (credentials.hpp) and stay inside this client: no error, record or log line
// ever carries them. HTTPS with the system CAs (or SSL_CERT_FILE); plain HTTP only for loopback
// hosts or those named with --insecure-registry. 429 and 5xx answers are retried with backoff
// (Retry-After honoured up to 10 s).
#pragma once

#include "hallmark/oci/image.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hallmark::oci {

struct RegistryOptions {
  EnvMap env;
  std::vector<std::string> insecure_registries;
  int attempts = 4;
  std::chrono::milliseconds backoff{250};
};

struct PutResult {
  std::string digest;
  bool subject_accepted = false;  // the registry answered with OCI-Subject (it indexes referrers)
};

class RegistryClient {
public:
  RegistryClient(std::string host, std::string repository, RegistryOptions options);

  // By tag or digest; nullopt when the registry says it does not exist (404).
  Result<std::optional<Manifest>> get_manifest(const std::string& reference);
  Status get_blob(const Descriptor& desc, const ByteSink& sink);
  Result<std::string> get_small_blob(const Descriptor& desc);
  Result<bool> blob_exists(const std::string& digest);
  // Monolithic upload (POST then PUT ?digest=), skipped when the blob is already there.
  Status upload_blob(const std::string& bytes);
  Result<PutResult> put_manifest(const std::string& reference, const std::string& bytes, const std::string& media_type);
  Result<std::vector<std::string>> list_tags();
  // The referrers index of `digest` (distribution-spec "Listing Referrers"); nullopt when the
  // registry has no referrers API (404), so callers use the `sha256-<hex>` tag schema instead.
  Result<std::optional<nlohmann::json>> referrers(const std::string& digest);

  const std::string& host() const { return host_; }
  const std::string& repository() const { return repo_; }
  bool plain_http() const { return scheme_ == "http"; }

private:
  struct Request;
  Result<struct HttpResponse> send(Request& req);
  Result<struct HttpResponse> send_once(Request& req);
  Status authenticate(const std::string& challenge, bool push);
  Status choose_scheme();
  std::string url(const std::string& path) const;

  std::string host_, repo_;
  RegistryOptions options_;
  std::string scheme_;         // "https" or "http", decided on first contact
  std::string authorization_;  // "Basic ..." or "Bearer ..." once a challenge was answered
  bool push_scope_ = false;
};

// A loopback host (localhost, 127.0.0.0/8, [::1]) with or without a port.
bool is_loopback_host(const std::string& host);

}  // namespace hallmark::oci
