// mix.lock (Elixir): an Elixir map literal, "app": {:hex, :package, "version", "inner checksum",
// [build tools], [deps], "repo", "outer checksum"} or "app": {:git, "url", "commit", [opts]}.
// Read with a small parser for the literal subset mix writes (maps, tuples, lists, keyword
// lists, strings, atoms): the file is data, never evaluated. Hex packages are pkg:hex with the
// outer checksum (SHA-256 of the package tarball). Git deps are pkg:generic named after the app
// with the commit as version and vcs_url "git+<url>@<commit>": they are real dependencies
// (cdxgen drops them).
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <algorithm>
#include <map>

namespace hallmark::sbom::internal {
namespace {

struct Term {
  enum Kind { kString, kAtom, kList, kTuple, kMap, kOther } kind = kOther;
  std::string text;         // string or atom
  std::vector<Term> items;  // list/tuple items; map: key, value, key, value
};

class ElixirReader {
public:
  explicit ElixirReader(std::string_view s) : s_(s) {}
  bool parse(Term& t) {
    bool ok = value(t, 0);
    skip_ws();
    return ok && pos_ == s_.size();
  }
  size_t line() const {
    size_t n = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) n += s_[i] == '\n';
    return n;
  }

private:
  void skip_ws() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        ++pos_;
      } else {
        break;
      }
    }
  }
  bool string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      out.push_back(s_[pos_++]);
    }
    if (pos_ >= s_.size()) return false;
    ++pos_;
    return true;
  }
  static bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '?' || c == '!' || c == '@';
  }
  // Items until `close`; "key: value" pairs become {:key, value} tuples (keyword lists).
  bool sequence(std::vector<Term>& items, char close, int depth, bool is_map) {
    for (;;) {
      skip_ws();
      if (pos_ >= s_.size()) return false;
      if (s_[pos_] == close) {
        ++pos_;
        return true;
      }
      // keyword key "name:" or "\"str\":" (map with string keys uses "k": v too)
      size_t save = pos_;
      std::string key;
      bool keyword = false;
      if (s_[pos_] == '"') {
        if (!string(key)) return false;
        if (pos_ < s_.size() && s_[pos_] == ':' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ' ') {
          ++pos_;
          keyword = true;
        } else {
          pos_ = save;
          key.clear();
        }
      } else if (word_char(s_[pos_])) {
        size_t e = pos_;
        while (e < s_.size() && word_char(s_[e])) ++e;
        if (e < s_.size() && s_[e] == ':' && e + 1 < s_.size() && s_[e + 1] == ' ') {
          key = std::string(s_.substr(pos_, e - pos_));
          pos_ = e + 1;
          keyword = true;
        }
      }
      Term v;
      if (!value(v, depth + 1)) return false;
      if (keyword) {
        Term k;
        k.kind = Term::kAtom;
        k.text = key;
        if (is_map) {
          items.push_back(std::move(k));
          items.push_back(std::move(v));
        } else {
          Term pair;
          pair.kind = Term::kTuple;
          pair.items.push_back(std::move(k));
          pair.items.push_back(std::move(v));
          items.push_back(std::move(pair));
        }
      } else {
        skip_ws();
        if (is_map) {  // "k => v"
          if (s_.substr(pos_, 2) != "=>") return false;
          pos_ += 2;
          Term mv;
          if (!value(mv, depth + 1)) return false;
          items.push_back(std::move(v));
          items.push_back(std::move(mv));
        } else {
          items.push_back(std::move(v));
        }
      }
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') ++pos_;
    }
  }
  bool value(Term& t, int depth) {
    if (depth > 64) return false;  // hostile nesting
    skip_ws();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '"') {
      t.kind = Term::kString;
      return string(t.text);
    }
    if (c == ':') {
      ++pos_;
      t.kind = Term::kAtom;
      if (pos_ < s_.size() && s_[pos_] == '"') return string(t.text);
      while (pos_ < s_.size() && word_char(s_[pos_])) t.text.push_back(s_[pos_++]);
      return !t.text.empty();
    }
    if (c == '[') {
      ++pos_;
      t.kind = Term::kList;
      return sequence(t.items, ']', depth, false);
    }
    if (c == '{') {
      ++pos_;
      t.kind = Term::kTuple;
      return sequence(t.items, '}', depth, false);
    }
    if (c == '%' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
      pos_ += 2;
      t.kind = Term::kMap;
      return sequence(t.items, '}', depth, true);
    }
    // numbers, true/false/nil, bare words
    size_t start = pos_;
    while (pos_ < s_.size() && (word_char(s_[pos_]) || s_[pos_] == '-')) ++pos_;
    t.kind = Term::kOther;
    t.text = std::string(s_.substr(start, pos_ - start));
    return pos_ > start;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

const Term* keyword(const Term& list, std::string_view key) {
  for (const auto& it : list.items)
    if (it.kind == Term::kTuple && it.items.size() == 2 && it.items[0].text == key) return &it.items[1];
  return nullptr;
}

