#include "hallmark/sbom/image.hpp"

#include "hallmark/sbom/archive.hpp"
#include "hallmark/sbom/bom_builder.hpp"
#include "hallmark/sbom/cataloger.hpp"
#include "hallmark/sbom/purl.hpp"

#include <map>

namespace hallmark::sbom {

namespace {

std::string_view base_name(std::string_view p) {
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

bool any_cataloger(const std::string& path) {
  std::string_view name = base_name(path);
  for (const Cataloger& c : catalogers())
    if (c.matches(name, path)) return true;
  return false;
}

// Jars, wars and wheels in the image (an app's lib/, a site-packages wheel cache): read from
// memory like any archive given to `hallmark sbom`, nested jars included.
bool archive_worth_holding(const std::string& path) {
  std::string_view name = base_name(path);
  return is_archive_name(name) && !any_cataloger(path) &&
         (name.size() > 4 && (name.substr(name.size() - 4) == ".jar" || name.substr(name.size() - 4) == ".war" ||
                              name.substr(name.size() - 4) == ".ear" || name.substr(name.size() - 4) == ".whl"));
}

// Files catalogers read beside the one they match (CatalogInput::read_sibling).
bool sibling_worth_holding(const std::string& path) {
  std::string_view name = base_name(path);
  return path == "etc/os-release" || path == "usr/lib/os-release" || name == "package.json" ||
         name == "pyproject.toml" || name == "go.sum";
}

bool maybe_executable(const oci::TreeEntry& e) { return (e.mode & 0111) != 0 && e.size >= 4096; }

std::string join_relative(const std::string& from_dir, const std::string& rel) {
  std::vector<std::string> parts;
  auto push = [&](const std::string& s) {
    size_t start = 0;
    while (start <= s.size()) {
      size_t slash = s.find('/', start);
      std::string part = s.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
  };
  push(from_dir);
  push(rel);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

// Collects the wanted files' content (bounded) and scans executables for Go build info.
struct Collector {
  Collector(const ImageBomOptions& o, const std::vector<oci::Descriptor>& l) : options(o), layers(l) {}
  const ImageBomOptions& options;
  const std::vector<oci::Descriptor>& layers;
  std::map<std::string, std::string> held;  // path -> content
  std::vector<CatalogResult> results;
  std::vector<Diagnostic> warnings;
  uint64_t held_bytes = 0;
  std::string current;
  bool hold_current = false;
  bool too_big = false;
  GoBuildInfoScanner go;

  std::string display(const std::string& path, const oci::TreeEntry& e) const {
    return layers[e.layer].digest + "!/" + path;
  }

  Status visit(const std::string& path, const oci::TreeEntry& e, std::string_view chunk, bool last) {
    if (path != current) {
      current = path;
      too_big = false;
      hold_current = (any_cataloger(path) || sibling_worth_holding(path) || archive_worth_holding(path));
      if (hold_current && (e.size > options.max_file_bytes || held_bytes + e.size > options.max_held_bytes)) {
        warnings.push_back(Diagnostic{display(path, e), std::to_string(e.size) + " bytes: over the size held for "
                                                                                 "cataloguing; not catalogued"});
        hold_current = false;
      }
      go = GoBuildInfoScanner{};
    }
    if (hold_current) {
      // The tar entry's size was checked above; a stream longer than it is a lie, and stops here.
      if (held[path].size() + chunk.size() > e.size)
        return make_error(display(path, e) + ": longer than its tar header says");
      held[path].append(chunk);
      held_bytes += chunk.size();
    } else if (maybe_executable(e)) {
      go.feed(chunk);
    }
    if (last) {
      if (!hold_current && maybe_executable(e)) {
        CatalogResult r = go.finish(display(path, e));
        if (!r.projects.empty()) {
          r.direct.push_back(r.projects.front().bom_ref);
          results.push_back(std::move(r));
        }
      }
      current.clear();
    }
    return ok_status();
  }
};

void run_on_held(const Collector& col, const oci::SquashedImage& tree, const std::vector<oci::Descriptor>& layers,
                 bool include_dev, std::vector<CatalogResult>& results) {
  for (const auto& [path, content] : col.held) {
    std::string_view name = base_name(path);
    const oci::TreeEntry& e = tree.entries.at(path);
    std::string display = layers[e.layer].digest + "!/" + path;
    if (archive_worth_holding(path)) {
      ArchiveOptions ao;
      ao.include_dev = include_dev;
      auto cat = catalog_archive_bytes(content, display, ao);
      CatalogResult r;
      if (!cat.ok()) {
        r.warnings.push_back(Diagnostic{display, cat.message()});
      } else {
        for (auto& cr : cat->results) results.push_back(std::move(cr));
        r.warnings = std::move(cat->warnings);
        if (auto dep = archive_as_dependency(cat->artifact, display)) results.push_back(std::move(*dep));
      }
      results.push_back(std::move(r));
      continue;
    }
    for (const Cataloger& c : catalogers()) {
      if (!c.matches(name, path)) continue;
      CatalogInput in;
      in.path = display;
      in.content = content;
      in.include_dev = include_dev;
      std::string dir = path.substr(0, path.size() - name.size());
      in.read_sibling = [&col, &tree, dir](const std::string& rel) -> std::optional<std::string> {
        std::string p = join_relative(dir, rel);
        // Symlinks inside the image (etc/os-release -> ../usr/lib/os-release) resolve within it.
        for (int hops = 0; hops < 8; ++hops) {
          auto e = tree.entries.find(p);
          if (e == tree.entries.end() || e->second.type != '2') break;
          const std::string& target = e->second.link;
          std::string parent = p.substr(0, p.size() - base_name(p).size());
          p = target.empty() || target.front() != '/' ? join_relative(parent, target) : join_relative("", target);
        }
        auto it = col.held.find(p);
        if (it == col.held.end()) return std::nullopt;
        return it->second;
      };
      CatalogResult r;
      try {
        c.catalog(in, r);
      } catch (const std::exception& ex) {
        r.warnings.push_back(Diagnostic{display, std::string(c.name) + " failed: " + ex.what()});
      }
      results.push_back(std::move(r));
    }
  }
}

}  // namespace

Component image_component(const oci::ImageRef& ref, const std::string& digest, const oci::ResolvedImage& image) {
  Component root;
  root.type = "container";
  root.purl_type = "oci";
  std::string name = ref.transport == oci::Transport::registry ? ref.repository : ref.path;
  while (!name.empty() && name.back() == '/') name.pop_back();
  root.name = std::string(base_name(name));
  for (char& ch : root.name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  root.version = digest;
  if (ref.transport == oci::Transport::registry)
    root.qualifiers["repository_url"] = ref.registry + "/" + ref.repository;
  if (!ref.tag.empty()) root.qualifiers["tag"] = ref.tag;
  std::string arch = image.config.value("architecture", "");
  if (!arch.empty()) root.qualifiers["arch"] = arch;
  root.hashes.push_back(Hash{"SHA-256", digest.substr(7)});
  root.properties["hallmark:oci.reference"] = ref.to_string();
  root.properties["hallmark:oci.manifest"] = image.manifest.digest;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    char key[40];
    std::snprintf(key, sizeof key, "hallmark:oci.layer.%03zu", i);
    root.properties[key] = image.layers[i].digest;
  }
  root.bom_ref = make_purl(root);
  return root;
}

Result<ImageBom> build_image_bom(const ImageBomOptions& o, Diagnostics& diag) {
  auto ref = oci::parse_image_ref(o.reference);
  if (!ref) return ref.error();
  auto platform = o.platform.empty() ? Result<oci::Platform>(oci::host_platform()) : oci::parse_platform(o.platform);
  if (!platform) return platform.error();
  auto source = oci::open_image_source(*ref, o.source);
  if (!source) return source.error();
  auto image = oci::resolve_image(**source, *platform);
  if (!image) return image.error();
  Diagnostics squashed;
  auto tree = oci::squash_layers(**source, image->layers, squashed, o.limits);
  if (!tree) return tree.error();

  Collector col(o, image->layers);
  auto want = [](const std::string& path, const oci::TreeEntry& e) {
    return any_cataloger(path) || sibling_worth_holding(path) || archive_worth_holding(path) || maybe_executable(e);
  };
  HALLMARK_TRY(oci::read_final_files(
      **source, image->layers, *tree, want,
      [&](const std::string& p, const oci::TreeEntry& e, std::string_view c, bool last) {
        return col.visit(p, e, c, last);
      },
      o.limits));
  std::vector<CatalogResult> results = std::move(col.results);
  run_on_held(col, *tree, image->layers, o.include_dev, results);

  ImageBom out;
  out.digest = image->top_digest;
  out.manifest_digest = image->manifest.digest;
  out.layers = image->layers.size();
  out.files = tree->entries.size();
  out.bom = merge_results(image_component(*ref, image->top_digest, *image), std::move(results), o.include_dev, diag);
  for (const auto& w : squashed.take()) diag.warn(ref->to_string(), to_line(w));
  for (auto& w : col.warnings) diag.report(std::move(w));
  return out;
}

}  // namespace hallmark::sbom
