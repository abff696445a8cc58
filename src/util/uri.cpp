#include "hallmark/util/uri.hpp"

#include <cctype>
#include <filesystem>

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

// Every byte of `s` that `keep` refuses, as %XX (upper-case hex, RFC 3986 §2.1).
template <class Keep>
std::string percent_encode(std::string_view s, std::string out, Keep keep) {
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (keep(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// RFC 3986 allows only unreserved, reserved and '%' characters in a URI; anything else a remote
// URL may hold (a space, non-ASCII) is percent-encoded, byte by byte.
std::string encode_disallowed(std::string_view s) {
  static const std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=%";
  return percent_encode(s, {}, [](unsigned char c) {
    return c < 0x80 && (std::isalnum(c) || kAllowed.find(char(c)) != std::string_view::npos);
  });
}

}  // namespace

std::string file_uri(std::string_view path) {
  return percent_encode(path, "file://", [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
  });
}

std::string remote_uri(std::string_view remote, std::string_view base_dir) {
  if (has_scheme(remote)) return encode_disallowed(remote);
  if (is_scp_style(remote)) {
    size_t colon = remote.find(':');
    std::string path(remote.substr(colon + 1));
    if (!path.empty() && path[0] == '/') path.erase(0, 1);
    return encode_disallowed("ssh://" + std::string(remote.substr(0, colon)) + "/" + path);
  }
  if (!remote.empty() && remote[0] == '/') return file_uri(remote);
  // A relative path (git resolves it from the repository's top directory): absolute when the
  // caller knows that directory, else left as it is (no URI can be made of it).
  if (!remote.empty() && !base_dir.empty() && base_dir[0] == '/')
    return file_uri((std::filesystem::path(base_dir) / std::string(remote)).lexically_normal().string());
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
  // A query or fragment is no part of the repository's address.
  path = path.substr(0, path.find_first_of("?#"));
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".git") == 0) path.erase(path.size() - 4);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return "https://" + authority + path;
}

}  // namespace hallmark
