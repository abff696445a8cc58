// pip requirements files (requirements*.txt): pinned requirements ("name[extras]==1.2; marker
// --hash=sha256:..."), "-r other.txt" includes read through read_sibling (cycles and depth
// bounded), line continuations. Unpinned requirements become components without a version:
// the version pip would pick is not in the file, so none is invented.
#include "catalogers/catalog_util.hpp"

#include "hallmark/sbom/purl.hpp"

#include <algorithm>
#include <filesystem>
#include <cctype>
#include <cstring>
#include <set>

namespace hallmark::sbom::internal {
namespace {

struct Parser {
  const CatalogInput& in;
  CatalogResult& out;
  std::set<std::string> visited;

  void parse(std::string_view text, const std::string& file, int depth) {
    size_t pos = 0, lineno = 0;
    std::string logical;
    size_t logical_line = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view raw = text.substr(pos, nl - pos);
      pos = nl + 1;
      ++lineno;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      if (logical.empty()) logical_line = lineno;
      if (!raw.empty() && raw.back() == '\\') {
        logical += std::string(raw.substr(0, raw.size() - 1)) + " ";
        if (pos > text.size()) break;
        continue;
      }
      logical += std::string(raw);
      handle(logical, file, logical_line, depth);
      logical.clear();
      if (nl == text.size()) break;
    }
    if (!logical.empty()) handle(logical, file, logical_line, depth);
  }

