// Go embeds its build info in every binary since Go 1.13; since Go 1.18 as inline strings after a
// 32-byte header that starts with "\xff Go buildinf:" at a 16-byte aligned offset (flags bit 2),
// which is what debug/buildinfo reads too. The module info between two 16-byte sentinels holds
// "path", "mod" (main module), "dep" and "=>" (replacement) lines, tab separated.
#include "hallmark/sbom/image.hpp"

#include "hallmark/sbom/purl.hpp"

#include <cstring>

namespace hallmark::sbom {

namespace {

constexpr std::string_view kMagic("\xff Go buildinf:", 14);
constexpr size_t kCapture = 256 * 1024;

bool read_varint(std::string_view& s, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 63 && !s.empty(); shift += 7) {
    unsigned char b = static_cast<unsigned char>(s.front());
    s.remove_prefix(1);
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= line.size()) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

}  // namespace

GoBuildInfoScanner::Parse GoBuildInfoScanner::try_parse() {
  std::string_view s = capture_;
  if (s.size() < 32) return Parse::need_more;
  unsigned char flags = static_cast<unsigned char>(s[15]);
  if (!(flags & 2) || (s[14] != 4 && s[14] != 8)) return Parse::invalid;  // pre-1.18 form: not read
  s.remove_prefix(32);
  uint64_t n = 0;
  if (!read_varint(s, n)) return s.size() < 10 ? Parse::need_more : Parse::invalid;
  if (n > 64) return Parse::invalid;
  if (n > s.size()) return Parse::need_more;
  std::string version(s.substr(0, n));
  if (version.rfind("go1.", 0) != 0 && version.rfind("devel", 0) != 0) return Parse::invalid;
  s.remove_prefix(n);
  if (!read_varint(s, n)) return s.size() < 10 ? Parse::need_more : Parse::invalid;
  if (n > kCapture) return Parse::invalid;
  if (n > s.size()) return Parse::need_more;
  std::string mod(s.substr(0, n));
  if (mod.size() >= 33 && mod[mod.size() - 17] == '\n') mod = mod.substr(16, mod.size() - 32);
  version_ = std::move(version);
  modinfo_ = std::move(mod);
  found_ = true;
  return Parse::ok;
}

void GoBuildInfoScanner::settle() {
  while (capturing_) {
    Parse p = try_parse();
    if (p == Parse::ok) {
      capturing_ = false;
      capture_.clear();
      return;
    }
    if (p == Parse::need_more && capture_.size() < kCapture) return;
    // A false match (debug/buildinfo's own copy of the magic, say): the next aligned one, if any.
    size_t next = 1;
    while ((next = capture_.find(kMagic, next)) != std::string::npos && (capture_start_ + next) % 16 != 0) ++next;
    if (next == std::string::npos) {
      capturing_ = false;
      size_t keep = std::min(capture_.size(), kMagic.size() - 1);
      tail_ = capture_.substr(capture_.size() - keep);
      capture_.clear();
      return;
    }
    capture_.erase(0, next);
    capture_start_ += next;
  }
}

void GoBuildInfoScanner::feed(std::string_view bytes) {
  if (found_) return;
  uint64_t chunk_start = offset_;
  offset_ += bytes.size();
  if (capturing_) {
    capture_.append(bytes);
    settle();
    return;
  }
  // Search the previous tail plus this chunk so a magic split across chunks is found.
  std::string window = tail_;
  window.append(bytes);
  uint64_t window_start = chunk_start - tail_.size();
  size_t pos = 0;
  while ((pos = window.find(kMagic, pos)) != std::string::npos && (window_start + pos) % 16 != 0) ++pos;
  if (pos != std::string::npos) {
    tail_.clear();
    capturing_ = true;
    capture_start_ = window_start + pos;
    capture_ = window.substr(pos);
    settle();
    return;
  }
  size_t keep = std::min(window.size(), kMagic.size() - 1);
  tail_ = window.substr(window.size() - keep);
}

CatalogResult GoBuildInfoScanner::finish(const std::string& display) {
  CatalogResult out;
  if (!found_) return out;
  Component main;
  std::map<std::string, Component> deps;
  std::string last_dep;
  for (size_t start = 0; start < modinfo_.size();) {
    size_t nl = modinfo_.find('\n', start);
    std::string_view line =
        std::string_view(modinfo_).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? modinfo_.size() : nl + 1;
    auto f = fields(line);
    if (f.size() >= 2 && f[0] == "path" && main.name.empty()) {
      main.name = std::string(f[1]);  // GOPATH-mode builds (Debian's) have no "mod" line
    } else if (f.size() >= 3 && f[0] == "mod") {
      main.name = std::string(f[1]);
      main.version = f[2] == "(devel)" ? "" : std::string(f[2]);
    } else if (f.size() >= 3 && f[0] == "dep") {
      Component c;
      c.name = std::string(f[1]);
      c.version = std::string(f[2]);
      if (f.size() >= 4 && f[3].rfind("h1:", 0) == 0) c.properties["hallmark:go.sum"] = std::string(f[3]);
      last_dep = c.name;
      deps[c.name] = std::move(c);
    } else if (f.size() >= 3 && f[0] == "=>" && deps.count(last_dep)) {
      // A replaced module: the code that was built is the replacement's.
      Component& c = deps[last_dep];
      c.properties["hallmark:go.replaced"] = c.name + "@" + c.version;
      c.name = std::string(f[1]);
      c.version = std::string(f[2]);
    }
  }
  if (main.name.empty()) return out;
  main.type = "application";
  main.purl_type = "golang";
  main.occurrences.push_back(display);
  main.properties["hallmark:go.toolchain"] = version_;
  main.bom_ref = make_purl(main);
  for (auto& [name, c] : deps) {
    c.purl_type = "golang";
    c.occurrences.push_back(display);
    c.bom_ref = make_purl(c);
    out.edges[main.bom_ref].push_back(c.bom_ref);
    out.components.push_back(std::move(c));
  }
  out.projects.push_back(std::move(main));
  return out;
}

}  // namespace hallmark::sbom
