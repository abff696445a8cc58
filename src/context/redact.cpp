// Secret redaction with small hand-written scanners: every pattern here is a fixed prefix followed
// by a run of characters from one class, so a linear scan is simpler and far faster than
// std::regex (which is also prone to stack exhaustion on long inputs). The rules are documented in
// docs/redaction.md; keep the two in step.
#include "hallmark/context/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
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
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

size_t run_length(std::string_view s, size_t from, bool (*cls)(char)) {
  size_t i = from;
  while (i < s.size() && cls(s[i])) ++i;
  return i - from;
}

bool iequals_at(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[at + k])) != std::tolower(static_cast<unsigned char>(word[k])))
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

// Credentials in URLs: scheme://user:password@host. Only the userinfo is replaced, so the
// record still shows which host was contacted.
void find_url_credentials(std::string_view s, std::vector<Span>& out) {
  for (size_t at = s.find("://"); at != std::string_view::npos; at = s.find("://", at + 1)) {
    size_t start = at + 3;
    size_t i = start;
    bool colon = false;
    while (i < s.size()) {
      char c = s[i];
      if (c == '@' || c == '/' || c == '?' || c == '#' || std::isspace(static_cast<unsigned char>(c)) || c == '"' ||
          c == '\'' || c == '<' || c == '>')
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
      // A bare user is a token as often as an account (https://<token>@github.com, Sentry DSNs
      // https://<key>@o1.ingest.sentry.io/1): replaced too, except in ssh URLs (ssh://git@host).
      std::string_view scheme = s.substr(0, at);
      size_t scheme_start = scheme.size();
      while (scheme_start > 0 && scheme.size() - scheme_start < 16 &&
             (is_alnum(scheme[scheme_start - 1]) || scheme[scheme_start - 1] == '+' ||
              scheme[scheme_start - 1] == '-' || scheme[scheme_start - 1] == '.'))
        --scheme_start;
      bool ssh = iequals_at(s, scheme_start, "ssh") || iequals_at(s, scheme_start, "git+ssh");
      std::string_view user = s.substr(start, last_at - start);
      bool token_like = looks_random(user) || user.size() >= 20;
      if (last_at > start && (colon || (!ssh && token_like))) out.emplace_back(start, last_at);
    }
  }
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
  return std::all_of(name.begin(), name.end(), [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

}  // namespace

bool is_secret_name(std::string_view name) {
  // Deliberately broad substring match: KEYBOARD or SESSION_MANAGER are redacted too. A lost
  // harmless value costs little; a leaked credential costs a rotation (docs/redaction.md).
  static constexpr std::array<std::string_view, 11> kWords{"TOKEN",      "SECRET",  "PASSWORD",   "PASSWD",
                                                           "PASSPHRASE", "KEY",     "CREDENTIAL", "AUTH",
                                                           "COOKIE",     "SESSION", "PRIVATE"};
  std::string u = upper(name);
  if (std::any_of(kWords.begin(), kWords.end(), [&](std::string_view w) { return u.find(w) != std::string::npos; }))
    return true;
  // "PASS" is too common a substring (COMPASS, PASSTHROUGH): only as a whole word of a longer
  // name (--db-pass, SMTP_PASS; a variable named just PASS is as often a counter).
  for (size_t b = 0; b < u.size() && u != "PASS";) {
    size_t e = b;
    while (e < u.size() && is_alnum(u[e])) ++e;
    if (std::string_view(u).substr(b, e - b) == "PASS") return true;
    b = e + 1;
  }
  return false;
}

bool is_secret_env_name(std::string_view name) {
  // OTEL_EXPORTER_OTLP_HEADERS and friends carry collector API keys as "api-key=..." pairs.
  std::string u = upper(name);
  return is_secret_name(name) || (u.size() >= 7 && u.compare(u.size() - 7, 7, "HEADERS") == 0);
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

namespace {

std::string base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool is_shell(const std::string& prog) {
  static constexpr std::array<std::string_view, 6> kShells{"sh", "bash", "dash", "zsh", "ksh", "ash"};
  return std::find(kShells.begin(), kShells.end(), prog) != kShells.end();
}

// The program an argv runs, past `env NAME=VALUE` and a script's interpreter: a traced script
// shows up as ["/bin/sh", "/usr/local/bin/mysql", ...] after the kernel reads its #! line.
std::string program_of(const std::vector<std::string>& argv) {
  size_t i = 0;
  if (i < argv.size() && base_name(argv[i]) == "env") {
    ++i;
    std::string_view name;
    size_t eq = 0;
    while (i < argv.size() && (argv[i].rfind('-', 0) == 0 || split_assignment(argv[i], name, eq))) ++i;
  }
  if (i + 1 < argv.size() && is_shell(base_name(argv[i])) && argv[i + 1].rfind('-', 0) != 0) ++i;
  return i < argv.size() ? base_name(argv[i]) : std::string();
}

// Programs whose short option takes a password: mysql -pX / -p X (and its tools), and
// `docker login -p X`. Elsewhere -p is a port or a path as often as not.
bool short_p_is_password(const std::vector<std::string>& argv) {
  std::string prog = program_of(argv);
  if (prog.rfind("mysql", 0) == 0 || prog.rfind("mariadb", 0) == 0) return true;
  return (prog == "docker" || prog == "podman" || prog == "nerdctl") &&
         std::find(argv.begin(), argv.end(), "login") != argv.end();
}

bool is_curl(const std::vector<std::string>& argv) { return program_of(argv) == "curl"; }

// "Authorization: Bearer x", "PRIVATE-TOKEN: x", "X-API-Key: x" (after -H, --header= or alone):
// a header whose name looks secret keeps its name only.
bool redact_header(std::string_view arg, std::string& out) {
  size_t from = 0;
  if (arg.rfind("--header=", 0) == 0) from = 9;
  else if (arg.rfind("-H", 0) == 0) from = 2;
  size_t colon = arg.find(':', from);
  if (colon == std::string_view::npos || colon == from) return false;
  std::string_view name = arg.substr(from, colon - from);
  if (!std::all_of(name.begin(), name.end(), [](char c) { return is_token_char(c); })) return false;
  if (!is_secret_name(name)) return false;
  out = std::string(arg.substr(0, colon + 1)) + " " + kRedacted;
  return true;
}

// "user:password" (curl -u, --user): the user stays, the password goes.
std::string redact_user_password(std::string_view value) {
  size_t colon = value.find(':');
  if (colon == std::string_view::npos) return redact_text(value);
  return std::string(value.substr(0, colon + 1)) + kRedacted;
}

// The words of a shell command string with their spans, quotes removed: close enough to the
// shell's own split for redaction (no expansions). `;`, `&`, `|` and parentheses end a word and
// start a new simple command.
struct ShellWord {
  Span span;
  std::string text;
  bool starts_command = false;
};

bool is_separator(char c) { return c != '\0' && std::strchr(";&|()\n", c) != nullptr; }

std::vector<ShellWord> shell_words(std::string_view s) {
  std::vector<ShellWord> words;
  size_t i = 0;
  bool new_command = true;
  while (i < s.size()) {
    while (i < s.size() && (std::isspace(static_cast<unsigned char>(s[i])) || is_separator(s[i]))) {
      if (is_separator(s[i])) new_command = true;
      ++i;
    }
    if (i >= s.size()) break;
    ShellWord w;
    w.span.first = i;
    w.starts_command = new_command;
    new_command = false;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && !is_separator(s[i])) {
      char c = s[i++];
      if (c == '\'' || c == '"') {
        while (i < s.size() && s[i] != c) {
          if (c == '"' && s[i] == '\\' && i + 1 < s.size()) ++i;
          w.text += s[i++];
        }
        if (i < s.size()) ++i;
      } else if (c == '\\' && i < s.size()) {
        w.text += s[i++];
      } else {
        w.text += c;
      }
    }
    w.span.second = i;
    words.push_back(std::move(w));
  }
  return words;
}

std::vector<std::string> redact_words(const std::vector<std::string>& argv, int depth);

// `sh -c 'TOKEN=x curl -u u:p ...'`: each simple command of the script gets the argv rules,
// judged by its own program (leading NAME=VALUE assignments skipped), and a changed word
// replaces its span, quoted as one word.
std::string redact_shell_script(std::string_view script, int depth) {
  std::vector<ShellWord> words = shell_words(script);
  std::vector<std::string> redacted;
  for (size_t start = 0; start < words.size();) {
    size_t end = start + 1;
    while (end < words.size() && !words[end].starts_command) ++end;
    std::vector<std::string> cmd;
    for (size_t k = start; k < end; ++k) cmd.push_back(words[k].text);
    size_t prog = 0;
    std::string_view name;
    size_t eq = 0;
    while (prog < cmd.size() && split_assignment(cmd[prog], name, eq)) ++prog;
    std::vector<std::string> out = redact_words(cmd, depth);
    if (prog > 0 && prog < cmd.size()) {
      std::vector<std::string> tail = redact_words({cmd.begin() + long(prog), cmd.end()}, depth);
      std::copy(tail.begin(), tail.end(), out.begin() + long(prog));
    }
    redacted.insert(redacted.end(), out.begin(), out.end());
    start = end;
  }
  std::string result;
  size_t pos = 0;
  for (size_t k = 0; k < words.size(); ++k) {
    if (redacted[k] == words[k].text) continue;
    result.append(script.substr(pos, words[k].span.first - pos));
    result += "'" + redacted[k] + "'";
    pos = words[k].span.second;
  }
  result.append(script.substr(pos));
  return redact_text(result);
}

std::vector<std::string> redact_words(const std::vector<std::string>& argv, int depth) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  const bool mysql_p = short_p_is_password(argv), curl = is_curl(argv);
  const bool shell = !argv.empty() && is_shell(base_name(argv[0])) && depth < 3;
  enum class Next { plain, secret, user_password, script } next = Next::plain;
  for (const std::string& arg : argv) {
    std::string_view a(arg);
    Next now = next;
    next = Next::plain;
    if (now == Next::secret) {
      out.emplace_back(kRedacted);
      continue;
    }
    if (now == Next::user_password) {
      out.push_back(redact_user_password(a));
      continue;
    }
    if (now == Next::script) {
      out.push_back(redact_shell_script(a, depth + 1));
      continue;
    }
    std::string header;
    if (redact_header(a, header)) {
      out.push_back(std::move(header));
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      std::string_view opt = a.substr(a[1] == '-' ? 2 : 1);
      size_t eq = opt.find('=');
      std::string_view name = opt.substr(0, eq);
      // Single-letter options (-p X) are too ambiguous to call secret in general: -p is a port as
      // often as a password. Long ones (--password X, -password X, --api-key=X) are not.
      if (name.size() >= 2 && is_secret_name(name)) {
        if (eq == std::string_view::npos) {
          out.emplace_back(arg);
          next = Next::secret;
        } else {
          out.emplace_back(std::string(a.substr(0, a.size() - opt.size() + eq + 1)) + kRedacted);
        }
        continue;
      }
      if (mysql_p && a.rfind("-p", 0) == 0 && a[1] == 'p') {
        out.emplace_back(a.size() == 2 ? arg : std::string("-p") + kRedacted);
        if (a.size() == 2) next = Next::secret;
        continue;
      }
      if (curl && (a == "-u" || a == "--user")) {
        out.emplace_back(arg);
        next = Next::user_password;
        continue;
      }
      if (curl && (a.rfind("-u", 0) == 0 || a.rfind("--user=", 0) == 0)) {
        size_t cut = a[1] == 'u' ? 2 : 7;
        out.push_back(std::string(a.substr(0, cut)) + redact_user_password(a.substr(cut)));
        continue;
      }
      if (shell && (a == "-c" || (a[1] != '-' && a.find('c') != std::string_view::npos))) {
        out.emplace_back(arg);
        next = Next::script;
        continue;
      }
    } else {
      std::string_view name;
      size_t eq = 0;
      if (split_assignment(a, name, eq) && is_secret_env_name(name)) {
        out.emplace_back(std::string(a.substr(0, eq + 1)) + kRedacted);
        continue;
      }
    }
    out.emplace_back(redact_text(arg));
  }
  return out;
}

}  // namespace

std::vector<std::string> redact_argv(const std::vector<std::string>& argv) { return redact_words(argv, 0); }

std::string redact_env_value(std::string_view name, std::string_view value) {
  if (is_secret_env_name(name)) return kRedacted;
  return redact_text(value);
}

}  // namespace hallmark
