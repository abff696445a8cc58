#include "hallmark/oci/registry.hpp"

#include "http.hpp"
#include "sources.hpp"

#include "hallmark/oci/credentials.hpp"
#include "hallmark/util/hex.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

namespace hallmark::oci {

using nlohmann::json;

bool is_loopback_host(const std::string& host_port) {
  std::string h = host_port;
  if (!h.empty() && h.front() == '[') h = h.substr(1, h.find(']') - 1);
  else h = h.substr(0, h.find(':'));
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}

namespace {

constexpr const char* kManifestAccept =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

// `Bearer realm="https://auth/token",service="registry",scope="repository:a/b:pull"`
std::map<std::string, std::string> challenge_params(const std::string& header, std::string& scheme) {
  std::map<std::string, std::string> out;
  size_t sp = header.find(' ');
  scheme = header.substr(0, sp);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  size_t i = sp == std::string::npos ? header.size() : sp + 1;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = header.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < header.size() && header[i] == '"') {
      size_t end = header.find('"', i + 1);
      if (end == std::string::npos) end = header.size();
      value = header.substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      size_t end = header.find(',', i);
      if (end == std::string::npos) end = header.size();
      value = header.substr(i, end - i);
      i = end;
    }
    out[key] = value;
  }
  return out;
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(char(c));
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

bool retryable(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::string short_body(const std::string& body) {
  // Registry errors are {"errors":[{"code","message"}]}; quote the first, else a trimmed body.
  auto j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.contains("errors") && j["errors"].is_array() && !j["errors"].empty() &&
      j["errors"][0].is_object())
    return j["errors"][0].value("code", "") + ": " + j["errors"][0].value("message", "");
  std::string s = body.substr(0, 200);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return s;
}

}  // namespace

struct RegistryClient::Request {
  std::string method = "GET";
  std::string path;  // "/v2/..." or an absolute URL (upload locations)
  std::vector<std::string> headers;
  std::string body;
  const ByteSink* sink = nullptr;
  bool push = false;
};

RegistryClient::RegistryClient(std::string host, std::string repository, RegistryOptions options)
    : host_(std::move(host)), repo_(std::move(repository)), options_(std::move(options)) {}

std::string RegistryClient::url(const std::string& path) const {
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) return path;
  return scheme_ + "://" + host_ + path;
}

Status RegistryClient::choose_scheme() {
  if (!scheme_.empty()) return ok_status();
  bool may_plain = is_loopback_host(host_) ||
                   std::find(options_.insecure_registries.begin(), options_.insecure_registries.end(), host_) !=
                       options_.insecure_registries.end();
  // One probe per registry and process: `verify --image` reads the image and its attestations
  // through two clients of the same host.
  static std::mutex mu;
  static std::map<std::string, std::string> decided;  // host (+ may_plain) -> scheme
  const std::string key = host_ + (may_plain ? " plain-ok" : "");
  {
    std::lock_guard lock(mu);
    if (auto it = decided.find(key); it != decided.end()) {
      scheme_ = it->second;
      return ok_status();
    }
  }
  HttpRequest probe;
  probe.url = "https://" + host_ + "/v2/";
  probe.ca_file = env_get(options_.env, "SSL_CERT_FILE");
  probe.timeout_seconds = 30;
  probe.tls_probe_only = true;
  auto r = http_perform(probe);
  const bool tls_plain = r.ok() && r->tls_plain;
  // Docker's rule: a registry that does not speak TLS is used over HTTP only when loopback or
  // named insecure. The probe does not check the certificate; every request after it does, and
  // a certificate that fails verification is never a reason to fall back.
  if (r.ok() && !tls_plain) scheme_ = "https";
  else if (may_plain && tls_plain) scheme_ = "http";
  if (!scheme_.empty()) {
    std::lock_guard lock(mu);
    decided[key] = scheme_;
    return ok_status();
  }
  if (tls_plain)
    return make_error("registry " + host_ +
                      " does not speak HTTPS; plain HTTP is allowed only for loopback "
                      "registries or with --insecure-registry " +
                      host_);
  return make_error("registry " + host_ + " is unreachable: " + r.message());
}

