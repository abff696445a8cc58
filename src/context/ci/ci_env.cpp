#include "ci_env.hpp"

#include "hallmark/context/redact.hpp"

#include <cctype>

namespace hallmark::ci {

std::string var(const EnvMap& env, const char* name) {
  auto it = env.find(name);
  // Value-shape redaction only: these names are the platforms' documented, non-secret variables,
  // and the broad name rule would blank some of them (CHANGE_AUTHOR contains AUTH).
  return it == env.end() ? std::string() : redact_text(it->second);
}

std::string url_var(const EnvMap& env, const char* name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return {};
  return trim_slash(strip_url_credentials(it->second));
}

bool is_true(const EnvMap& env, const char* name) {
  std::string v = env_get(env, name);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "1" || v == "yes";
}

bool is_set(const EnvMap& env, const char* name) { return !env_get(env, name).empty(); }

std::string full_ref(const std::string& branch, const std::string& tag) {
  if (!tag.empty()) return "refs/tags/" + tag;
  if (!branch.empty()) return "refs/heads/" + branch;
  return {};
}

std::string sanitize_run_id(std::string_view id) {
  std::string out;
  out.reserve(id.size());
  for (char c : id) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    out += keep ? c : '-';
  }
  return out;
}

std::string join_id(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += '-';
    out += p;
  }
  return sanitize_run_id(out);
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string percent_encode_path_segment(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string attempt_from_retry_count(const std::string& retries, bool empty_is_first) {
  if (retries.empty()) return empty_is_first ? std::string(1, '1') : std::string();
  if (retries.size() > 6 || retries.find_first_not_of("0123456789") != std::string::npos) return {};
  return std::to_string(std::stoi(retries) + 1);
}

void select(const EnvMap& env, CiContext& ctx, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (env.count(n)) ctx.selected[n] = var(env, n);
}

}  // namespace hallmark::ci
