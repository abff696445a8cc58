// conan.lock in both shapes. Conan 2 (and the 0.5 format of late 1.x): flat "requires",
// "build_requires", "python_requires" lists of references "name/version[@user/channel][#rrev
// [%timestamp]]" with no graph. Conan 1 (0.4): "graph_lock.nodes" keyed by id, node "0" the
// consumer, each node with "ref" and "requires"/"build_requires" lists of node ids: a real graph.
// Build requirements are tools (cmake, ninja...): dev-only, scope excluded, with --include-dev.
#include "catalogers/catalogers.hpp"
#include "catalogers/catalog_util.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace hallmark::sbom::internal {
namespace {

using nlohmann::json;

// "zlib/1.3.1@user/channel#rrev%ts" (or "zlib/1.3.1:pkgid" in 0.4 prefs) -> component.
bool parse_conan_ref(std::string_view ref, Component& c) {
  std::string_view rest = ref;
  std::string rrev;
  if (size_t colon = rest.find(':'); colon != std::string_view::npos) rest = rest.substr(0, colon);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    std::string_view rv = rest.substr(hash + 1);
    rv = rv.substr(0, rv.find('%'));
    rrev = std::string(rv);
    rest = rest.substr(0, hash);
  }
  std::string_view user_channel;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    user_channel = rest.substr(at + 1);
    rest = rest.substr(0, at);
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return false;
  c.purl_type = "conan";
  c.name = std::string(rest.substr(0, slash));
  c.version = std::string(rest.substr(slash + 1));
  if (!user_channel.empty() && user_channel != "_/_") {
    size_t s = user_channel.find('/');
    c.qualifiers["user"] = std::string(user_channel.substr(0, s));
    if (s != std::string_view::npos) c.qualifiers["channel"] = std::string(user_channel.substr(s + 1));
  }
  if (!rrev.empty()) c.qualifiers["rrev"] = rrev;
  return true;
}

// A node id in requires lists: a string, or (leniently) the JSON text of another value, so a
// numeric 1 still names node "1".
std::string node_id(const json& t) {
  return t.is_string() ? t.get<std::string>() : t.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Every (node id, required node id, through build_requires?) of a graph_lock's nodes.
template <class F>
void for_each_require(const json& nodes, F&& f) {
  for (const auto& [id, node] : nodes.items()) {
    if (!node.is_object()) continue;
    for (const char* k : {"requires", "build_requires"}) {
      auto r = node.find(k);
      if (r == node.end() || !r->is_array()) continue;
      const bool build = std::string_view(k) == "build_requires";
      for (const auto& t : *r) f(id, node_id(t), build);
    }
  }
}

// Conan 1.x graph_lock: nodes by id, "0" the consumer. Fields are read without throwing: a node whose ref is not a
// string is skipped with a warning naming the field, and the other nodes are still catalogued.
void catalog_graph_lock(const json& gl, const CatalogInput& in, ResultBuilder& rb) {
  auto nodes = gl.find("nodes");
  if (nodes == gl.end() || !nodes->is_object()) {
    rb.warn("graph_lock without nodes");
    return;
  }
  // Build requirements reachable only through build_requires are dev-only.
  std::map<std::string, std::string> ref_of;
  std::map<std::string, bool> build_only;
  for_each_require(*nodes, [&](const std::string&, const std::string& tid, bool build) {
    auto [it, fresh] = build_only.emplace(tid, build);
    if (!fresh && !build) it->second = false;
  });
  for (const auto& [id, node] : nodes->items()) {
    if (id == "0") continue;
    std::string where = "graph_lock.nodes." + id;
    if (!node.is_object()) {
      rb.warn(where + ": not an object; skipped");
      continue;
    }
    auto ref = string_field(node, "ref", where, rb);
    if (!ref) continue;
    Component c;
    if (!parse_conan_ref(*ref, c)) {
      rb.warn(where + ": unreadable ref \"" + *ref + "\"");
      continue;
    }
    if (build_only[id]) {
      if (!in.include_dev) continue;
      c.scope = Scope::excluded;
    }
    ref_of[id] = rb.add(std::move(c));
  }
  for_each_require(*nodes, [&](const std::string& id, const std::string& tid, bool) {
    auto to = ref_of.find(tid);
    if (to == ref_of.end()) return;
    if (id == "0") rb.direct(to->second);
    else if (auto from = ref_of.find(id); from != ref_of.end()) rb.edge(from->second, to->second);
  });
}

// Conan 2 flat lists: the lock states no graph and not which are direct.
void catalog_flat_lists(const json& doc, const CatalogInput& in, ResultBuilder& rb) {
  for (const char* k : {"requires", "build_requires", "python_requires"}) {
    auto r = doc.find(k);
    if (r == doc.end() || !r->is_array()) continue;
    bool dev = std::string_view(k) != "requires";
    if (dev && !in.include_dev) continue;
    size_t i = 0;
    for (const auto& item : *r) {
      ++i;
      Component c;
      if (!item.is_string() || !parse_conan_ref(item.get<std::string>(), c)) {
        rb.warn(std::string(k) + "[" + std::to_string(i - 1) + "]: unreadable reference");
        continue;
      }
      if (dev) c.scope = Scope::excluded;
      c.properties["hallmark:conan.list"] = k;
      rb.add(std::move(c));
    }
  }
}

void catalog_conan_lock(const CatalogInput& in, CatalogResult& out) {
  ResultBuilder rb(in, out);
  auto parsed = parse_json_object(in, rb);
  if (!parsed) return;
  const json& doc = *parsed;
  if (auto gl = doc.find("graph_lock"); gl != doc.end() && gl->is_object()) catalog_graph_lock(*gl, in, rb);
  else catalog_flat_lists(doc, in, rb);
}

bool matches_conan_lock(std::string_view filename, std::string_view) { return filename == "conan.lock"; }

}  // namespace

const Cataloger kConanLockCataloger{"conan-lock", matches_conan_lock, catalog_conan_lock};

}  // namespace hallmark::sbom::internal