Status RegistryClient::authenticate(const std::string& header, bool push) {
  std::string scheme;
  auto params = challenge_params(header, scheme);
  auto creds = find_credentials(options_.env, host_);
  if (scheme == "basic") {
    if (!creds)
      return make_error("registry " + host_ +
                        " asks for a password and none is stored for it (log in with "
                        "`skopeo login " +
                        host_ + "` or `docker login " + host_ + "`)");
    authorization_ = "Basic " + base64_encode(creds->username + ":" + creds->password);
    return ok_status();
  }
  if (scheme != "bearer" || params["realm"].empty())
    return make_error("registry " + host_ + " answered 401 with an authentication scheme hallmark does not know");
  std::string scope = "repository:" + repo_ + (push ? ":pull,push" : ":pull");
  std::string token_url = params["realm"] + (params["realm"].find('?') == std::string::npos ? "?" : "&");
  if (!params["service"].empty()) token_url += "service=" + url_encode(params["service"]) + "&";
  token_url += "scope=" + url_encode(scope);
  HttpRequest tr;
  tr.url = token_url;
  tr.ca_file = env_get(options_.env, "SSL_CERT_FILE");
  tr.allow_http_redirects = scheme_ == "http";
  if (tr.url.rfind("https://", 0) != 0 && !(scheme_ == "http" && tr.url.rfind("http://", 0) == 0))
    return make_error("registry " + host_ + " names a token service that is not HTTPS; refused");
  if (creds) tr.headers.push_back("Authorization: Basic " + base64_encode(creds->username + ":" + creds->password));
  auto r = http_perform(tr);
  if (!r) return make_error("registry " + host_ + ": token service: " + r.message());
  if (r->status != 200)
    return make_error("registry " + host_ + ": token service answered " + std::to_string(r->status) +
                      (creds ? " for the credentials in " + creds->source : " to an anonymous request (log in first)"));
  auto j = json::parse(r->body, nullptr, false);
  std::string token;
  if (j.is_object()) token = j.value("token", j.value("access_token", ""));
  if (token.empty()) return make_error("registry " + host_ + ": token service answered without a token");
  authorization_ = "Bearer " + token;
  push_scope_ = push;
  return ok_status();
}

Result<HttpResponse> RegistryClient::send_once(Request& req) {
  HttpRequest h;
  h.method = req.method;
  h.url = url(req.path);
  h.headers = req.headers;
  // An upload Location may name another host (storage behind the registry): no credentials there.
  bool own_host = h.url.rfind(scheme_ + "://" + host_ + "/", 0) == 0;
  if (!authorization_.empty() && own_host) h.headers.push_back("Authorization: " + authorization_);
  h.body = req.body;
  h.sink = req.sink;
  h.ca_file = env_get(options_.env, "SSL_CERT_FILE");
  h.allow_http_redirects = scheme_ == "http";
  return http_perform(h);
}

Result<HttpResponse> RegistryClient::send(Request& req) {
  HALLMARK_TRY(choose_scheme());
  bool reauthed = false;
  for (int attempt = 1;; ++attempt) {
    auto r = send_once(req);
    if (r && r->status == 401 && !reauthed) {
      reauthed = true;
      auto challenge = r->headers.find("www-authenticate");
      if (challenge == r->headers.end())
        return make_error("registry " + host_ + " answered 401 without a WWW-Authenticate challenge");
      HALLMARK_TRY(authenticate(challenge->second, req.push));
      --attempt;  // the challenge round trip is not a failed attempt
      continue;
    }
    if (r && req.push && !push_scope_ && r->status == 401) {
      return make_error("registry " + host_ + " refused to let these credentials push to " + repo_);
    }
    bool again = (!r && !req.sink) || (r && retryable(r->status));
    if (!again || attempt >= options_.attempts) {
      if (!r) return make_error("registry " + host_ + ": " + r.message());
      return r;
    }
    auto wait = options_.backoff * (1 << (attempt - 1));
    if (r) {
      auto ra = r->headers.find("retry-after");
      if (ra != r->headers.end() && ra->second.find_first_not_of("0123456789") == std::string::npos &&
          !ra->second.empty())
        wait = std::min(std::chrono::milliseconds(10000),
                        std::chrono::milliseconds(std::stoll(ra->second.substr(0, 6)) * 1000));
    }
    std::this_thread::sleep_for(wait);
  }
}

