#include "hallmark/hash/walk.hpp"

#include <algorithm>
#include <unordered_set>

namespace hallmark {

namespace {
bool same_content(const FileEntry& a, const FileEntry& b) {
  return a.kind == b.kind && a.digests == b.digests && a.link_target == b.link_target;
}
}  // namespace

TreeDiff diff_snapshots(const TreeSnapshot& before, const TreeSnapshot& after) {
  // A file that could not be read afterwards is not known to be gone: it is reported through
  // the warning, not listed as deleted.
  std::unordered_set<std::string> unreadable;
  for (const auto& w : after.warnings) unreadable.insert(w.subject);

  TreeDiff diff;
  const auto& b = before.entries;
  const auto& a = after.entries;
  size_t i = 0, j = 0;
  // Both lists are sorted by path: one merge pass.
  while (i < b.size() || j < a.size()) {
    if (j == a.size() || (i < b.size() && b[i].path < a[j].path)) {
      // Not in `after`: gone, or met unchanged by an omit_unchanged walk.
      bool kept = i < after.unchanged.size() && after.unchanged[i];
      if (!kept && !unreadable.count(b[i].path)) diff.deleted.push_back(b[i].path);
      ++i;
    } else if (i == b.size() || a[j].path < b[i].path) {
      diff.products.push_back(a[j]);
      ++j;
    } else {
      if (!same_content(b[i], a[j])) diff.products.push_back(a[j]);
      ++i;
      ++j;
    }
  }
  return diff;
}

}  // namespace hallmark
