// Secret redaction with small hand-written scanners: every pattern here is a fixed prefix followed
// by a run of characters from one class, so a linear scan is simpler and far faster than
// std::regex (which is also prone to stack exhaustion on long inputs). The rules are documented in
// docs/redaction.md; keep the two in step.
#include "hallmark/context/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace hallmark {
namespace {

using Span = std::pair<size_t, size_t>;  // [begin, end)

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_base64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_token_char(char c) { return is_alnum(c) || c == '-' || c == '_'; }
// RFC 6750 b64token plus the characters seen in Basic credentials.
bool is_auth_char(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}

size_t run_length(std::string_view s, size_t from, bool (*cls)(char)) {
  size_t i = from;
  while (i < s.size() && cls(s[i])) ++i;
  return i - from;
}

bool iequals_at(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[at + k])) !=
        std::tolower(static_cast<unsigned char>(word[k])))
      return false;
  return true;
}

// A prefix followed by at least `min_body` characters of `cls`: GitHub, GitLab, Slack tokens.
struct PrefixedToken {
  std::string_view prefix;
  size_t min_body;
  bool (*cls)(char);
};

// Minimum body lengths sit well below the real ones (GitHub classic tokens carry 36 characters,
// fine-grained 82) so that truncated or future formats are still caught, and well above what
// ordinary identifiers like "ghp_cache" have.
constexpr std::array<PrefixedToken, 8> kPrefixedTokens{{
    {"ghp_", 20, is_alnum},
    {"gho_", 20, is_alnum},
    {"ghs_", 20, is_alnum},
    {"ghu_", 20, is_alnum},
    {"ghr_", 20, is_alnum},
    {"github_pat_", 20, is_word},
    {"glpat-", 20, is_token_char},
    {"xox", 0, nullptr},  // Slack: handled specially (xox[abprs]-)
}};

void find_prefixed_tokens(std::string_view s, std::vector<Span>& out) {
  for (const auto& t : kPrefixedTokens) {
    for (size_t at = s.find(t.prefix); at != std::string_view::npos; at = s.find(t.prefix, at + 1)) {
      size_t body = at + t.prefix.size();
      if (t.cls == nullptr) {
        // Slack tokens: xoxa-, xoxb-, xoxp-, xoxr-, xoxs- then digits, letters and dashes.
        if (body + 1 >= s.size() || std::string_view("abprs").find(s[body]) == std::string_view::npos ||
            s[body + 1] != '-')
          continue;
        size_t n = run_length(s, body + 2, is_token_char);
        if (n >= 10) {
          out.emplace_back(at, body + 2 + n);
          at = body + 1 + n;  // later prefixes inside this run are part of it: stay linear
        }
        continue;
      }
      size_t n = run_length(s, body, t.cls);
      if (n >= t.min_body) {
        out.emplace_back(at, body + n);
        at = body + n - 1;
      }
    }
  }
}

// AWS access key ids: AKIA (long-term) or ASIA (temporary) and 16 uppercase letters or digits,
// exactly 20 characters standing alone (so a longer uppercase word does not match).
void find_aws_key_ids(std::string_view s, std::vector<Span>& out) {
  for (std::string_view prefix : {"AKIA", "ASIA"}) {
    for (size_t at = s.find(prefix); at != std::string_view::npos; at = s.find(prefix, at + 1)) {
      if (at > 0 && is_upper_alnum(s[at - 1])) continue;
      size_t n = run_length(s, at + 4, is_upper_alnum);
      if (n == 16) out.emplace_back(at, at + 20);
    }
  }
}

// JWTs: base64url("{"...) "." base64url("{"...) "." signature. Both JSON parts start with "eyJ".
void find_jwts(std::string_view s, std::vector<Span>& out) {
  for (size_t at = s.find("eyJ"); at != std::string_view::npos; at = s.find("eyJ", at + 1)) {
    if (at > 0 && is_base64url(s[at - 1])) continue;
    size_t header = run_length(s, at, is_base64url);
    size_t p = at + header;
    if (header < 10 || p >= s.size() || s[p] != '.') continue;
    if (s.substr(p + 1, 3) != "eyJ") continue;
    size_t payload = run_length(s, p + 1, is_base64url);
    size_t q = p + 1 + payload;
    if (payload < 10 || q >= s.size() || s[q] != '.') continue;
    size_t sig = run_length(s, q + 1, is_base64url);  // may be empty: alg "none"
    out.emplace_back(at, q + 1 + sig);
  }
}

