// Go modules: go.mod (the build list since Go 1.17 lists every module, `// indirect` marking
// those the main module does not import itself), go.sum (h1: hashes), and the module graph from
// the local module cache's .mod files when present. Offline only: a missing cache means a
// shallower graph (root -> direct modules), never a guessed one.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"
#include "hallmark/sbom/bom_builder.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace hallmark::sbom::internal {
namespace {

struct GoRequire {
  std::string path, version;
  bool indirect = false;
  size_t line = 0;
};

struct GoReplace {
  std::string old_path, old_version, new_path, new_version;
};

struct GoModFile {
  std::string module;
  std::vector<GoRequire> requires_;
  std::vector<GoReplace> replaces;
  std::vector<std::pair<std::string, std::string>> excludes;
};

// Splits a go.mod line into tokens; strips a trailing comment but reports `// indirect`.
std::vector<std::string> go_tokens(std::string_view line, bool& indirect) {
  indirect = false;
  size_t c = line.find("//");
  if (c != std::string_view::npos) {
    std::string_view comment = trim(line.substr(c + 2));
    // "// indirect" or "// indirect; more text" (go's modfile accepts both).
    if (comment == "indirect" || comment.rfind("indirect;", 0) == 0) indirect = true;
    line = line.substr(0, c);
  }
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    if (line[i] == '"' || line[i] == '`') {
      char q = line[i++];
      size_t e = line.find(q, i);
      if (e == std::string_view::npos) e = line.size();
      out.emplace_back(line.substr(i, e - i));
      i = e + 1;
    } else {
      size_t s = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      out.emplace_back(line.substr(s, i - s));
    }
  }
  return out;
}

GoModFile parse_go_mod(std::string_view text, ResultBuilder* rb) {
  GoModFile f;
  std::string block;  // verb of the open "verb (" block
  size_t n = 0;
  for (std::string_view raw : split_lines(text)) {
    ++n;
    bool indirect = false;
    auto tok = go_tokens(raw, indirect);
    if (tok.empty()) continue;
    std::string verb;
    std::vector<std::string> args;
    if (!block.empty()) {
      if (tok.size() == 1 && tok[0] == ")") {
        block.clear();
        continue;
      }
      verb = block;
      args = tok;
    } else {
      verb = tok[0];
      args.assign(tok.begin() + 1, tok.end());
      if (args.size() == 1 && args[0] == "(") {
        block = verb;
        continue;
      }
    }
    if (verb == "module" && !args.empty()) {
      f.module = args[0];
    } else if (verb == "require") {
      if (args.size() < 2) {
        if (rb) rb->warn("line " + std::to_string(n) + ": require without a version");
        continue;
      }
      f.requires_.push_back({args[0], args[1], indirect, n});
    } else if (verb == "replace") {
      // old [v] => new [v]
      size_t arrow = 0;
      while (arrow < args.size() && args[arrow] != "=>") ++arrow;
      if (arrow == args.size() || arrow == 0 || arrow + 1 >= args.size()) {
        if (rb) rb->warn("line " + std::to_string(n) + ": malformed replace directive");
        continue;
      }
      GoReplace r;
      r.old_path = args[0];
      if (arrow == 2) r.old_version = args[1];
      r.new_path = args[arrow + 1];
      if (arrow + 2 < args.size()) r.new_version = args[arrow + 2];
      f.replaces.push_back(std::move(r));
    } else if (verb == "exclude" && args.size() >= 2) {
      f.excludes.emplace_back(args[0], args[1]);
    }
  }
  return f;
}

