#include "hallmark/util/uri.hpp"

#include <cctype>

namespace hallmark {
namespace {

bool has_scheme(std::string_view s) {
  size_t colon = s.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!(std::isalnum(c) || c == '+' || c == '-' || c == '.')) return false;
  }
  return true;
}

// git's rule (urlmatch / connect.c): "host:path" with no '/' before the first ':' is scp-style.
bool is_scp_style(std::string_view s) {
  size_t colon = s.find(':');
  return colon != std::string_view::npos && colon > 0 && s.find('/') > colon && !has_scheme(s);
}

} // namespace

std::string file_uri(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string remote_uri(std::string_view remote) {
  if (has_scheme(remote)) return std::string(remote);
  if (is_scp_style(remote)) {
    size_t colon = remote.find(':');
    std::string path(remote.substr(colon + 1));
    if (!path.empty() && path[0] == '/') path.erase(0, 1);
    return "ssh://" + std::string(remote.substr(0, colon)) + "/" + path;
  }
  if (!remote.empty() && remote[0] == '/') return file_uri(remote);
  return std::string(remote);
}

std::string https_repository_url(std::string_view remote) {
  std::string uri = remote_uri(remote);
  if (uri.rfind("git+", 0) == 0) uri.erase(0, 4);
  size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return {};
  std::string scheme = uri.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http" && scheme != "ssh" && scheme != "git") return {};
  std::string rest = uri.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash), path = slash == std::string::npos ? "" : rest.substr(slash);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);  // user, never shown
  if (scheme == "ssh" || scheme == "git")
    if (size_t colon = authority.rfind(':'); colon != std::string::npos) authority.erase(colon);  // ssh port
  if (authority.empty()) return {};
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".git") == 0) path.erase(path.size() - 4);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return "https://" + authority + path;
}

} // namespace hallmark
