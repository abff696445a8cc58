// The archive reader behind catalog_archive (contract in include/hallmark/sbom/archive.hpp):
// libarchive reads the file, and nested archives from memory, member by member; nothing is
// written to disk and member names are only ever display strings. Per archive level the
// members worth reading (a cataloger's file, a sibling it may ask for, a nested archive, or an
// archive-only identity file: META-INF/maven/**/pom.properties, META-INF/MANIFEST.MF, a wheel's
// *.dist-info/METADATA, an npm tarball's package/package.json, a .deb's control file) are held
// in memory under the limits, then catalogued. Hostile input (bombs, traversal names, deep
// nesting, corrupt members) ends as a Diagnostic, never as a crash or an unbounded read.
#include "hallmark/sbom/archive.hpp"

#include "hallmark/hash/digest.hpp"
#include "hallmark/sbom/purl.hpp"
#include "hallmark/util/dynlib.hpp"
#include "hallmark/util/hex.hpp"
#include "catalogers/catalog_util.hpp"
#include "catalogers/os/dpkg_control.hpp"
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace hallmark::sbom {

bool is_archive_name(std::string_view filename) {
  static constexpr std::array<std::string_view, 16> kSuffixes = {
      ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tar.bz2", ".zip",
      ".jar", ".war",    ".ear", ".whl",    ".deb", ".apk",     ".nupkg",   ".tar.lz4"};
  std::string lower = internal::to_lower(filename);
  for (std::string_view s : kSuffixes)
    if (lower.size() > s.size() && std::string_view(lower).substr(lower.size() - s.size()) == s) return true;
  return false;
}

namespace {

using internal::base_name;
using internal::split_lines;
using internal::trim;

// Files a cataloger may read beside its own (read_sibling): kept when present at the same level.
const std::set<std::string_view> kSiblingNames = {"package.json", "go.sum",         "Cargo.toml", "composer.json",
                                                  "mix.exs",      "pyproject.toml", "Pipfile",    "pnpm-workspace.yaml",
                                                  ".yarnrc.yml"};

// The catalogers an archive member may match: the registry's table, plus this folder's ones the
// table does not list yet (same name = same cataloger, so nothing runs twice once it does).
const std::vector<const Cataloger*>& member_catalogers() {
  static const std::vector<const Cataloger*> table = [] {
    std::vector<const Cataloger*> t;
    std::set<std::string> names;
    for (const Cataloger& c : catalogers()) {
      t.push_back(&c);
      names.insert(c.name);
    }
    for (const Cataloger* c :
         {&internal::kGoModCataloger, &internal::kCargoLockCataloger, &internal::kGemfileLockCataloger,
          &internal::kComposerLockCataloger, &internal::kMavenPomCataloger, &internal::kGradleLockfileCataloger,
          &internal::kGradleVerificationCataloger, &internal::kNugetLockCataloger, &internal::kDotnetDepsCataloger,
          &internal::kNugetPackagesConfigCataloger, &internal::kConanLockCataloger, &internal::kVcpkgManifestCataloger,
          &internal::kMixLockCataloger, &internal::kPubspecLockCataloger, &internal::kSwiftResolvedCataloger,
          &internal::kPodfileLockCataloger, &internal::kDpkgStatusCataloger, &internal::kApkInstalledCataloger})
      if (!names.count(c->name)) t.push_back(c);
    return t;
  }();
  return table;
}

// "../../etc/x", "/abs/y", "a/./b", "a\x01b" -> "etc/x", "abs/y", "a/b", "a?b". `unsafe` tells
// whether anything had to be removed (reported once per archive).
std::string sanitize_member_name(std::string_view raw, bool& unsafe) {
  std::string out;
  for (auto part : internal::split(raw, '/')) {
    if (part.empty() || part == ".") {
      if (part.empty() && out.empty() && !raw.empty() && raw.front() == '/') unsafe = true;
      continue;
    }
    if (part == "..") {
      unsafe = true;
      continue;
    }
    if (!out.empty()) out.push_back('/');
    for (unsigned char ch : part) {
      if (ch < 0x20 || ch == 0x7f) {
        out.push_back('?');
        unsafe = true;
      } else {
        out.push_back(static_cast<char>(ch));
      }
    }
  }
  return out;
}

// For messages: control bytes as \xNN, nothing else changed.
std::string printable(std::string_view raw) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : raw.substr(0, 512)) {
    if (ch < 0x20 || ch == 0x7f) {
      out += "\\x";
      out.push_back(digits[ch >> 4]);
      out.push_back(digits[ch & 15]);
    } else {
      out.push_back(static_cast<char>(ch));
    }
  }
  return out;
}

