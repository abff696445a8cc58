// One HTTP exchange through libcurl (opened on first use, util/dynlib.hpp), for the registry
// client. Response bodies go to a sink only when the status is 2xx; error bodies are kept (small)
// for the message. Header values are returned, never logged: they may carry tokens.
#pragma once

#include "hallmark/oci/blob.hpp"

#include <map>
#include <string>
#include <vector>

namespace hallmark::oci {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // PUT/POST content
  const ByteSink* sink = nullptr;    // 2xx body goes here; otherwise into HttpResponse::body
  uint64_t max_body = kMaxManifestBytes;
  std::string ca_file;  // SSL_CERT_FILE when set; else libcurl's system CAs
  bool allow_http_redirects = false;
  long timeout_seconds = 300;
  // Only for the probe that asks whether a registry speaks TLS at all: no credentials go with
  // it, so the system CA store (25 ms to load) is not read for it. Every real request verifies.
  bool tls_probe_only = false;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string effective_url;
  // A tls_probe_only request whose TLS handshake met a server speaking plain HTTP: the probe's
  // answer, not a failure (status 0, no body).
  bool tls_plain = false;
};

// Transport failures (DNS, connect, TLS) are errors whose message says what failed, except the
// one a TLS probe asks about: a server that speaks plain HTTP (HttpResponse::tls_plain).
Result<HttpResponse> http_perform(const HttpRequest& request);

}  // namespace hallmark::oci
