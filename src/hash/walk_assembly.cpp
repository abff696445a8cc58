// The Walker's last phase: once the workers are done, this thread assembles the snapshot
// (hard-link aliases, dirhash digests, sorting, warnings); and the merge of a partitioned walk's
// parts.
#include "walker.hpp"

#include "multi_hasher.hpp"

#include <algorithm>
#include <cstring>

namespace hallmark::hash::internal {

void Walker::finish_dirhash(Group& g) {
  Node& dn = *g.node;
  if (g.reused) return;
  std::vector<const Node*> members;
  uint64_t bytes = 0;
  for (const Node* m : g.members) {
    const Node& mn = *m;
    if (mn.out.failed) continue;
    members.push_back(&mn);
    if (mn.entry.kind == FileKind::regular) bytes += mn.entry.size;
  }
  // The manifest: for each member, in byte order of its path relative to the directory,
  // "path\0kind\0value\0" where value is the member's digest in the same algorithm (regular
  // files) or its link target (symlinks) or empty (FIFOs and such).
  size_t prefix = dn.entry.path.size() + 1;
  for (const auto& alg : member_names_) {
    DigestSet one;
    one.sha256 = alg == "sha256";
    one.sha512 = alg == "sha512";
    auto& h = hash::internal::thread_hasher();
    h.begin(one, 0);
    for (const Node* mn : members) {
      std::string_view path = std::string_view(mn->entry.path).substr(prefix);
      const char* kind = to_string(mn->entry.kind);
      std::string value;
      if (mn->entry.kind == FileKind::regular) {
        auto it = mn->entry.digests.find(alg);
        if (it != mn->entry.digests.end()) value = it->second;
      } else if (mn->entry.kind == FileKind::symlink) {
        value = mn->entry.link_target;
      }
      h.update(path.data(), path.size());
      h.update("", 1);
      h.update(kind, std::strlen(kind) + 1);
      h.update(value.data(), value.size() + 1);
    }
    dn.entry.digests[alg] = h.finish()[alg];
  }
  dn.entry.size = bytes;
  dn.entry.file_count = members.size();
}

TreeSnapshot Walker::assemble() {
  for (auto& n : nodes_) {
    // Never handed a result (cannot happen while hash_guarded() holds; a file without
    // digests must not pass as one that has them).
    if (n.queued && !n.out.hashed && !n.out.failed && n.alias_of == nullptr) {
      n.out.failed = true;
      n.out.error = "internal error: not hashed";
    }
    if (n.out.hashed) {
      n.entry.size = n.out.key.size;
      n.key = n.out.key;
      ++snap_.counts.files_hashed;
      snap_.counts.bytes_hashed += n.entry.size;
    }
  }
  for (auto& n : nodes_) {
    if (n.alias_of == nullptr) continue;
    const Node& t = *n.alias_of;
    if (t.out.failed) {
      n.out.failed = true;
      n.out.error = t.out.error;
    } else {
      n.entry.digests = t.entry.digests;
      n.entry.size = t.entry.size;
      n.key = t.key;
    }
  }
  for (auto& n : nodes_)
    if (n.out.failed) warn(n.entry.path, n.out.error);
  for (auto& g : groups_) {
    finish_dirhash(g);
    snap_.dirhash_state[g.node->entry.path] = g.fingerprint;
  }
  // Sorted through pointers: moving whole FileEntry objects around in a sort cost more than
  // the comparisons.
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  for (auto& n : nodes_)
    if (n.group < 0 && !n.out.failed) order.push_back(&n);
  std::sort(order.begin(), order.end(), [](const Node* a, const Node* b) { return a->entry.path < b->entry.path; });
  snap_.entries.reserve(order.size());
  snap_.keys.reserve(order.size());
  for (Node* n : order) {
    // Overlapping roots ("." and "src") meet the same files twice.
    if (!snap_.entries.empty() && snap_.entries.back().path == n->entry.path) continue;
    if (n->entry.kind == FileKind::regular && n->key.ctime_ns < racy_after_ns_) snap_.keys.emplace_back(n->key);
    else snap_.keys.emplace_back();
    snap_.entries.push_back(std::move(n->entry));
  }
  order = {};
  nodes_.clear();
  snap_.unchanged = std::move(unchanged_);
  auto by_path = [](const auto& a, const auto& b) { return a.subject < b.subject; };
  std::stable_sort(snap_.warnings.begin(), snap_.warnings.end(), by_path);
  return std::move(snap_);
}

// Each part's entries are sorted and no path is in two parts (they hold different
// subdirectories), so a merge keeps the order.
TreeSnapshot merge_parts(std::vector<TreeSnapshot>& parts) {
  TreeSnapshot out = std::move(parts[0]);
  for (size_t p = 1; p < parts.size(); ++p) {
    TreeSnapshot& b = parts[p];
    std::vector<FileEntry> entries;
    std::vector<std::optional<StatKey>> keys;
    entries.reserve(out.entries.size() + b.entries.size());
    keys.reserve(entries.capacity());
    size_t i = 0, j = 0;
    while (i < out.entries.size() || j < b.entries.size()) {
      bool take_a = j == b.entries.size() || (i < out.entries.size() && out.entries[i].path < b.entries[j].path);
      if (take_a) {
        entries.push_back(std::move(out.entries[i]));
        keys.push_back(out.keys[i++]);
      } else {
        if (i < out.entries.size() && out.entries[i].path == b.entries[j].path) {  // defensive
          ++j;
          continue;
        }
        entries.push_back(std::move(b.entries[j]));
        keys.push_back(b.keys[j++]);
      }
    }
    out.entries = std::move(entries);
    out.keys = std::move(keys);
    for (size_t k = 0; k < b.unchanged.size() && k < out.unchanged.size(); ++k)
      if (b.unchanged[k]) out.unchanged[k] = true;
    for (auto& w : b.warnings) out.warnings.push_back(std::move(w));
    for (auto& kv : b.dirhash_state) out.dirhash_state.insert(std::move(kv));
    out.counts.dirs_entered += b.counts.dirs_entered;
    out.counts.files_hashed += b.counts.files_hashed;
    out.counts.bytes_hashed += b.counts.bytes_hashed;
    out.counts.digests_reused += b.counts.digests_reused;
  }
  // A problem with the root itself is met by every part.
  auto by_path = [](const Diagnostic& a, const Diagnostic& b) { return a.subject < b.subject; };
  std::stable_sort(out.warnings.begin(), out.warnings.end(), by_path);
  out.warnings.erase(std::unique(out.warnings.begin(), out.warnings.end(),
                                 [](const Diagnostic& a, const Diagnostic& b) {
                                   return a.subject == b.subject && a.message == b.message;
                                 }),
                     out.warnings.end());
  return out;
}

}  // namespace hallmark::hash::internal
