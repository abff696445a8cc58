#include "catalogers/yaml_tree.hpp"

#include "catalogers/catalog_util.hpp"

#include "catalogers/catalog_util.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <deque>
#include <sstream>

namespace hallmark::sbom::internal {

struct YamlDocument::Arena {
  std::deque<YamlNode> nodes;  // a deque never moves its elements
};

YamlDocument::YamlDocument() : arena_(new Arena) {}
YamlDocument::~YamlDocument() { delete arena_; }
YamlDocument::YamlDocument(YamlDocument&& o) noexcept : arena_(o.arena_), root_(o.root_), error_(std::move(o.error_)) {
  o.arena_ = nullptr;
  o.root_ = nullptr;
}
YamlDocument& YamlDocument::operator=(YamlDocument&& o) noexcept {
  if (this != &o) {
    delete arena_;
    arena_ = o.arena_;
    root_ = o.root_;
    error_ = std::move(o.error_);
    o.arena_ = nullptr;
    o.root_ = nullptr;
  }
  return *this;
}
YamlNode* YamlDocument::make() { return &arena_->nodes.emplace_back(); }

const YamlNode* YamlNode::get(std::string_view key) const {
  if (kind != Kind::map) return nullptr;
  for (const YamlEntry& e : entries)
    if (e.key == key) return e.value;
  return nullptr;
}

std::string YamlNode::str(std::string_view key, std::string fallback) const {
  const YamlNode* n = get(key);
  return n && n->kind == Kind::scalar ? n->scalar : fallback;
}

namespace {

class Builder : public YAML::EventHandler {
public:
  explicit Builder(YamlDocument& doc) : doc_(doc) {}
  YamlNode* root = nullptr;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { add(YamlNode::Kind::null, m, {}); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { add(YamlNode::Kind::null, m, {}); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string& v) override {
    add(YamlNode::Kind::scalar, m, v);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    stack_.push_back({add(YamlNode::Kind::sequence, m, {}), true});
  }
  void OnSequenceEnd() override { pop(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    stack_.push_back({add(YamlNode::Kind::map, m, {}), true});
  }
  void OnMapEnd() override { pop(); }

private:
  struct Frame {
    YamlNode* node;
    bool want_key;  // maps alternate key, value
  };
  YamlDocument& doc_;
  std::vector<Frame> stack_;
  std::vector<bool> key_is_complex_;

  void pop() {
    if (!stack_.empty()) stack_.pop_back();
  }

  YamlNode* add(YamlNode::Kind kind, const YAML::Mark& m, const std::string& value) {
    if (stack_.empty()) {
      YamlNode* n = doc_.make();
      n->kind = kind;
      n->scalar = value;
      n->line = static_cast<size_t>(m.line) + 1;
      if (!root) root = n;
      return n;
    }
    Frame& top = stack_.back();
    YamlNode* parent = top.node;
    if (parent->kind == YamlNode::Kind::map && top.want_key) {
      top.want_key = false;
      YamlEntry e;
      e.line = static_cast<size_t>(m.line) + 1;
      if (kind == YamlNode::Kind::scalar) e.key = value;
      parent->entries.push_back(std::move(e));
      if (kind == YamlNode::Kind::scalar || kind == YamlNode::Kind::null) return nullptr;
      // A complex key: build it as a detached node (kept in the arena, never looked up).
      YamlNode* n = doc_.make();
      n->kind = kind;
      n->line = static_cast<size_t>(m.line) + 1;
      return n;
    }
    YamlNode* n = doc_.make();
    n->kind = kind;
    n->scalar = value;
    n->line = static_cast<size_t>(m.line) + 1;
    if (parent->kind == YamlNode::Kind::map) {
      top.want_key = true;
      if (!parent->entries.empty()) parent->entries.back().value = n;
    } else if (parent->kind == YamlNode::Kind::sequence) {
      parent->items.push_back(n);
    }
    return n;
  }
};

}  // namespace

YamlDocument parse_yaml(std::string_view text) {
  YamlDocument doc;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    Builder b(doc);
    parser.HandleNextDocument(b);
    doc.root_ = b.root;
  } catch (const YAML::Exception& e) {
    doc.error_ = "line " + std::to_string(e.mark.line + 1) + ": not valid YAML (" + e.msg + ")";
    doc.root_ = nullptr;
  }
  return doc;
}

const YamlNode* parse_yaml_mapping(const CatalogInput& in, CatalogResult& out, YamlDocument& storage) {
  // The same guard as every other YAML reader: yaml-cpp recurses per nesting level.
  if (internal::yaml_too_deep(in.content)) {
    add_warning(out, in, "nested too deeply to be a lockfile; not read");
    return nullptr;
  }
  storage = parse_yaml(in.content);
  if (!storage.error().empty()) {
    add_warning(out, in, storage.error() + "; skipped");
    return nullptr;
  }
  const YamlNode* doc = storage.root();
  if (!doc || !doc->is_map()) {
    add_warning(out, in, "not a YAML mapping; skipped");
    return nullptr;
  }
  return doc;
}

}  // namespace hallmark::sbom::internal