namespace {
Error status_error(const std::string& what, const HttpResponse& r) {
  return make_error(what + ": HTTP " + std::to_string(r.status) +
                    (r.body.empty() ? "" : " (" + short_body(r.body) + ")"));
}
}  // namespace

Result<std::optional<Manifest>> RegistryClient::get_manifest(const std::string& reference) {
  Request req;
  req.path = "/v2/" + repo_ + "/manifests/" + reference;
  req.headers.push_back(kManifestAccept);
  auto r = send(req);
  if (!r) return r.error();
  std::string what =
      "registry " + host_ + ": manifest " + repo_ + (is_sha256_digest(reference) ? "@" : ":") + reference;
  if (r->status == 404) return std::optional<Manifest>();
  if (r->status != 200) return status_error(what, *r);
  Manifest m;
  m.bytes = std::move(r->body);
  m.media_type = r->headers.count("content-type") ? r->headers["content-type"] : "";
  m.media_type = m.media_type.substr(0, m.media_type.find(';'));
  auto j = json::parse(m.bytes, nullptr, false);
  if (j.is_object() && j.contains("mediaType") && j["mediaType"].is_string()) m.media_type = j["mediaType"];
  m.digest = sha256_digest(m.bytes);
  // A digest reference is checked against the bytes; a tag's digest is what the bytes hash to
  // (the Docker-Content-Digest header is the registry's claim, so it must agree).
  if (is_sha256_digest(reference) && m.digest != reference)
    return make_error("digest mismatch: " + what + " has content " + m.digest + " (tampered or a lying registry)");
  if (auto h = r->headers.find("docker-content-digest");
      h != r->headers.end() && is_sha256_digest(h->second) && h->second != m.digest)
    return make_error("digest mismatch: " + what + ": the registry says " + h->second + ", the content is " + m.digest);
  return std::optional<Manifest>(std::move(m));
}

Status RegistryClient::get_blob(const Descriptor& desc, const ByteSink& sink) {
  if (!is_sha256_digest(desc.digest))
    return make_error("descriptor digest \"" + desc.digest + "\" is not sha256:<64 hex>");
  DigestChecker check(desc.digest, desc.size);
  ByteSink checked = [&](std::string_view chunk) -> Status {
    HALLMARK_TRY(check.update(chunk));
    return sink(chunk);
  };
  Request req;
  req.path = "/v2/" + repo_ + "/blobs/" + desc.digest;
  req.sink = &checked;
  auto r = send(req);
  if (!r) return r.error();
  if (r->status != 200) return status_error("registry " + host_ + ": blob " + desc.digest, *r);
  return check.finish();
}

Result<std::string> RegistryClient::get_small_blob(const Descriptor& desc) {
  if (desc.size > int64_t(kMaxManifestBytes))
    return make_error("blob " + desc.digest + " declares " + std::to_string(desc.size) + " bytes, more than 4 MiB");
  std::string out;
  HALLMARK_TRY(get_blob(desc, [&](std::string_view c) {
    out.append(c);
    return ok_status();
  }));
  return out;
}

Result<bool> RegistryClient::blob_exists(const std::string& digest) {
  Request req;
  req.method = "HEAD";
  req.path = "/v2/" + repo_ + "/blobs/" + digest;
  req.push = true;
  auto r = send(req);
  if (!r) return r.error();
  return r->status == 200;
}