std::string dir_of(const std::string& member) {
  size_t slash = member.find_last_of('/');
  return slash == std::string::npos ? std::string{} : member.substr(0, slash);
}

// Joins a member's directory and a relative path, resolving ".." inside the archive only.
std::string join_member(const std::string& dir, const std::string& rel) {
  std::vector<std::string> parts;
  for (auto p : internal::split(dir, '/'))
    if (!p.empty()) parts.emplace_back(p);
  for (auto p : internal::split(rel, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(p);
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back('/');
    out += p;
  }
  return out;
}

// "Key: value" header blocks (MANIFEST.MF, wheel METADATA, pom.properties use '='), first block.
std::map<std::string, std::string> header_fields(std::string_view text, char sep) {
  std::map<std::string, std::string> f;
  std::string last;
  for (std::string_view line : split_lines(text)) {
    if (line.empty()) {
      if (sep == ':') break;  // end of the main section / of the METADATA headers
      continue;
    }
    if (sep == ':' && (line.front() == ' ' || line.front() == '\t')) {  // continuation
      if (!last.empty()) f[last] += std::string(line.substr(1));
      continue;
    }
    if (line.front() == '#') continue;
    size_t p = line.find(sep);
    if (p == std::string_view::npos) continue;
    last = std::string(trim(line.substr(0, p)));
    f.emplace(last, std::string(trim(line.substr(p + 1))));
  }
  return f;
}

struct Member {
  std::string name;  // sanitised
  std::string data;
};

// libarchive, opened on the first archive (util/dynlib.hpp): `hallmark run` and the SBOM of a
// tree without archives never map it and the ~15 libraries it pulls in.
struct ArchiveApi {
  decltype(&archive_read_free) read_free;
  decltype(&archive_read_new) read_new;
  decltype(&archive_read_support_filter_all) read_support_filter_all;
  decltype(&archive_read_support_format_all) read_support_format_all;
  decltype(&archive_read_next_header) read_next_header;
  decltype(&archive_error_string) error_string;
  decltype(&archive_entry_filetype) entry_filetype;
  decltype(&archive_entry_pathname) entry_pathname;
  decltype(&archive_entry_size_is_set) entry_size_is_set;
  decltype(&archive_entry_size) entry_size;
  decltype(&archive_read_data) read_data;
  decltype(&archive_read_open_memory) read_open_memory;
  decltype(&archive_read_open_filename) read_open_filename;
};

Status fill_archive_api(void* lib, ArchiveApi& a) {
  return load_symbols(
      lib, {symbol(a.read_free, "archive_read_free"), symbol(a.read_new, "archive_read_new"),
            symbol(a.read_support_filter_all, "archive_read_support_filter_all"),
            symbol(a.read_support_format_all, "archive_read_support_format_all"),
            symbol(a.read_next_header, "archive_read_next_header"), symbol(a.error_string, "archive_error_string"),
            symbol(a.entry_filetype, "archive_entry_filetype"), symbol(a.entry_pathname, "archive_entry_pathname"),
            symbol(a.entry_size_is_set, "archive_entry_size_is_set"), symbol(a.entry_size, "archive_entry_size"),
            symbol(a.read_data, "archive_read_data"), symbol(a.read_open_memory, "archive_read_open_memory"),
            symbol(a.read_open_filename, "archive_read_open_filename")});
}

Result<const ArchiveApi*> archive_api() {
  return library_api<ArchiveApi>("libarchive.so.13", "libarchive13", fill_archive_api);
}

// Only reached once catalog_archive has loaded the library.
const ArchiveApi& la() { return **archive_api(); }

struct ArchiveCloser {
  void operator()(archive* a) const { la().read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

ArchivePtr new_reader() {
  ArchivePtr a(la().read_new());
  la().read_support_filter_all(a.get());
  la().read_support_format_all(a.get());
  return a;
}

struct Walk {
  Walk(const ArchiveOptions& o, ArchiveCatalog& c) : opt(o), out(c) {}
  const ArchiveOptions& opt;
  ArchiveCatalog& out;
  uint64_t entries = 0;
  uint64_t total_bytes = 0;
  bool stopped = false;

  void warn(const std::string& where, std::string msg) { out.warnings.push_back({where, std::move(msg)}); }

  bool wanted(const std::string& name) const {
    std::string_view base = base_name(name);
    if (kSiblingNames.count(base)) return true;
    if (name.rfind("META-INF/maven/", 0) == 0 && base == "pom.properties") return true;
    if (name == "META-INF/MANIFEST.MF" || name == "package/package.json" || name == "control") return true;
    if (base == "METADATA" && name.find(".dist-info/") != std::string::npos) return true;
    if (is_archive_name(base)) return true;  // depth is checked when entering it
    for (const Cataloger* c : member_catalogers())
      if (c->matches(base, name)) return true;
    return include_candidate(base);
  }

  // A requirements file includes others by any name (`-r ci/base.txt`, `-c constraints.in`), and
  // an archive is read in one pass, before any file says what it includes: small .txt and .in
  // members are kept for read_sibling. Only a cataloger's own files are catalogued.
  static bool include_candidate(std::string_view base) {
    auto ends = [&](std::string_view suffix) {
      return base.size() > suffix.size() && base.substr(base.size() - suffix.size()) == suffix;
    };
    return ends(".txt") || ends(".in");
  }
  static constexpr uint64_t kMaxIncludeBytes = 1u << 20;

  // Reads the members of one archive level. false when the walk has to stop.
  std::vector<Member> read_level(archive* a, const std::string& display) {
    std::vector<Member> members;
    bool reported_unsafe = false;
    for (;;) {
      archive_entry* e = nullptr;
      int rc = la().read_next_header(a, &e);
      if (rc == ARCHIVE_EOF) break;
      if (rc == ARCHIVE_FATAL) {
        warn(display, std::string("unreadable archive data: ") + (la().error_string(a) ? la().error_string(a) : "?"));
        break;
      }
      if (rc < ARCHIVE_WARN) {
        warn(display, std::string("corrupt member header: ") + (la().error_string(a) ? la().error_string(a) : "?"));
        continue;
      }
      if (++entries > opt.limits.max_entries) {
        warn(display,
             "more than " + std::to_string(opt.limits.max_entries) + " archive members; stopped (limit max_entries)");
        stopped = true;
        break;
      }
      if (la().entry_filetype(e) != AE_IFREG) continue;
      const char* raw = la().entry_pathname(e);
      bool unsafe = false;
      std::string name = sanitize_member_name(raw ? raw : "", unsafe);
      if (unsafe && !reported_unsafe) {
        warn(display, "member name \"" + printable(raw ? raw : "") +
                          "\" is absolute, climbs with \"..\" or holds "
                          "control bytes; shown as \"" +
                          name + "\"");
        reported_unsafe = true;
      }
      if (name.empty() || !wanted(name)) continue;
      if (la().entry_size_is_set(e) && static_cast<uint64_t>(la().entry_size(e)) > kMaxIncludeBytes &&
          include_candidate(base_name(name)) && !any_cataloger(base_name(name), name))
        continue;  // a large text file is no requirements include; not worth its memory
      if (la().entry_size_is_set(e) && static_cast<uint64_t>(la().entry_size(e)) > opt.limits.max_member_bytes) {
        warn(display + "!/" + name, "member larger than " + std::to_string(opt.limits.max_member_bytes) +
                                        " bytes; not read (limit max_member_bytes)");
        continue;
      }
      std::optional<uint64_t> declared;
      if (la().entry_size_is_set(e)) declared = static_cast<uint64_t>(la().entry_size(e));
      Member m{name, {}};
      char buf[65536];
      bool bad = false;
      for (;;) {
        la_ssize_t n = la().read_data(a, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
          warn(display + "!/" + name,
               std::string("corrupt member data: ") + (la().error_string(a) ? la().error_string(a) : "?"));
          bad = true;
          break;
        }
        total_bytes += static_cast<uint64_t>(n);
        m.data.append(buf, static_cast<size_t>(n));
        if (declared && m.data.size() > *declared) {
          warn(display + "!/" + name, "member inflates beyond the " + std::to_string(*declared) +
                                          " bytes its header declares (zip bomb?); stopped");
          stopped = true;
          return members;
        }
        if (m.data.size() > opt.limits.max_member_bytes) {
          warn(display + "!/" + name, "member inflates beyond " + std::to_string(opt.limits.max_member_bytes) +
                                          " bytes (limit max_member_bytes, zip bomb?); stopped");
          stopped = true;
          return members;
        }
        if (total_bytes > opt.limits.max_total_bytes) {
          warn(display, "more than " + std::to_string(opt.limits.max_total_bytes) +
                            " decompressed bytes read (limit max_total_bytes); stopped");
          stopped = true;
          return members;
        }
      }
      if (!bad) members.push_back(std::move(m));
    }
    return members;
  }

  // Catalogues one level; returns the identity of the archive itself when its members say it.
  std::optional<Component> catalog_level(archive* a, const std::string& display, unsigned depth) {
    std::vector<Member> members = read_level(a, display);
    std::map<std::string, const Member*> by_name;
    for (const auto& m : members) by_name.emplace(m.name, &m);
    std::optional<Component> identity;
    std::vector<Component> embedded;  // pom.properties of shaded jars
    std::string_view archive_base = base_name(display);

    for (const auto& m : members) {
      std::string_view base = base_name(m.name);
      std::string path = display + "!/" + m.name;
      if (read_identity_member(m, base, path, archive_base, identity, embedded)) continue;
      if (kSiblingNames.count(base) && !any_cataloger(base, m.name)) continue;
      if (is_archive_name(base)) {
        nested(m, path, depth);
        if (stopped) return identity;
        continue;
      }
      if (m.name.rfind("META-INF/maven/", 0) == 0 && base == "pom.xml") continue;  // pom.properties says it
      run_catalogers(m, path, by_name);
    }

    if (!identity && !embedded.empty()) identity = take_jar_identity(embedded, archive_base);
    if (!identity) identity = manifest_identity(by_name, display);
    if (!embedded.empty()) add_embedded(embedded, identity.has_value());
    return identity;
  }

  // The archive-only identity files: pom.properties (into `embedded`), a deb's control, an npm
  // tarball's package.json and a wheel's METADATA (into `identity`). Returns true when the member
  // needs nothing more; a METADATA still goes on to the catalogers.
  bool read_identity_member(const Member& m, std::string_view base, const std::string& path,
                            std::string_view archive_base, std::optional<Component>& identity,
                            std::vector<Component>& embedded) {
    if (m.name.rfind("META-INF/maven/", 0) == 0 && base == "pom.properties") {
      auto f = header_fields(m.data, '=');
      Component c;
      c.purl_type = "maven";
      c.group = f["groupId"];
      c.name = f["artifactId"];
      c.version = f["version"];
      c.occurrences.push_back(path);
      if (c.name.empty()) {
        warn(path, "no artifactId");
        return true;
      }
      embedded.push_back(std::move(c));
      return true;
    }
    if (m.name == "META-INF/MANIFEST.MF") return true;  // fallback identity, see manifest_identity
    if (m.name == "control") {
      auto paras = internal::parse_deb_paragraphs(m.data);
      if (!paras.empty() && !paras[0].get("Package").empty()) {
        identity = internal::deb_component(paras[0], "debian");
        identity->occurrences.push_back(path);
      }
      return true;
    }
    if (m.name == "package/package.json") {
      auto pj = internal::parse_package_json(m.data);
      if (pj && !pj->name.empty()) {
        CatalogInput in;
        in.path = path;
        Component c = internal::npm_component(pj->name, pj->version, in);
        if (!pj->license.empty()) c.licenses.push_back(pj->license);
        if (c.occurrences.empty()) c.occurrences.push_back(path);
        identity = std::move(c);
      } else {
        warn(path, "package.json without a name");
      }
      return true;
    }
    if (base == "METADATA" && m.name.find(".dist-info/") != std::string::npos && m.name.find('/') == m.name.rfind('/'))
      read_wheel_metadata(m, path, archive_base, identity);
    return false;
  }

  // A .whl's own METADATA names the wheel, unless something else already did.
  static void read_wheel_metadata(const Member& m, const std::string& path, std::string_view archive_base,
                                  std::optional<Component>& identity) {
    auto f = header_fields(m.data, ':');
    if (f["Name"].empty()) return;
    Component c;
    c.purl_type = "pypi";
    c.name = f["Name"];
    c.version = f["Version"];
    if (!f["License-Expression"].empty()) c.licenses.push_back(f["License-Expression"]);
    else if (!f["License"].empty() && f["License"].size() < 64) c.licenses.push_back(f["License"]);
    c.occurrences.push_back(path);
    if (!identity &&
        (archive_base.size() > 4 && internal::to_lower(archive_base.substr(archive_base.size() - 4)) == ".whl"))
      identity = c;
  }

  // A jar's own identity: the pom.properties whose artifactId the file name starts with, or
  // the only one; the others are embedded (shaded) artifacts it contains. The pick leaves
  // `embedded`.
  static std::optional<Component> take_jar_identity(std::vector<Component>& embedded, std::string_view archive_base) {
    size_t pick = embedded.size();
    for (size_t i = 0; i < embedded.size(); ++i)
      if (archive_base.rfind(embedded[i].name + "-", 0) == 0 || archive_base.rfind(embedded[i].name + ".", 0) == 0)
        pick = i;
    if (pick == embedded.size() && embedded.size() == 1) pick = 0;
    if (pick >= embedded.size()) return std::nullopt;
    std::optional<Component> identity = embedded[pick];
    embedded.erase(embedded.begin() + static_cast<long>(pick));
    return identity;
  }

  // The last resort: MANIFEST.MF's title and version.
  static std::optional<Component> manifest_identity(const std::map<std::string, const Member*>& by_name,
                                                    const std::string& display) {
    auto it = by_name.find("META-INF/MANIFEST.MF");
    if (it == by_name.end()) return std::nullopt;
    auto f = header_fields(it->second->data, ':');
    std::string title = f.count("Implementation-Title") ? f["Implementation-Title"] : f["Bundle-SymbolicName"];
    title = title.substr(0, title.find(';'));  // "org.x.y;singleton:=true"
    std::string version = f.count("Implementation-Version") ? f["Implementation-Version"] : f["Bundle-Version"];
    if (title.empty()) return std::nullopt;
    Component c;
    c.purl_type = "maven";
    c.name = title;
    c.version = version;
    if (f.count("Implementation-Vendor-Id")) c.group = f["Implementation-Vendor-Id"];
    c.properties["hallmark:source"] = "MANIFEST.MF";
    c.occurrences.push_back(display + "!/META-INF/MANIFEST.MF");
    return c;
  }

  // Shaded artifacts: below the archive's identity when it has one, else direct in a result of
  // their own.
  void add_embedded(std::vector<Component>& embedded, bool has_identity) {
    CatalogResult r;
    for (auto& c : embedded) {
      c.bom_ref = make_purl(c);
      c.properties["hallmark:java.embedded"] = "true";
      r.components.push_back(std::move(c));
    }
    if (has_identity) {
      // identity's ref is assigned by the caller; its edges are added there
      pending_embedded_.push_back(std::move(r));
    } else {
      for (auto& c : r.components) r.direct.push_back(c.bom_ref);
      out.results.push_back(std::move(r));
    }
  }

  bool any_cataloger(std::string_view base, const std::string& name) const {
    for (const Cataloger* c : member_catalogers())
      if (c->matches(base, name)) return true;
    return false;
  }

  void run_catalogers(const Member& m, const std::string& path, const std::map<std::string, const Member*>& by_name) {
    std::string_view base = base_name(m.name);
    for (const Cataloger* c : member_catalogers()) {
      if (!c->matches(base, m.name)) continue;
      CatalogInput in;
      in.path = path;
      in.content = m.data;
      in.include_dev = opt.include_dev;
      std::string dir = dir_of(m.name);
      in.read_sibling = [&by_name, dir](const std::string& rel) -> std::optional<std::string> {
        auto it = by_name.find(join_member(dir, rel));
        if (it == by_name.end()) return std::nullopt;
        return it->second->data;
      };
      CatalogResult r;
      c->catalog(in, r);
      out.results.push_back(std::move(r));
    }
  }

  void nested(const Member& m, const std::string& path, unsigned depth) {
    if (depth + 1 > opt.limits.max_depth) {
      warn(path, "archive nested deeper than " + std::to_string(opt.limits.max_depth) +
                     " levels; not entered (limit max_depth)");
      return;
    }
    ArchivePtr a = new_reader();
    if (la().read_open_memory(a.get(), m.data.data(), m.data.size()) != ARCHIVE_OK) {
      warn(path,
           std::string("not a readable archive: ") + (la().error_string(a.get()) ? la().error_string(a.get()) : "?"));
      return;
    }
    std::vector<CatalogResult> saved_pending;
    saved_pending.swap(pending_embedded_);
    std::optional<Component> id = catalog_level(a.get(), path, depth + 1);
    std::string base(base_name(m.name));
    bool control_tar = base.rfind("control.tar", 0) == 0;
    if (control_tar) {
      // a .deb's control.tar.*: its identity is the .deb's, handed up through deb_identity_
      if (id) deb_identity_ = std::move(id);
      pending_embedded_.swap(saved_pending);
      return;
    }
    if (base.rfind("data.tar", 0) == 0) {  // a .deb's payload: no identity of its own
      pending_embedded_.swap(saved_pending);
      return;
    }
    Component c;
    if (id) {
      c = std::move(*id);
    } else {
      // Unknown identity: a file component named after the member, no version claimed.
      c.type = "file";
      c.purl_type = "generic";
      c.name = base;
      c.occurrences.push_back(path);
    }
    c.hashes.push_back({"SHA-256", sha256_hex(m.data)});
    if (c.occurrences.empty()) c.occurrences.push_back(path);
    c.bom_ref = make_purl(c);
    CatalogResult r;
    r.direct.push_back(c.bom_ref);
    for (auto& pe : pending_embedded_)
      for (auto& e : pe.components) {
        r.edges[c.bom_ref].push_back(e.bom_ref);
        r.components.push_back(std::move(e));
      }
    r.components.insert(r.components.begin(), std::move(c));
    out.results.push_back(std::move(r));
    pending_embedded_.swap(saved_pending);
  }

  std::vector<CatalogResult> pending_embedded_;
  std::optional<Component> deb_identity_;
};

}  // namespace

namespace {

// The walk of one opened archive, and its artifact: the package it is (a jar's own pom.properties,
// a wheel's dist-info, ...) or a plain file; `sha256` is the archive's digest when known.
ArchiveCatalog catalog_opened(archive* a, const std::string& display_path, const ArchiveOptions& options,
                              const std::optional<std::string>& sha256) {
  ArchiveCatalog cat;
  Walk w(options, cat);
  std::optional<Component> id = w.catalog_level(a, display_path, 0);
  if (!id && w.deb_identity_) id = std::move(w.deb_identity_);
  Component artifact;
  if (id) {
    artifact = std::move(*id);
    if (artifact.type == "library" && artifact.purl_type != "maven" && artifact.purl_type != "npm" &&
        artifact.purl_type != "pypi")
      artifact.type = "application";
  } else {
    artifact.type = "file";
    artifact.name = std::string(base_name(display_path));
  }
  artifact.bom_ref.clear();
  if (sha256) artifact.hashes.push_back({"SHA-256", *sha256});
  // Shaded artifacts inside the outer jar hang off the artifact (the root).
  for (auto& pe : w.pending_embedded_) {
    for (auto& c : pe.components) pe.direct.push_back(c.bom_ref);
    cat.results.push_back(std::move(pe));
  }
  cat.artifact = std::move(artifact);
  return cat;
}

Error not_readable(const std::string& display_path, archive* a) {
  return make_error(display_path + ": not an archive hallmark can read (" +
                    (la().error_string(a) ? la().error_string(a) : "unknown error") + ")");
}

}  // namespace

Result<ArchiveCatalog> catalog_archive(const std::filesystem::path& file, const std::string& display_path,
                                       const ArchiveOptions& options) {
  if (auto api = archive_api(); !api) return make_error(display_path + ": " + api.message());
  ArchivePtr a = new_reader();
  if (la().read_open_filename(a.get(), file.c_str(), 65536) != ARCHIVE_OK) return not_readable(display_path, a.get());
  auto digest = digest_file(file, DigestSet{});
  std::optional<std::string> sha256;
  if (digest.ok() && digest->count("sha256")) sha256 = digest->at("sha256");
  ArchiveCatalog cat = catalog_opened(a.get(), display_path, options, sha256);
  if (!digest.ok()) cat.warnings.push_back({display_path, digest.message()});
  return cat;
}

std::optional<CatalogResult> archive_as_dependency(const Component& artifact, const std::string& display_path) {
  if (artifact.purl_type.empty() || artifact.name.empty()) return std::nullopt;
  CatalogResult r;
  Component c = artifact;
  c.occurrences = {display_path};
  c.bom_ref = make_purl(c);
  r.direct.push_back(c.bom_ref);
  r.components.push_back(std::move(c));
  return r;
}

Result<ArchiveCatalog> catalog_archive_bytes(std::string_view bytes, const std::string& display_path,
                                             const ArchiveOptions& options) {
  if (auto api = archive_api(); !api) return make_error(display_path + ": " + api.message());
  ArchivePtr a = new_reader();
  if (la().read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    return not_readable(display_path, a.get());
  return catalog_opened(a.get(), display_path, options, sha256_hex(bytes));
}

}  // namespace hallmark::sbom
