#include "hallmark/util/glob.hpp"

#include <vector>

namespace hallmark {

namespace {

// Matches a '[...]' class at p (p points at '['); advances p past it. Returns -1 if the class is
// unterminated (then '[' is literal), else 0/1.
int match_class(std::string_view pat, size_t& p, char c) {
  size_t i = p + 1;
  bool negate = false;
  if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < pat.size() && (first || pat[i] != ']')) {
    first = false;
    char lo = pat[i];
    if (i + 2 < pat.size() && pat[i + 1] == '-' && pat[i + 2] != ']') {
      char hi = pat[i + 2];
      if (c >= lo && c <= hi) matched = true;
      i += 3;
    } else {
      if (c == lo) matched = true;
      ++i;
    }
  }
  if (i >= pat.size()) return -1;
  p = i + 1;
  return matched != negate ? 1 : 0;
}

// One path segment (no '/') against a segment pattern with *, ?, [..]. Iterative with one
// backtrack point: linear in practice, no exponential blow-up on hostile patterns.
bool match_segment(std::string_view pat, std::string_view s) {
  size_t p = 0, i = 0, star_p = std::string_view::npos, star_i = 0;
  while (i < s.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star_p = ++p;
      star_i = i;
      continue;
    }
    if (p < pat.size() && pat[p] == '?') {
      ++p;
      ++i;
      continue;
    }
    if (p < pat.size() && pat[p] == '[') {
      size_t q = p;
      int r = match_class(pat, q, s[i]);
      if (r == 1) {
        p = q;
        ++i;
        continue;
      }
      if (r == -1 && s[i] == '[') {
        ++p;
        ++i;
        continue;
      }
    } else if (p < pat.size() && pat[p] == '\\' && p + 1 < pat.size() && pat[p + 1] == s[i]) {
      p += 2;
      ++i;
      continue;
    } else if (p < pat.size() && pat[p] == s[i]) {
      ++p;
      ++i;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    i = ++star_i;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    if (slash > start) out.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool match_segments(const std::vector<std::string_view>& pat, size_t pi, const std::vector<std::string_view>& path,
                    size_t si) {
  while (pi < pat.size()) {
    if (pat[pi] == "**") {
      // Collapse runs of '**'; then try every split point.
      while (pi + 1 < pat.size() && pat[pi + 1] == "**") ++pi;
      if (pi + 1 == pat.size()) return true;
      for (size_t k = si; k <= path.size(); ++k)
        if (match_segments(pat, pi + 1, path, k)) return true;
      return false;
    }
    if (si >= path.size() || !match_segment(pat[pi], path[si])) return false;
    ++pi;
    ++si;
  }
  return si == path.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (pattern.size() > 1 && pattern.back() == '/') pattern.remove_suffix(1);
  if (pattern.find('/') == std::string_view::npos) {
    // gitignore-style: a bare pattern matches the last segment at any depth.
    size_t slash = path.rfind('/');
    return match_segment(pattern, slash == std::string_view::npos ? path : path.substr(slash + 1));
  }
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  return match_segments(split(pattern), 0, split(path), 0);
}

bool wildcard_match(std::string_view pattern, std::string_view text) { return match_segment(pattern, text); }

}  // namespace hallmark