// Module cache paths escape upper-case letters as '!' + lower case (golang.org/x/mod/module).
std::string escape_module_path(std::string_view p) {
  std::string out;
  for (char ch : p) {
    if (ch >= 'A' && ch <= 'Z') {
      out.push_back('!');
      out.push_back(static_cast<char>(ch - 'A' + 'a'));
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::optional<std::string> read_small_file(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
  if (std::filesystem::file_size(p, ec) > (4u << 20)) return std::nullopt;  // a .mod is tiny
  std::ifstream f(p, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool is_local_path(std::string_view p) {
  return p.rfind("./", 0) == 0 || p.rfind("../", 0) == 0 || p.rfind("/", 0) == 0 || p == "." || p == "..";
}

Component go_component(const std::string& path, const std::string& version) {
  Component c;
  c.purl_type = "golang";
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    c.name = path;
  } else {
    c.group = path.substr(0, slash);
    c.name = path.substr(slash + 1);
  }
  c.version = version;
  return c;
}

void catalog_go_mod(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  GoModFile mod = parse_go_mod(in.content, &rb);
  if (mod.module.empty()) rb.warn("no module directive");

  // go.sum: "path version h1:..." and "path version/go.mod h1:..."; only the former hashes the
  // module's content (a dirhash, not a file hash, so it is a property, not a CycloneDX hash).
  std::map<std::pair<std::string, std::string>, std::string> h1;
  if (in.read_sibling) {
    if (auto sum = in.read_sibling("go.sum")) {
      size_t n = 0;
      for (std::string_view line : split_lines(*sum)) {
        ++n;
        line = trim(line);
        if (line.empty()) continue;
        auto f = split(line, ' ');
        if (f.size() != 3) {
          out.warnings.push_back({in.path, "go.sum line " + std::to_string(n) + ": expected 3 fields"});
          continue;
        }
        if (f[1].size() > 7 && f[1].substr(f[1].size() - 7) == "/go.mod") continue;
        h1[{std::string(f[0]), std::string(f[1])}] = std::string(f[2]);
      }
    }
  }

  // Replacements apply to a path (any version) or to one path@version.
  auto replacement = [&](const std::string& p, const std::string& v) -> const GoReplace* {
    const GoReplace* any = nullptr;
    for (const auto& r : mod.replaces) {
      if (r.old_path != p) continue;
      if (r.old_version == v) return &r;
      if (r.old_version.empty()) any = &r;
    }
    return any;
  };

  std::map<std::string, std::string> selected;  // module path -> bom-ref (graph targets)
  std::map<std::string, std::string> selected_version;
  for (const auto& rq : mod.requires_) {
    Component c;
    if (const GoReplace* r = replacement(rq.path, rq.version)) {
      if (is_local_path(r->new_path)) {
        // A local directory stands in for the module: no version to claim.
        c = go_component(rq.path, "");
        c.properties["hallmark:go.replace.path"] = r->new_path;
      } else {
        c = go_component(r->new_path, r->new_version.empty() ? rq.version : r->new_version);
        c.properties["hallmark:go.replaces"] = rq.path + "@" + rq.version;
      }
    } else {
      c = go_component(rq.path, rq.version);
    }
    std::string sum_path = c.group.empty() ? c.name : c.group + "/" + c.name;
    if (auto it = h1.find({sum_path, c.version}); it != h1.end()) c.properties["hallmark:go.sum.h1"] = it->second;
    if (rq.indirect) c.properties["hallmark:go.indirect"] = "true";
    std::string ref = rb.add(std::move(c));
    selected[rq.path] = ref;
    selected_version[rq.path] = rq.version;
    if (!rq.indirect) rb.direct(ref);
  }

  // Module graph: each selected module's own go.mod from the cache states what it requires;
  // its edges point at the version the main module selected (minimal version selection).
  const std::filesystem::path& cache = in.go_module_cache;
  if (!cache.empty()) {
    std::filesystem::path dl = cache / "cache" / "download";
    for (const auto& [path, version] : selected_version) {
      auto text = read_small_file(dl / escape_module_path(path) / "@v" / (escape_module_path(version) + ".mod"));
      if (!text) continue;
      GoModFile dep = parse_go_mod(*text, nullptr);
      for (const auto& rq : dep.requires_) {
        auto it = selected.find(rq.path);
        if (it != selected.end()) rb.edge(selected[path], it->second);
      }
    }
  }
}

bool matches_go_mod(std::string_view filename, std::string_view) { return filename == "go.mod"; }

}  // namespace

const Cataloger kGoModCataloger{"go-mod", matches_go_mod, catalog_go_mod};

}  // namespace hallmark::sbom::internal

namespace hallmark::sbom {

// go env's order.
std::filesystem::path go_module_cache_dir(const EnvMap& env) {
  if (std::string c = env_get(env, "GOMODCACHE"); !c.empty()) return c;
  if (std::string gp = env_get(env, "GOPATH"); !gp.empty()) {
    if (size_t colon = gp.find(':'); colon != std::string::npos) gp.resize(colon);
    return std::filesystem::path(gp) / "pkg" / "mod";
  }
  if (std::string home = env_get(env, "HOME"); !home.empty()) return std::filesystem::path(home) / "go" / "pkg" / "mod";
  return {};
}

}  // namespace hallmark::sbom