// PEM private keys of any kind ("PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY",
// "ENCRYPTED PRIVATE KEY"): the whole block, or to the end of the text when the END line is
// missing (a truncated key is still a key).
void find_pem_private_keys(std::string_view s, std::vector<Span>& out) {
  constexpr std::string_view begin = "-----BEGIN ";
  for (size_t at = s.find(begin); at != std::string_view::npos; at = s.find(begin, at + 1)) {
    size_t label_end = s.find("-----", at + begin.size());
    if (label_end == std::string_view::npos) continue;
    std::string_view label = s.substr(at + begin.size(), label_end - at - begin.size());
    if (label.size() < 11 || label.substr(label.size() - 11) != "PRIVATE KEY") continue;
    std::string end_marker = "-----END " + std::string(label) + "-----";
    size_t end = s.find(end_marker, label_end + 5);
    size_t stop = end == std::string_view::npos ? s.size() : end + end_marker.size();
    out.emplace_back(at, stop);
    at = stop - 1;
  }
}

// Credentials in URLs: scheme://user:password@host. Only the userinfo is replaced, so the
// record still shows which host was contacted.
void find_url_credentials(std::string_view s, std::vector<Span>& out) {
  for (size_t at = s.find("://"); at != std::string_view::npos; at = s.find("://", at + 1)) {
    size_t start = at + 3;
    size_t i = start;
    bool colon = false;
    while (i < s.size()) {
      char c = s[i];
      if (c == '@' || c == '/' || c == '?' || c == '#' || std::isspace(static_cast<unsigned char>(c)) ||
          c == '"' || c == '\'' || c == '<' || c == '>')
        break;
      if (c == ':') colon = true;
      ++i;
    }
    // The userinfo ends at the last '@' before the path: passwords may contain a raw '@'.
    if (i < s.size() && s[i] == '@') {
      size_t last_at = i;
      for (size_t j = i + 1; j < s.size(); ++j) {
        char c = s[j];
        if (c == '/' || c == '?' || c == '#' || std::isspace(static_cast<unsigned char>(c))) break;
        if (c == '@') last_at = j;
        if (c == ':') colon = true;
      }
      if (colon && last_at > start) out.emplace_back(start, last_at);
    }
  }
}

bool looks_random(std::string_view s) {
  bool digit = false, lower = false, upper_after_first = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') digit = true;
    if (c >= 'a' && c <= 'z') lower = true;
    if (i > 0 && c >= 'A' && c <= 'Z') upper_after_first = true;
  }
  return digit || (lower && upper_after_first);
}

// HTTP authorization schemes in free text ("Authorization: Bearer X", "-H 'Basic X'"): the
// credential after the scheme word, whatever its shape.
void find_auth_schemes(std::string_view s, std::vector<Span>& out) {
  for (std::string_view word : {"bearer ", "basic ", "token "}) {
    for (size_t at = 0; at + word.size() <= s.size(); ++at) {
      if (!iequals_at(s, at, word)) continue;
      if (at > 0 && is_alnum(s[at - 1])) continue;
      size_t body = at + word.size();
      while (body < s.size() && s[body] == ' ') ++body;
      size_t n = run_length(s, body, is_auth_char);
      // These are ordinary English words too ("basic configuration"): only a credential-shaped
      // run after them counts, i.e. one holding a digit or mixed case (as base64 and random
      // tokens do and words do not), and long for "token".
      size_t min = word == "token " ? 20 : 8;
      if (n >= min && looks_random(s.substr(body, n))) out.emplace_back(body, body + n);
    }
  }
}