  // PEP 440 version specifiers, comma-separated: "~=1.4", ">=2,<3", "==1.*", "===foo"; empty
  // means any version.
  static bool valid_specifiers(std::string_view spec) {
    if (trim_space(spec).empty()) return true;
    size_t pos = 0;
    while (pos <= spec.size()) {
      size_t comma = spec.find(',', pos);
      std::string clause =
          trim_space(spec.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
      size_t op = 0;
      for (const char* o : {"===", "~=", "==", "!=", "<=", ">=", "<", ">"})
        if (starts_with(clause, o)) {
          op = std::string_view(o).size();
          break;
        }
      std::string version = op ? trim_space(std::string_view(clause).substr(op)) : std::string();
      if (op == 0 || version.empty()) return false;
      for (char ch : version)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && !std::strchr(".*+!-_", ch)) return false;
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    return true;
  }

  void warn(const std::string& file, size_t line, const std::string& msg) {
    out.warnings.push_back(Diagnostic{file, "line " + std::to_string(line) + ": " + msg});
  }

  // Comments start at a '#' that begins the line or follows whitespace (pip's rule).
  static void strip_comment(std::string& line) {
    for (size_t i = 0; i < line.size(); ++i)
      if (line[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
        line.erase(i);
        break;
      }
  }

  // A line of options: -r includes and -e requirements count, the others (-c constraints,
  // --index-url, ...) are ignored.
  void handle_option(const std::string& s, const std::string& file, size_t lineno, int depth) {
    for (const char* opt : {"-r", "--requirement"}) {
      if (!starts_with(s, opt)) continue;
      std::string target = trim_space(std::string_view(s).substr(std::string_view(opt).size()));
      if (!target.empty() && target[0] == '=') target = trim_space(target.substr(1));
      include(target, file, lineno, depth);
      return;
    }
    // -e with a VCS URL is a dependency fetched from the repository; -e with a path is the
    // project itself.
    if (s == "-e" || s == "--editable") {
      warn(file, lineno, s + " without a path or URL; skipped");
      return;
    }
    for (const char* opt : {"-e ", "--editable "}) {
      if (!starts_with(s, opt)) continue;
      std::string target = trim_space(std::string_view(s).substr(std::string_view(opt).size()));
      if (target.find("://") != std::string::npos) url_requirement("", target, {}, file, lineno);
      return;
    }
  }

  // The --hash=alg:hex options after a requirement (any number).
  static std::vector<Hash> hash_options(const std::string& s) {
    std::vector<Hash> hashes;
    size_t opt = s.find(" --");
    while (opt != std::string::npos) {
      size_t next = s.find(" --", opt + 3);
      std::string o = trim_space(s.substr(opt + 1, next == std::string::npos ? std::string::npos : next - opt - 1));
      if (starts_with(o, "--hash=") || starts_with(o, "--hash ")) {
        std::string v = trim_space(o.substr(7));
        size_t colon = v.find(':');
        if (colon != std::string::npos) {
          std::string alg = v.substr(0, colon), hex = v.substr(colon + 1);
          const char* cdx = alg == "sha256"   ? "SHA-256"
                            : alg == "sha384" ? "SHA-384"
                            : alg == "sha512" ? "SHA-512"
                                              : nullptr;
          if (cdx) hashes.push_back(Hash{cdx, hex});
        }
      }
      opt = next;
    }
    return hashes;
  }

  void handle(std::string line, const std::string& file, size_t lineno, int depth) {
    strip_comment(line);
    std::string s = trim_space(line);
    if (s.empty()) return;
    if (s[0] == '-') {
      handle_option(s, file, lineno, depth);
      return;
    }
    std::string req = trim_space(s.substr(0, s.find(" --")));
    std::vector<Hash> hashes = hash_options(s);
    if (req.find("://") != std::string::npos) {  // "name @ URL" (PEP 508) or a bare URL
      size_t at = req.find(" @ ");
      std::string name = at == std::string::npos ? "" : pep508_name(req.substr(0, at));
      url_requirement(name, trim_space(req.substr(at == std::string::npos ? 0 : at + 3)), hashes, file, lineno);
      return;
    }
    requirement(req, hashes, file, lineno);
  }

  // "name[extras] (specifiers); marker": pinned by == or ===, else without a version.
  void requirement(const std::string& req, const std::vector<Hash>& hashes, const std::string& file, size_t lineno) {
    std::string name = pep508_name(req);
    if (name.empty()) {
      warn(file, lineno, "cannot read a requirement in '" + req + "'; skipped");
      return;
    }
    std::string version;
    std::string rest = req.substr(name.size());
    size_t semi = rest.find(';');
    std::string spec = trim_space(rest.substr(0, semi));
    if (!spec.empty() && spec[0] == '[') {
      size_t close = spec.find(']');
      if (close == std::string::npos) {
        warn(file, lineno, "unterminated extras in '" + req + "'; skipped");
        return;
      }
      spec = trim_space(spec.substr(close + 1));
    }
    if (!spec.empty() && spec.front() == '(' && spec.back() == ')') spec = trim_space(spec.substr(1, spec.size() - 2));
    // "foo bar baz" or "django>=" is no requirement pip would accept: recording "foo" or an
    // unversioned "django" would be a guess.
    if (!valid_specifiers(spec)) {
      warn(file, lineno, "cannot read the version specifier '" + spec + "' of " + name + "; skipped");
      return;
    }
    if (starts_with(spec, "===")) version = trim_space(spec.substr(3));
    else if (starts_with(spec, "==") && spec.find(',') == std::string::npos && spec.find('*') == std::string::npos)
      version = trim_space(spec.substr(2));
    Component c = pypi_component(name, version, in);
    c.occurrences = {file};
    // Several --hash values are the digests of the distribution files pip may pick; only a
    // single one identifies the artifact.
    if (hashes.size() == 1) c.hashes = hashes;
    if (semi != std::string::npos) c.properties["hallmark:python-marker"] = trim_space(rest.substr(semi + 1));
    if (std::find(out.direct.begin(), out.direct.end(), c.bom_ref) == out.direct.end()) out.direct.push_back(c.bom_ref);
    out.components.push_back(std::move(c));
  }

  // A requirement from a URL: "git+https://host/r.git@rev#egg=name" (pip's VCS form) keeps rev
  // as version and the URL as vcs_url; any other URL is the download_url. The name comes from
  // "name @" or #egg=; without either the entry cannot be identified and is reported.
  void url_requirement(std::string name, std::string url, const std::vector<Hash>& hashes, const std::string& file,
                       size_t lineno) {
    if (size_t semi = url.find(';'); semi != std::string::npos) url = trim_space(url.substr(0, semi));
    std::string fragment;
    if (size_t hash = url.find('#'); hash != std::string::npos) fragment = url.substr(hash + 1), url.erase(hash);
    for (size_t p = 0; p < fragment.size();) {
      size_t amp = fragment.find('&', p);
      std::string kv = fragment.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
      if (name.empty() && starts_with(kv, "egg=")) name = pep508_name(kv.substr(4));
      p = amp == std::string::npos ? fragment.size() : amp + 1;
    }
    if (name.empty()) {
      warn(file, lineno, "cannot tell the package name of '" + url + "' (add #egg=NAME or write NAME @ URL); skipped");
      return;
    }
    bool vcs =
        starts_with(url, "git+") || starts_with(url, "hg+") || starts_with(url, "svn+") || starts_with(url, "bzr+");
    std::string version;
    if (vcs) {
      size_t path = url.find('/', url.find("://") + 3);
      size_t at = path == std::string::npos ? std::string::npos : url.rfind('@');
      if (at != std::string::npos && at > path) version = url.substr(at + 1);
    }
    Component c = pypi_component(name, version, in);
    c.qualifiers[vcs ? "vcs_url" : "download_url"] = url;
    c.bom_ref = make_purl(c);
    c.occurrences = {file};
    if (hashes.size() == 1) c.hashes = hashes;
    if (std::find(out.direct.begin(), out.direct.end(), c.bom_ref) == out.direct.end()) out.direct.push_back(c.bom_ref);
    out.components.push_back(std::move(c));
  }

  void include(const std::string& target, const std::string& file, size_t lineno, int depth) {
    if (depth >= 16) {
      warn(file, lineno, "-r " + target + ": includes nested deeper than 16; skipped");
      return;
    }
    // Includes are relative to the including file; read_sibling reads relative to the first
    // file's directory, so prefix the including file's own subfolder.
    std::string base = file == in.path ? "" : file.substr(0, file.rfind('/') + 1);
    std::string first_dir = in.path.substr(0, in.path.rfind('/') + 1);
    if (!base.empty() && starts_with(base, first_dir)) base = base.substr(first_dir.size());
    // "extra/../base.txt" is base.txt: read (and shown) once under its plain name.
    std::string rel = std::filesystem::path(base + target).lexically_normal().string();
    if (!visited.insert(rel).second) return;  // already read (or a cycle)
    std::optional<std::string> text = in.read_sibling ? in.read_sibling(rel) : std::nullopt;
    if (!text) {
      warn(file, lineno, "-r " + target + ": cannot read the included file; skipped");
      return;
    }
    parse(*text, first_dir + rel, depth + 1);
  }
};

void catalog_requirements(const CatalogInput& in, CatalogResult& out) {
  Parser p{in, out, {}};
  p.visited.insert(in.path.substr(in.path.rfind('/') + 1));
  p.parse(in.content, in.path, 0);
}

bool matches_requirements(std::string_view filename, std::string_view) {
  return starts_with(filename, "requirements") && ends_with(filename, ".txt");
}

}  // namespace

extern const Cataloger kPythonRequirementsCataloger{"python-requirements", matches_requirements, catalog_requirements};

}  // namespace hallmark::sbom::internal