Status RegistryClient::upload_blob(const std::string& bytes) {
  std::string digest = sha256_digest(bytes);
  auto exists = blob_exists(digest);
  if (!exists) return exists.error();
  if (*exists) return ok_status();
  Request start;
  start.method = "POST";
  start.path = "/v2/" + repo_ + "/blobs/uploads/";
  start.push = true;
  auto r = send(start);
  if (!r) return r.error();
  if (r->status != 202 || !r->headers.count("location"))
    return status_error("registry " + host_ + ": starting an upload to " + repo_, *r);
  std::string loc = r->headers["location"];
  if (loc.rfind("/", 0) == 0) loc = scheme_ + "://" + host_ + loc;
  Request put;
  put.method = "PUT";
  put.path = loc + (loc.find('?') == std::string::npos ? "?" : "&") + "digest=" + url_encode(digest);
  put.headers = {"Content-Type: application/octet-stream"};
  put.body = bytes;
  put.push = true;
  auto p = send(put);
  if (!p) return p.error();
  if (p->status != 201) return status_error("registry " + host_ + ": uploading blob " + digest, *p);
  return ok_status();
}

Result<PutResult> RegistryClient::put_manifest(const std::string& reference, const std::string& bytes,
                                               const std::string& media_type) {
  Request req;
  req.method = "PUT";
  req.path = "/v2/" + repo_ + "/manifests/" + reference;
  req.headers = {"Content-Type: " + media_type};
  req.body = bytes;
  req.push = true;
  auto r = send(req);
  if (!r) return r.error();
  if (r->status != 201 && r->status != 200)
    return status_error("registry " + host_ + ": pushing manifest " + repo_ + ":" + reference, *r);
  PutResult out;
  out.digest = sha256_digest(bytes);
  out.subject_accepted = r->headers.count("oci-subject") > 0;
  return out;
}

Result<std::vector<std::string>> RegistryClient::list_tags() {
  Request req;
  req.path = "/v2/" + repo_ + "/tags/list";
  auto r = send(req);
  if (!r) return r.error();
  if (r->status == 404) return std::vector<std::string>{};
  if (r->status != 200) return status_error("registry " + host_ + ": tags of " + repo_, *r);
  auto j = json::parse(r->body, nullptr, false);
  std::vector<std::string> tags;
  if (j.is_object() && j.contains("tags") && j["tags"].is_array())
    for (const auto& t : j["tags"])
      if (t.is_string()) tags.push_back(t);
  return tags;
}

Result<std::optional<json>> RegistryClient::referrers(const std::string& digest) {
  Request req;
  req.path = "/v2/" + repo_ + "/referrers/" + digest;
  auto r = send(req);
  if (!r) return r.error();
  if (r->status == 404) return std::optional<json>();
  if (r->status != 200) return status_error("registry " + host_ + ": referrers of " + digest, *r);
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error("registry " + host_ + ": referrers of " + digest + " is not JSON");
  return std::optional<json>(std::move(j));
}

namespace {

class RegistrySource : public ImageSource {
public:
  RegistrySource(const ImageRef& ref, RegistryClient client) : client_(std::move(client)) { ref_ = ref; }
  Result<Manifest> top_manifest() override {
    std::string reference = ref_.digest.empty() ? ref_.tag : ref_.digest;
    auto m = client_.get_manifest(reference);
    if (!m) return m.error();
    if (!*m) return make_error(ref_.to_string() + ": no such image in the registry (manifest unknown)");
    return std::move(**m);
  }
  Result<std::string> fetch_small(const Descriptor& desc) override {
    if (desc.media_type.find("manifest") != std::string::npos || desc.media_type.find("index") != std::string::npos) {
      auto m = client_.get_manifest(desc.digest);
      if (!m) return m.error();
      if (!*m) return make_error(ref_.name() + "@" + desc.digest + ": manifest unknown");
      return verify_bytes(std::move((*m)->bytes), desc);
    }
    return client_.get_small_blob(desc);
  }
  Status fetch_blob(const Descriptor& desc, const ByteSink& sink) override { return client_.get_blob(desc, sink); }

private:
  RegistryClient client_;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_registry_source(const ImageRef& ref, const SourceOptions& options) {
  RegistryOptions ro;
  ro.env = options.env;
  ro.insecure_registries = options.insecure_registries;
  return std::unique_ptr<ImageSource>(
      std::make_unique<RegistrySource>(ref, RegistryClient(ref.api_host(), ref.repository, ro)));
}

}  // namespace hallmark::oci
