// Package URLs: pkg:type/namespace/name@version?qualifiers#subpath, canonical form as the purl
// spec's own test suite (tests/types/*-test.json, ../shared/conformance/purl) expects it. The
// type rules of definitions/<type>-definition.json for the types hallmark emits live in one
// place, normalise() and type_rules(), so every ecosystem's quirks are visible together.
#include "hallmark/sbom/purl.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace hallmark::sbom {
namespace {

bool is_unreserved(unsigned char ch) { return std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~'; }

// ECMA-427 §5.6: ':' is never encoded (the suite keeps it in versions, "1:2.4.47-2", and in
// qualifier values, "https:%2F%2Fmaven.google.com"); everything else outside the unreserved
// set is, '/' included inside a segment or a qualifier value.
std::string encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    if (is_unreserved(ch) || ch == ':') {
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

enum class Need { optional, required, prohibited };

// namespace_definition.requirement of definitions/<type>-definition.json.
Need namespace_rule(const std::string& t) {
  static const std::map<std::string, Need> rules = {
      {"maven", Need::required},       {"golang", Need::required},    {"composer", Need::required},
      {"swift", Need::required},       {"deb", Need::required},       {"apk", Need::required},
      {"github", Need::required},      {"bitbucket", Need::required}, {"alpm", Need::required},
      {"rpm", Need::required},         {"pypi", Need::prohibited},    {"cargo", Need::prohibited},
      {"gem", Need::prohibited},       {"nuget", Need::prohibited},   {"pub", Need::prohibited},
      {"cocoapods", Need::prohibited}, {"vcpkg", Need::prohibited},   {"otp", Need::prohibited}};
  auto it = rules.find(t);
  return it == rules.end() ? Need::optional : it->second;
}

// Case and character rules of the definitions (name_definition.case_sensitive false: lowercase).
void normalise(Parts& p) {
  const std::string& t = p.type;
  if (t == "npm") {
    // The scope is the namespace, written with its '@' (encoded %40). Both "@babel" and
    // "babel" are accepted from catalogers; a name that still carries "@scope/" is split here.
    // Names and scopes are case-sensitive: "JSONStream" stays as it is.
    if (p.ns.empty() && !p.name.empty() && p.name[0] == '@' && p.name.find('/') != std::string::npos) {
      size_t slash = p.name.find('/');
      p.ns = p.name.substr(0, slash);
      p.name = p.name.substr(slash + 1);
    }
    if (!p.ns.empty() && p.ns[0] != '@') p.ns = "@" + p.ns;
  } else if (t == "pypi") {
    // PEP 503 without the dot rule: the definition lowercases and maps '_' to '-' only, so
    // "zope.interface" keeps its dot.
    p.name = lower(p.name);
    std::replace(p.name.begin(), p.name.end(), '_', '-');
  } else if (t == "github" || t == "bitbucket" || t == "composer" || t == "hex" || t == "pub" || t == "deb" ||
             t == "apk" || t == "alpm" || t == "otp") {
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

bool valid_type(const std::string& t) {
  if (t.empty() || !std::isalpha(static_cast<unsigned char>(t[0]))) return false;
  return std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; });
}

bool valid_qualifier_key(const std::string& k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
  return std::all_of(k.begin(), k.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-' || c == '_'; });
}

Parts parts_of(const Component& c) {
  Parts p{lower(c.purl_type.empty() ? "generic" : c.purl_type), c.group, c.name, c.version, c.subpath, {}};
  for (const auto& [k, v] : c.qualifiers)
    if (!v.empty()) p.qualifiers[lower(k)] = v;  // keys are case-insensitive; empty values dropped
  normalise(p);
  return p;
}

std::string render(const Parts& p) {
  std::string out = "pkg:" + p.type + "/";
  for (const std::string& seg : split_segments(p.ns)) out += encode(seg) + "/";
  out += encode(p.name);
  if (!p.version.empty()) out += "@" + encode(p.version);
  char sep = '?';
  for (const auto& [k, v] : p.qualifiers) {  // std::map: sorted by key as the spec requires
    out += sep;
    out += k + "=" + encode(v);
    sep = '&';
  }
  std::vector<std::string> sub;
  for (const std::string& seg : split_segments(p.subpath))
    if (seg != "." && seg != "..") sub.push_back(encode(seg));
  if (!sub.empty()) {
    out += '#';
    for (size_t i = 0; i < sub.size(); ++i) out += (i ? "/" : "") + sub[i];
  }
  return out;
}

}  // namespace

std::string purl_encode(std::string_view s) { return encode(s); }

std::string make_purl(const Component& c) { return render(parts_of(c)); }

Result<std::string> build_purl(const Component& c) {
  if (c.purl_type.empty()) return make_error("purl: the type is missing");
  Parts p = parts_of(c);
  if (!valid_type(p.type)) return make_error("purl: type '" + p.type + "' is not [a-z][a-z0-9.-]*");
  if (p.name.empty()) return make_error("purl: " + p.type + " needs a name");
  Need ns = namespace_rule(p.type);
  if (ns == Need::required && p.ns.empty()) return make_error("purl: " + p.type + " needs a namespace");
  if (ns == Need::prohibited && !p.ns.empty())
    return make_error("purl: " + p.type + " takes no namespace (got '" + p.ns + "')");
  for (const auto& [k, v] : p.qualifiers)
    if (!valid_qualifier_key(k)) return make_error("purl: qualifier key '" + k + "' is not [a-z.-_][a-z0-9.-_]*");
  return render(p);
}

}  // namespace hallmark::sbom
