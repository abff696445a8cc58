// Package URLs: pkg:type/namespace/name@version?qualifiers#subpath, canonical form as the purl
// spec's test-suite-data.json expects it. Type-specific rules (PURL-TYPES) live in one function,
// normalise(), so every ecosystem's quirks are visible in one place.
#include "hallmark/sbom/purl.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace hallmark::sbom {
namespace {

bool is_unreserved(unsigned char ch) {
  return std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

// The spec keeps ':' readable in every component except qualifier values (where the test
// suite encodes it: vcs_url=git%2Bhttps%3A%2F%2F...).
std::string encode(std::string_view s, bool keep_colon) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (is_unreserved(ch) || (keep_colon && ch == ':')) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::vector<std::string> split_segments(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    std::string seg(s.substr(start, slash - start));
    if (!seg.empty()) out.push_back(seg);
    start = slash + 1;
  }
  return out;
}

struct Parts {
  std::string type, ns, name, version, subpath;
  std::map<std::string, std::string> qualifiers;
};

// PURL-TYPES.rst rules for the types hallmark's catalogers emit.
void normalise(Parts& p) {
  const std::string& t = p.type;
  if (t == "npm") {
    // The scope is the namespace, written with its '@' (encoded %40). Both "@babel" and
    // "babel" are accepted from catalogers; a name that still carries "@scope/" is split here.
    if (p.ns.empty() && !p.name.empty() && p.name[0] == '@' && p.name.find('/') != std::string::npos) {
      size_t slash = p.name.find('/');
      p.ns = p.name.substr(0, slash);
      p.name = p.name.substr(slash + 1);
    }
    if (!p.ns.empty() && p.ns[0] != '@') p.ns = "@" + p.ns;
    p.ns = lower(p.ns);
    p.name = lower(p.name);
  } else if (t == "pypi") {
    p.name = lower(p.name);
    std::replace(p.name.begin(), p.name.end(), '_', '-');
  } else if (t == "github" || t == "bitbucket" || t == "composer" || t == "hex" || t == "pub" ||
             t == "deb" || t == "apk" || t == "alpm") {
    p.ns = lower(p.ns);
    p.name = lower(p.name);
  } else if (t == "golang") {
    // A Go module path is one string; the last segment is the name.
    if (p.ns.empty()) {
      size_t slash = p.name.rfind('/');
      if (slash != std::string::npos) {
        p.ns = p.name.substr(0, slash);
        p.name = p.name.substr(slash + 1);
      }
    }
  } else if (t == "cocoapods") {
    // Subspecs ("Firebase/Core") are the pod's subpath.
    size_t slash = p.name.find('/');
    if (slash != std::string::npos) {
      if (p.subpath.empty()) p.subpath = p.name.substr(slash + 1);
      p.name = p.name.substr(0, slash);
    }
  }
}

} // namespace

std::string purl_encode(std::string_view s) { return encode(s, true); }

std::string make_purl(const Component& c) {
  Parts p{lower(c.purl_type.empty() ? "generic" : c.purl_type), c.group, c.name, c.version,
          c.subpath, {}};
  for (const auto& [k, v] : c.qualifiers)
    if (!v.empty()) p.qualifiers[lower(k)] = v;  // keys are case-insensitive; empty values dropped
  normalise(p);

  std::string out = "pkg:" + p.type + "/";
  for (const std::string& seg : split_segments(p.ns)) out += encode(seg, true) + "/";
  out += encode(p.name, true);
  if (!p.version.empty()) out += "@" + encode(p.version, true);
  if (!p.qualifiers.empty()) {
    char sep = '?';
    for (const auto& [k, v] : p.qualifiers) {  // std::map: sorted by key as the spec requires
      out += sep;
      out += k + "=" + encode(v, false);
      sep = '&';
    }
  }
  std::vector<std::string> sub;
  for (const std::string& seg : split_segments(p.subpath))
    if (seg != "." && seg != "..") sub.push_back(encode(seg, true));
  if (!sub.empty()) {
    out += '#';
    for (size_t i = 0; i < sub.size(); ++i) out += (i ? "/" : "") + sub[i];
  }
  return out;
}

} // namespace hallmark::sbom
