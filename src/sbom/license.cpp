// SPDX licence expressions (SPDX 2.3 Annex D): a small recursive-descent parser over the ids of
// the SPDX list, so every value hallmark writes as an id or expression is one an SPDX parser
// accepts (tests/e2e/sbom/licenses.sh checks that with Debian's spdx-expression-parse).
#include "hallmark/sbom/license.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace hallmark::sbom {
namespace {

#include "spdx_ids.inc"  // generated into the build tree (build/src/sbom/)

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// lower-case id -> canonical id.
template <size_t N>
std::map<std::string, std::string> index_of(const char* const (&ids)[N]) {
  std::map<std::string, std::string> m;
  for (const char* id : ids) m.emplace(lower(id), id);
  return m;
}

const std::map<std::string, std::string>& licence_ids() {
  static const auto m = index_of(kSpdxLicenseIds);
  return m;
}
const std::map<std::string, std::string>& exception_ids() {
  static const auto m = index_of(kSpdxExceptionIds);
  return m;
}

// Names package managers commonly write for one SPDX licence. Ambiguous ones ("BSD", "GPL")
// are left out on purpose: they stay names and become NOASSERTION in SPDX.
const std::map<std::string, std::string>& aliases() {
  static const std::map<std::string, std::string> m = {{"apache 2", "Apache-2.0"},
                                                       {"apache 2.0", "Apache-2.0"},
                                                       {"apache-2", "Apache-2.0"},
                                                       {"apache2", "Apache-2.0"},
                                                       {"apache license 2.0", "Apache-2.0"},
                                                       {"apache license, version 2.0", "Apache-2.0"},
                                                       {"apache license version 2.0", "Apache-2.0"},
                                                       {"apache software license 2.0", "Apache-2.0"},
                                                       {"the apache software license, version 2.0", "Apache-2.0"},
                                                       {"the apache license, version 2.0", "Apache-2.0"},
                                                       {"mit license", "MIT"},
                                                       {"the mit license", "MIT"},
                                                       {"isc license", "ISC"},
                                                       {"mpl 2.0", "MPL-2.0"},
                                                       {"mozilla public license 2.0", "MPL-2.0"},
                                                       {"bsd 3-clause", "BSD-3-Clause"},
                                                       {"3-clause bsd", "BSD-3-Clause"},
                                                       {"new bsd license", "BSD-3-Clause"},
                                                       {"bsd 2-clause", "BSD-2-Clause"},
                                                       {"simplified bsd license", "BSD-2-Clause"},
                                                       {"gplv2", "GPL-2.0-only"},
                                                       {"gplv3", "GPL-3.0-only"},
                                                       {"lgplv3", "LGPL-3.0-only"},
                                                       {"python software foundation license", "PSF-2.0"},
                                                       {"the unlicense", "Unlicense"},
                                                       {"public domain (unlicense)", "Unlicense"}};
  return m;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool idstring(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; });
}

std::vector<std::string> tokenize(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '(' || c == ')' || std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
      if (!std::isspace(static_cast<unsigned char>(c))) out.emplace_back(1, c);
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Parses tokens into canonical text; nullopt for anything that is not a valid expression.
struct Parser {
  std::vector<std::string> t;
  size_t i = 0;
  int terms = 0;
  bool plain_id = false;  // the whole expression is one listed id

  std::optional<std::string> peek_op() const {
    if (i >= t.size()) return std::nullopt;
    std::string u = t[i];
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == "AND" || u == "OR" || u == "WITH") return u;
    return std::nullopt;
  }
  std::optional<std::string> licence() {
    if (i >= t.size() || t[i] == "(" || t[i] == ")" || peek_op()) return std::nullopt;
    std::string w = t[i++];
    ++terms;
    if (w.rfind("LicenseRef-", 0) == 0 && idstring(w.substr(11))) return w;
    if (size_t c = w.find(":LicenseRef-"); w.rfind("DocumentRef-", 0) == 0 && c != std::string::npos &&
                                           idstring(w.substr(12, c - 12)) && idstring(w.substr(c + 12)))
      return w;
    auto& ids = licence_ids();
    if (auto it = ids.find(lower(w)); it != ids.end()) {  // "GPL-2.0+" is itself a (deprecated) id
      plain_id = true;
      return it->second;
    }
    if (w.size() > 1 && w.back() == '+')
      if (auto it = ids.find(lower(w.substr(0, w.size() - 1))); it != ids.end()) return it->second + "+";
    return std::nullopt;
  }
  std::optional<std::string> primary() {
    if (i < t.size() && t[i] == "(") {
      ++i;
      auto e = expr();
      if (!e || i >= t.size() || t[i] != ")") return std::nullopt;
      ++i;
      return "(" + *e + ")";
    }
    return licence();
  }
  std::optional<std::string> with_expr() {
    auto p = primary();
    if (!p || peek_op() != "WITH") return p;
    ++i;
    if (i >= t.size()) return std::nullopt;
    auto it = exception_ids().find(lower(t[i]));
    if (it == exception_ids().end()) return std::nullopt;
    ++i;
    ++terms;
    return *p + " WITH " + it->second;
  }
  std::optional<std::string> binary(const char* op, std::optional<std::string> (Parser::*next)()) {
    auto left = (this->*next)();
    while (left && peek_op() == op) {
      ++i;
      auto right = (this->*next)();
      if (!right) return std::nullopt;
      *left += std::string(" ") + op + " " + *right;
    }
    return left;
  }
  std::optional<std::string> and_expr() { return binary("AND", &Parser::with_expr); }
  std::optional<std::string> expr() { return binary("OR", &Parser::and_expr); }
};

}  // namespace

LicenseInfo classify_license(std::string_view declared) {
  std::string text = trim(declared);
  if (auto a = aliases().find(lower(text)); a != aliases().end()) return {LicenseInfo::Kind::id, a->second};
  Parser p{tokenize(text)};
  auto e = p.expr();
  if (!e || p.i != p.t.size() || p.t.empty()) return {LicenseInfo::Kind::name, text};
  if (p.terms == 1 && p.plain_id) return {LicenseInfo::Kind::id, *e};
  return {LicenseInfo::Kind::expression, *e};
}

std::string spdx_license_expression(const std::vector<std::string>& declared) {
  std::vector<std::string> parts;
  for (const std::string& d : declared) {
    LicenseInfo l = classify_license(d);
    // A DocumentRef- would need the other document in externalDocumentRefs, which hallmark
    // cannot name: such an expression is no assertion hallmark can make.
    if (l.kind == LicenseInfo::Kind::name || l.text.find("DocumentRef-") != std::string::npos) return "NOASSERTION";
    if (std::find(parts.begin(), parts.end(), l.text) == parts.end()) parts.push_back(l.text);
  }
  return parts.empty() ? "NOASSERTION" : and_of(parts);
}

std::string and_of(const std::vector<std::string>& parts) {
  if (parts.size() == 1) return parts[0];
  std::string out;
  for (const std::string& p : parts)
    out += (out.empty() ? "" : " AND ") + (p.find(' ') != std::string::npos ? "(" + p + ")" : p);
  return out;
}

std::vector<std::string> license_refs(std::string_view expression) {
  std::vector<std::string> out;
  for (const std::string& w : tokenize(expression))
    if (w.rfind("LicenseRef-", 0) == 0 && std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
  return out;
}

}  // namespace hallmark::sbom