// One component per lock entry (hex, git or path). Fills ref_of (app name -> ref) and, for hex
// entries, the dependency lists to link.
void add_entries(const Term& root, ResultBuilder& rb, std::map<std::string, std::string>& ref_of,
                 std::vector<std::pair<std::string, const Term*>>& dep_lists) {
  for (size_t i = 0; i + 1 < root.items.size(); i += 2) {
    const Term& key = root.items[i];
    const Term& v = root.items[i + 1];
    if (v.kind != Term::kTuple || v.items.empty()) {
      rb.warn("entry \"" + key.text + "\": not a tuple");
      continue;
    }
    const std::string& scm = v.items[0].text;
    Component c;
    if (scm == "hex" && v.items.size() >= 3) {
      c.purl_type = "hex";
      c.name = v.items[1].text;
      c.version = v.items[2].text;
      if (v.items.size() >= 8 && v.items[7].text.size() == 64)
        c.hashes.push_back({"SHA-256", to_lower(v.items[7].text)});
      if (v.items.size() >= 7 && v.items[6].kind == Term::kString && v.items[6].text != "hexpm")
        c.qualifiers["repository_url"] = v.items[6].text;
      if (v.items.size() >= 6 && v.items[5].kind == Term::kList) dep_lists.emplace_back(key.text, &v.items[5]);
    } else if (scm == "git" && v.items.size() >= 3) {
      c.purl_type = "generic";
      c.name = key.text;
      c.version = v.items[2].text;  // the locked commit
      c.qualifiers["vcs_url"] = "git+" + v.items[1].text + "@" + v.items[2].text;
      c.properties["hallmark:source"] = "git";
      if (v.items.size() >= 4) {
        for (const char* k : {"branch", "tag", "ref", "sparse"})
          if (const Term* t = keyword(v.items[3], k)) c.properties[std::string("hallmark:mix.git.") + k] = t->text;
      }
    } else if (scm == "path" && v.items.size() >= 2) {
      c.purl_type = "generic";
      c.name = key.text;
      c.properties["hallmark:source"] = "path";
    } else {
      rb.warn("entry \"" + key.text + "\": unknown source :" + scm);
      continue;
    }
    ref_of[key.text] = rb.add(std::move(c));
  }
}

// The text inside mix.exs's deps/0 list, or nullopt when there is none.
std::optional<std::string_view> deps_list_body(const std::string& exs) {
  size_t start = exs.find("defp deps");
  if (start == std::string::npos) start = exs.find("def deps");
  if (start == std::string::npos) return std::nullopt;
  size_t open = exs.find('[', start);
  if (open == std::string::npos) return std::nullopt;
  int depth = 0;
  size_t close = open;
  for (; close < exs.size(); ++close) {
    if (exs[close] == '[') ++depth;
    if (exs[close] == ']' && --depth == 0) break;
  }
  return std::string_view(exs).substr(open + 1, close - open - 1);
}

// One `{:name ...}` tuple of deps/0: the locked app it names is direct, dev/test-only when its
// `only:` option leaves out :prod.
void mark_direct(std::string_view tuple, const std::map<std::string, std::string>& ref_of, ResultBuilder& rb) {
  if (tuple.size() < 3 || tuple[1] != ':') return;
  size_t e = 2;
  while (e < tuple.size() && (std::isalnum(static_cast<unsigned char>(tuple[e])) || tuple[e] == '_')) ++e;
  auto to = ref_of.find(std::string(tuple.substr(2, e - 2)));
  if (to == ref_of.end()) return;
  size_t only = tuple.find("only:");
  if (only != std::string_view::npos) {
    std::string_view v = trim(tuple.substr(only + 5));
    size_t stop = v.rfind('[', 0) == 0 ? v.find(']') + 1 : v.find_first_of(",}");
    v = v.substr(0, std::min(stop, v.size()));
    if (v.find(":prod") == std::string_view::npos)
      if (Component* c = rb.find(to->second)) c->properties["hallmark:mix.only"] = std::string(trim(v));
  }
  rb.direct(to->second);
}

void catalog_mix_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  Term root;
  ElixirReader reader(in.content);
  if (!reader.parse(root) || root.kind != Term::kMap) {
    rb.warn("line " + std::to_string(reader.line()) + ": not a mix.lock map literal");
    return;
  }
  std::map<std::string, std::string> ref_of;  // app name -> ref
  std::vector<std::pair<std::string, const Term*>> dep_lists;
  add_entries(root, rb, ref_of, dep_lists);
  for (const auto& [app, list] : dep_lists) {
    for (const auto& d : list->items) {
      // {:dep_app, "requirement", [hex: :package, repo: "hexpm", optional: bool]}
      if (d.kind != Term::kTuple || d.items.empty()) continue;
      auto to = ref_of.find(d.items[0].text);
      if (to != ref_of.end()) rb.edge(ref_of[app], to->second);  // an absent optional dep is not an edge
    }
  }
  // mix.exs is code, not data; its deps/0 list is read only for the `{:name` heads that the lock
  // also holds, to know which entries are direct (and `only: :test`/`:dev` ones are dev-only).
  if (!in.read_sibling) return;
  auto exs = in.read_sibling("mix.exs");
  if (!exs) return;
  std::optional<std::string_view> found = deps_list_body(*exs);
  if (!found) return;
  // deps/0 holds code (`runtime: Mix.env() == :dev`, helper calls), so it is scanned, not
  // parsed: each top-level `{:name ...}` tuple of the list, and its `only:` option.
  std::string_view body = *found;
  int level = 0;
  size_t tuple_start = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char ch = body[i];
    if (ch == '"') {
      for (++i; i < body.size() && body[i] != '"'; ++i)
        if (body[i] == '\\') ++i;
      continue;
    }
    if (ch == '{' || ch == '[' || ch == '(') {
      if (level++ == 0 && ch == '{') tuple_start = i;
    } else if (ch == '}' || ch == ']' || ch == ')') {
      if (--level == 0 && ch == '}') mark_direct(body.substr(tuple_start, i + 1 - tuple_start), ref_of, rb);
    }
  }
}

bool matches_mix_lock(std::string_view filename, std::string_view) { return filename == "mix.lock"; }

}  // namespace

const Cataloger kMixLockCataloger{"mix-lock", matches_mix_lock, catalog_mix_lock};

}  // namespace hallmark::sbom::internal
