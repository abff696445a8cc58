#include "hallmark/oci/squash.hpp"

#include "tar_stream.hpp"

namespace hallmark::oci {

std::optional<std::string> clean_layer_path(std::string_view path, bool& was_absolute) {
  was_absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view part =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") return std::nullopt;  // never resolved: a layer has no business climbing
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out.push_back('/');
    out.append(p);
  }
  return out;
}

namespace {

bool starts_with_dir(const std::string& path, const std::string& dir) {
  return dir.empty() || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// Removes `dir`'s descendants that came from layers before `layer`.
void remove_under(std::map<std::string, TreeEntry>& m, const std::string& dir, size_t layer) {
  auto it = dir.empty() ? m.begin() : m.lower_bound(dir + "/");
  while (it != m.end() && starts_with_dir(it->first, dir)) {
    if (it->second.layer < layer) it = m.erase(it);
    else ++it;
  }
}

// Does a relative symlink target, resolved from the link's directory, climb above the root?
bool link_escapes(const std::string& link_path, const std::string& target) {
  if (target.empty() || target.front() == '/') return false;  // absolute: the container's own root
  long depth = 0;
  for (char c : link_path)
    if (c == '/') ++depth;
  size_t start = 0;
  while (start <= target.size()) {
    size_t slash = target.find('/', start);
    std::string_view part =
        std::string_view(target).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return false;
}

class SquashVisitor : public TarVisitor {
public:
  SquashVisitor(SquashedImage& out, Diagnostics& diag, size_t layer, const std::string& layer_name)
      : out_(out), diag_(diag), layer_(layer), name_(layer_name) {}

  Status entry(const TarEntry& e) override {
    ++ordinal_;
    bool absolute = false;
    auto clean = clean_layer_path(e.path, absolute);
    auto warn = [&](std::string why) { diag_.warn(name_, std::move(why)); };
    if (!clean) {
      warn("entry \"" + e.path + "\" climbs out of the root with \"..\"; skipped");
      return ok_status();
    }
    if (absolute) warn("entry \"" + e.path + "\" has an absolute name; read relative to the image root");
    const std::string& p = *clean;
    if (p.empty()) return ok_status();  // the root itself
    if (auto blocked = through_symlink(p)) {
      warn("entry \"" + e.path + "\" goes through symlink " + *blocked + "; skipped");
      return ok_status();
    }
    size_t slash = p.rfind('/');
    std::string dir = slash == std::string::npos ? "" : p.substr(0, slash);
    std::string base = slash == std::string::npos ? p : p.substr(slash + 1);
    if (base == ".wh..wh..opq") {
      remove_under(out_.entries, dir, layer_);
      return ok_status();
    }
    if (base.rfind(".wh.", 0) == 0) {
      std::string victim = (dir.empty() ? "" : dir + "/") + base.substr(4);
      out_.entries.erase(victim);
      remove_under(out_.entries, victim, layer_ + 1);
      return ok_status();
    }
    TreeEntry t{e.type, layer_, ordinal_, e.size, e.mode, e.link};
    if (e.type == '2' && link_escapes(p, e.link))
      warn("symlink \"" + p + "\" -> \"" + e.link + "\" points out of the image root; never followed");
    if (e.type == '1') {
      bool abs2 = false;
      auto target = clean_layer_path(e.link, abs2);
      if (!target || !out_.entries.count(*target)) {
        warn("hard link \"" + p + "\" -> \"" + e.link + "\" names no earlier entry; skipped");
        return ok_status();
      }
      t.link = *target;
    }
    auto it = out_.entries.find(p);
    if (it != out_.entries.end() && it->second.type == '5' && e.type != '5') remove_under(out_.entries, p, layer_ + 1);
    out_.entries[p] = std::move(t);
    return ok_status();
  }
  Status data(std::string_view) override { return ok_status(); }
  Status end_entry() override { return ok_status(); }

private:
  // The first proper ancestor of `p` that is a symlink in the tree so far.
  std::optional<std::string> through_symlink(const std::string& p) const {
    for (size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
      auto it = out_.entries.find(p.substr(0, slash));
      if (it != out_.entries.end() && it->second.type == '2') return it->first;
    }
    return std::nullopt;
  }

  SquashedImage& out_;
  Diagnostics& diag_;
  size_t layer_;
  std::string name_;
  uint64_t ordinal_ = 0;
};

Status stream_layer(ImageSource& source, const Descriptor& layer, size_t index, const SquashLimits& limits,
                    TarVisitor& visitor) {
  std::string what = "layer " + std::to_string(index) + " (" + layer.digest + ")";
  TarParser tar(visitor, limits.max_entries);
  LayerDecoder dec(tar, what, limits.max_layer_bytes, limits.max_ratio);
  Status st = source.fetch_blob(layer, [&](std::string_view chunk) { return dec.feed(chunk); });
  if (!st) return st;
  st = dec.finish();
  if (!st) return make_error(what + ": " + st.message());
  return ok_status();
}

class ReadVisitor : public TarVisitor {
public:
  ReadVisitor(const SquashedImage& tree, size_t layer,
              const std::function<bool(const std::string&, const TreeEntry&)>& want, const FileChunkVisitor& visit)
      : tree_(tree), layer_(layer), want_(want), visit_(visit) {}

  Status entry(const TarEntry& e) override {
    ++ordinal_;
    current_ = nullptr;
    if (e.type != '0') return ok_status();
    bool absolute = false;
    auto clean = clean_layer_path(e.path, absolute);
    if (!clean) return ok_status();
    auto it = tree_.entries.find(*clean);
    if (it == tree_.entries.end() || it->second.layer != layer_ || it->second.ordinal != ordinal_) return ok_status();
    if (!want_(it->first, it->second)) return ok_status();
    current_ = &*it;
    return ok_status();
  }
  Status data(std::string_view bytes) override {
    return current_ ? visit_(current_->first, current_->second, bytes, false) : ok_status();
  }
  Status end_entry() override {
    if (!current_) return ok_status();
    auto c = current_;
    current_ = nullptr;
    return visit_(c->first, c->second, {}, true);
  }

private:
  const SquashedImage& tree_;
  size_t layer_;
  const std::function<bool(const std::string&, const TreeEntry&)>& want_;
  const FileChunkVisitor& visit_;
  uint64_t ordinal_ = 0;
  const std::pair<const std::string, TreeEntry>* current_ = nullptr;
};

}  // namespace

Result<SquashedImage> squash_layers(ImageSource& source, const std::vector<Descriptor>& layers, Diagnostics& diag,
                                    const SquashLimits& limits) {
  SquashedImage out;
  for (size_t i = 0; i < layers.size(); ++i) {
    SquashVisitor v(out, diag, i, "layer " + std::to_string(i) + " (" + layers[i].digest + ")");
    HALLMARK_TRY(stream_layer(source, layers[i], i, limits, v));
  }
  return out;
}

Status read_final_files(ImageSource& source, const std::vector<Descriptor>& layers, const SquashedImage& tree,
                        const std::function<bool(const std::string&, const TreeEntry&)>& want,
                        const FileChunkVisitor& visit, const SquashLimits& limits) {
  std::vector<bool> needed(layers.size(), false);
  for (const auto& [path, e] : tree.entries)
    if (e.type == '0' && e.layer < layers.size() && !needed[e.layer] && want(path, e)) needed[e.layer] = true;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!needed[i]) continue;  // a layer with nothing wanted is not read twice
    ReadVisitor v(tree, i, want, visit);
    HALLMARK_TRY(stream_layer(source, layers[i], i, limits, v));
  }
  return ok_status();
}

}  // namespace hallmark::oci
