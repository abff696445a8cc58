#include "http.hpp"

#include "hallmark/util/dynlib.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace hallmark::oci {

namespace {

// The registry client's own table: it needs only the easy interface.
struct CurlApi {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_reset) easy_reset;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
};

Status fill_curl_api(void* lib, CurlApi& a) {
  HALLMARK_TRY(load_symbols(
      lib, {symbol(a.global_init, "curl_global_init"), symbol(a.easy_init, "curl_easy_init"),
            symbol(a.easy_setopt, "curl_easy_setopt"), symbol(a.easy_perform, "curl_easy_perform"),
            symbol(a.easy_getinfo, "curl_easy_getinfo"), symbol(a.easy_cleanup, "curl_easy_cleanup"),
            symbol(a.easy_reset, "curl_easy_reset"), symbol(a.easy_strerror, "curl_easy_strerror"),
            symbol(a.slist_append, "curl_slist_append"), symbol(a.slist_free_all, "curl_slist_free_all")}));
  a.global_init(CURL_GLOBAL_DEFAULT);
  return ok_status();
}

struct Exchange {
  const CurlApi* api;
  CURL* h;
  const HttpRequest* req;
  HttpResponse* resp;
  Status sink_status = ok_status();
  bool over_limit = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* x = static_cast<Exchange*>(user);
  size_t len = size * n;
  long code = 0;
  x->api->easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
  if (x->req->sink && code >= 200 && code < 300) {
    x->sink_status = (*x->req->sink)(std::string_view(data, len));
    return x->sink_status.ok() ? len : 0;
  }
  uint64_t limit = x->req->sink ? 64 * 1024 : x->req->max_body;
  if (x->resp->body.size() + len > limit) {
    x->over_limit = true;
    return 0;
  }
  x->resp->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* x = static_cast<Exchange*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) x->resp->headers.clear();  // a new response (after a redirect)
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && x->resp->headers.size() < 200) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    std::string_view v = line.substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
    x->resp->headers[name] = std::string(v.substr(0, 8192));
  }
  return size * n;
}

// One easy handle per thread, reset between requests: its connection cache keeps the registry's
// connection open across the manifest, referrers and blob requests of one command (a new handle
// per request cost a TCP and, over HTTPS, a TLS handshake and a CA store load each).
class ThreadHandle {
public:
  CURL* get(const CurlApi* api) {
    if (h_ == nullptr) {
      api_ = api;
      h_ = api->easy_init();
    } else {
      api->easy_reset(h_);
    }
    return h_;
  }
  ~ThreadHandle() {
    if (h_ != nullptr) api_->easy_cleanup(h_);
  }

private:
  const CurlApi* api_ = nullptr;
  CURL* h_ = nullptr;
};

}  // namespace

Result<HttpResponse> http_perform(const HttpRequest& r) {
  auto loaded = library_api<CurlApi>("libcurl.so.4", "libcurl4", fill_curl_api);
  if (!loaded) return make_error("registry access needs libcurl: " + loaded.message());
  const CurlApi* api = *loaded;
  static thread_local ThreadHandle handle;
  CURL* c = handle.get(api);
  if (c == nullptr) return make_error("libcurl could not start a request");
  HttpResponse resp;
  Exchange x{api, c, &r, &resp};
  curl_slist* headers = nullptr;
  for (const auto& line : r.headers) headers = api->slist_append(headers, line.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> hguard(headers, api->slist_free_all);
  api->easy_setopt(c, CURLOPT_URL, r.url.c_str());
  api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  api->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  api->easy_setopt(c, CURLOPT_WRITEDATA, &x);
  api->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  api->easy_setopt(c, CURLOPT_HEADERDATA, &x);
  api->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  api->easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  // Blob GETs are redirected to storage; never downgrade to plain HTTP unless the registry is.
  api->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, r.allow_http_redirects ? "http,https" : "https");
  api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  api->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  api->easy_setopt(c, CURLOPT_TIMEOUT, r.timeout_seconds);
  api->easy_setopt(c, CURLOPT_USERAGENT, "hallmark");
  if (!r.ca_file.empty()) api->easy_setopt(c, CURLOPT_CAINFO, r.ca_file.c_str());
  if (r.tls_probe_only) {
    api->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    api->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    api->easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);  // an unverified connection is never used again
  }
  if (r.method == "HEAD") {
    api->easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.method != "GET") {
    api->easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    api->easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
    api->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(r.body.size()));
  }
  CURLcode rc = api->easy_perform(c);
  if (!x.sink_status.ok()) return x.sink_status.error();
  if (x.over_limit) return make_error(r.url + ": response larger than " + std::to_string(r.max_body) + " bytes");
  if (rc != CURLE_OK) {
    if (r.tls_probe_only && rc == CURLE_SSL_CONNECT_ERROR) {
      HttpResponse plain;
      plain.tls_plain = true;
      return plain;
    }
    std::string hint =
        rc == CURLE_PEER_FAILED_VERIFICATION
            ? " (the registry's certificate is not trusted: add its CA to the system store or set SSL_CERT_FILE)"
            : "";
    return make_error(r.url + ": " + api->easy_strerror(rc) + hint);
  }
  api->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  char* eff = nullptr;
  api->easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
  if (eff) resp.effective_url = eff;
  return resp;
}

}  // namespace hallmark::oci