std::vector<Span> find_secret_spans(std::string_view s) {
  std::vector<Span> spans;
  find_prefixed_tokens(s, spans);
  find_aws_key_ids(s, spans);
  find_jwts(s, spans);
  find_pem_private_keys(s, spans);
  find_url_credentials(s, spans);
  find_auth_schemes(s, spans);
  std::sort(spans.begin(), spans.end());
  return spans;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

// `NAME=value` arguments (make VAR=x, env VAR=x cmd): NAME must look like a variable name.
bool split_assignment(std::string_view arg, std::string_view& name, size_t& eq) {
  eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  name = arg.substr(0, eq);
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

} // namespace

bool is_secret_name(std::string_view name) {
  // Deliberately broad substring match: KEYBOARD or SESSION_MANAGER are redacted too. A lost
  // harmless value costs little; a leaked credential costs a rotation (docs/redaction.md).
  static constexpr std::array<std::string_view, 11> kWords{
      "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "KEY",
      "CREDENTIAL", "AUTH", "COOKIE", "SESSION", "PRIVATE"};
  std::string u = upper(name);
  return std::any_of(kWords.begin(), kWords.end(),
                     [&](std::string_view w) { return u.find(w) != std::string::npos; });
}

bool looks_like_secret_value(std::string_view value) { return !find_secret_spans(value).empty(); }

std::string redact_text(std::string_view text) {
  std::vector<Span> spans = find_secret_spans(text);
  if (spans.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const auto& [b, e] : spans) {
    if (e <= pos) continue;  // inside a span already replaced
    if (b >= pos) {
      out.append(text.substr(pos, b - pos));
      out += kRedacted;
    }
    pos = e;
  }
  out.append(text.substr(pos));
  return out;
}

std::string strip_url_credentials(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return redact_text(url);
  size_t start = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  size_t at = url.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at == std::string_view::npos || at < start) return redact_text(url);
  std::string_view userinfo = url.substr(start, at - start);
  std::string scheme = upper(url.substr(0, scheme_end));
  // A bare user is kept for ssh-like schemes (ssh://git@host names an account, not a secret);
  // for http(s) and the rest a bare user is often a token (https://<token>@github.com).
  bool keep_user = userinfo.find(':') == std::string_view::npos &&
                   (scheme == "SSH" || scheme == "GIT+SSH" || scheme == "SSH+GIT") &&
                   !looks_like_secret_value(userinfo);
  if (keep_user) return redact_text(url);
  std::string out(url.substr(0, start));
  out.append(url.substr(at + 1));
  return redact_text(out);
}

std::vector<std::string> redact_argv(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  bool next_is_secret = false;
  for (const std::string& arg : argv) {
    if (next_is_secret) {
      out.emplace_back(kRedacted);
      next_is_secret = false;
      continue;
    }
    std::string_view a(arg);
    if (a.size() > 1 && a[0] == '-') {
      std::string_view opt = a.substr(a[1] == '-' ? 2 : 1);
      size_t eq = opt.find('=');
      std::string_view name = opt.substr(0, eq);
      // Single-letter options (-p X) are too ambiguous to call secret: -p is a port as often as
      // a password. Long ones (--password X, -password X, --api-key=X) are not.
      if (name.size() >= 2 && is_secret_name(name)) {
        if (eq == std::string_view::npos) {
          out.emplace_back(arg);
          next_is_secret = true;
        } else {
          out.emplace_back(std::string(a.substr(0, a.size() - opt.size() + eq + 1)) + kRedacted);
        }
        continue;
      }
    } else {
      std::string_view name;
      size_t eq = 0;
      if (split_assignment(a, name, eq) && is_secret_name(name)) {
        out.emplace_back(std::string(a.substr(0, eq + 1)) + kRedacted);
        continue;
      }
    }
    out.emplace_back(redact_text(arg));
  }
  return out;
}

std::string redact_env_value(std::string_view name, std::string_view value) {
  if (is_secret_name(name)) return kRedacted;
  return redact_text(value);
}

} // namespace hallmark
