#include "hallmark/hash/walk.hpp"
#include "ignore_rules.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <functional>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>

using namespace hallmark;
using namespace hmtest;

TEST_SUITE_BEGIN("hash");

namespace {

WalkOptions options_for(const fs::path& dir) {
  WalkOptions o;
  o.roots = {dir};
  o.base = dir;
  return o;
}

const FileEntry* entry(const TreeSnapshot& s, const std::string& path) {
  for (const auto& e : s.entries)
    if (e.path == path) return &e;
  return nullptr;
}

bool has_warning(const TreeSnapshot& s, const std::string& path, const std::string& part) {
  for (const auto& w : s.warnings)
    if (w.subject == path && w.message.find(part) != std::string::npos) return true;
  return false;
}

std::vector<std::string> paths(const std::vector<FileEntry>& es) {
  std::vector<std::string> out;
  for (const auto& e : es) out.push_back(e.path);
  return out;
}

// A walk clock `ahead` of the real one: files just written count as aged past the racy
// window, without sleeping for it.
std::function<int64_t()> clock_ahead(std::chrono::seconds ahead) {
  return [ahead] {
    auto now = std::chrono::system_clock::now() + ahead;
    return int64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
  };
}

// Keeps a test that would hang (a FIFO opened for reading) from hanging the suite: SIGALRM's
// default action kills the process and meson reports the test as failed.
struct Deadline {
  explicit Deadline(unsigned s) { ::alarm(s); }
  ~Deadline() { ::alarm(0); }
};

}  // namespace

TEST_CASE("hash::walk_kinds_links_fifo_loops") {
  Deadline d(60);
  TempDir t;
  write_file(t / "a.txt", "abc");
  write_file(t / "sub/deep/b.bin", random_bytes(5000, 1));
  fs::create_symlink("a.txt", t / "link");
  fs::create_symlink("loop2", t / "loop1");  // loop1 -> loop2 -> loop1
  fs::create_symlink("loop1", t / "loop2");
  fs::create_symlink(".", t / "sub/self");  // a directory loop if it were followed
  fs::create_symlink("/etc", t / "outside");
  REQUIRE(::mkfifo((t / "fifo").c_str(), 0644) == 0);

  auto r = walk_tree(options_for(t.path));
  REQUIRE(r.ok());
  CHECK(paths(r->entries) ==
        std::vector<std::string>{"a.txt", "fifo", "link", "loop1", "loop2", "outside", "sub/deep/b.bin", "sub/self"});
  CHECK(entry(*r, "a.txt")->digests.at("sha256") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(entry(*r, "a.txt")->size == 3);
  CHECK(entry(*r, "fifo")->kind == FileKind::fifo);
  CHECK(entry(*r, "fifo")->digests.empty());
  CHECK(entry(*r, "link")->kind == FileKind::symlink);
  CHECK(entry(*r, "link")->link_target == "a.txt");
  CHECK(entry(*r, "link")->digests.empty());
  CHECK(entry(*r, "loop1")->link_target == "loop2");
  CHECK(entry(*r, "sub/self")->link_target == ".");
  CHECK(entry(*r, "outside")->link_target == "/etc");
  CHECK(r->warnings.empty());
  CHECK(r->counts.files_hashed == 2);
  CHECK(r->counts.dirs_entered == 3);
}

TEST_CASE("hash::walk_records_long_and_dangling_link_targets") {
  TempDir t;
  std::string long_target = std::string(1000, 'x') + "/y";  // longer than any first guess
  fs::create_symlink(long_target, t / "long");
  fs::create_symlink("does/not/exist", t / "dangling");
  auto r = walk_tree(options_for(t.path));
  REQUIRE(r.ok());
  REQUIRE(r->entries.size() == 2);
  CHECK(entry(*r, "long")->link_target == long_target);
  CHECK(entry(*r, "long")->size == long_target.size());
  CHECK(entry(*r, "dangling")->link_target == "does/not/exist");
  CHECK(r->warnings.empty());
}

TEST_CASE("hash::walk_never_opens_devices") {
  Deadline d(60);
  // /dev/zero read would never end and /dev/tty could block: both must only be recorded.
  WalkOptions o;
  o.roots = {"/dev/zero", "/dev/null"};
  o.base = "/dev";
  auto r = walk_tree(o);
  REQUIRE(r.ok());
  REQUIRE(r->entries.size() == 2);
  CHECK(r->entries[0].path == "null");
  CHECK(r->entries[0].kind == FileKind::char_device);
  CHECK(r->entries[1].kind == FileKind::char_device);
  CHECK(r->counts.files_hashed == 0);
}

TEST_CASE("hash::walk_unreadable_file_is_a_warning") {
  TempDir t;
  write_file(t / "ok.txt", "fine");
  write_file(t / "secret/locked.txt", "no");
  write_file(t / "closed/inner.txt", "no");
  ::chmod((t / "secret/locked.txt").c_str(), 0);
  ::chmod((t / "closed").c_str(), 0);
  ::chmod(t.path.c_str(), 0755);
  ::chmod((t / "secret").c_str(), 0755);

  auto check = [&](const TreeSnapshot& s) -> std::string {
    std::string problems;
    if (!entry(s, "ok.txt")) problems += "ok.txt missing; ";
    if (entry(s, "secret/locked.txt")) problems += "locked.txt recorded; ";
    if (!has_warning(s, "secret/locked.txt", "unreadable")) problems += "no locked.txt warning; ";
    if (!has_warning(s, "closed", "cannot enter")) problems += "no closed/ warning; ";
    return problems;
  };

  if (::geteuid() != 0) {
    auto r = walk_tree(options_for(t.path));
    REQUIRE(r.ok());
    CHECK(check(*r) == "");
  } else {
    // root reads through chmod 000 (CAP_DAC_OVERRIDE); run the walk in a child that has dropped
    // to nobody, where permissions apply, and bring its verdict back through a pipe.
    MESSAGE("running as root: the unreadable-file walk runs in a child as uid 65534");
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      std::string verdict = "could not drop privileges";
      if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
        auto r = walk_tree(options_for(t.path));
        verdict = r.ok() ? check(*r) : "walk failed: " + r.message();
      }
      if (::write(fds[1], verdict.data(), verdict.size()) < 0) _exit(3);
      _exit(0);
    }
    ::close(fds[1]);
    std::string verdict;
    char buf[512];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) verdict.append(buf, size_t(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(verdict == "");
  }
}

TEST_CASE("hash::walk_hard_links_hashed_once") {
  TempDir t;
  write_file(t / "one", random_bytes(100000, 3));
  fs::create_hard_link(t / "one", t / "two");
  fs::create_directories(t / "d");
  fs::create_hard_link(t / "one", t / "d/three");
  auto r = walk_tree(options_for(t.path));
  REQUIRE(r.ok());
  REQUIRE(r->entries.size() == 3);
  CHECK(r->counts.files_hashed == 1);
  CHECK(entry(*r, "two")->digests == entry(*r, "one")->digests);
  CHECK(entry(*r, "d/three")->digests == entry(*r, "one")->digests);
  CHECK(entry(*r, "d/three")->size == 100000);
}

TEST_CASE("hash::walk_excludes_and_skips_are_never_entered") {
  TempDir t;
  write_file(t / "src/main.c", "int main;");
  write_file(t / "build/obj/a.o", "o");
  write_file(t / "build/obj/b.o", "o");
  write_file(t / "src/gen.o", "o");
  write_file(t / ".git/HEAD", "ref");
  write_file(t / ".hallmark/run/x.json", "{}");
  WalkOptions o = options_for(t.path);
  o.excludes = {"build", "*.o"};
  o.skip = {t / ".git", t / ".hallmark"};
  auto r = walk_tree(o);
  REQUIRE(r.ok());
  CHECK(paths(r->entries) == std::vector<std::string>{"src/main.c"});
  CHECK(r->counts.dirs_entered == 2);  // the root and src/ only
  CHECK(r->counts.files_hashed == 1);

  // A '**' exclude of a nested directory.
  WalkOptions o2 = options_for(t.path);
  o2.excludes = {"**/obj"};
  auto r2 = walk_tree(o2);
  REQUIRE(r2.ok());
  CHECK(entry(*r2, "build/obj/a.o") == nullptr);
  CHECK(entry(*r2, ".git/HEAD") != nullptr);  // not skipped when not asked to
  CHECK(r2->counts.dirs_entered == 6);        // root, src, build, .git, .hallmark, .hallmark/run
}

TEST_CASE("hash::walk_respects_gitignore") {
  TempDir t;
  REQUIRE(run("git init -q " + quote(t.path) + " && echo ok") == "ok");
  write_file(t / ".gitignore", "build/\n*.log\n!keep.log\n");
  write_file(t / "src/a.c", "a");
  write_file(t / "src/debug.log", "x");
  write_file(t / "keep.log", "k");
  write_file(t / "build/out/bin", "b");
  WalkOptions o = options_for(t.path);
  o.respect_gitignore = true;
  o.skip = {t / ".git"};
  auto r = walk_tree(o);
  REQUIRE(r.ok());
  CHECK(paths(r->entries) == std::vector<std::string>{".gitignore", "keep.log", "src/a.c"});
  CHECK(r->counts.dirs_entered == 2);  // build/ never entered

  // Walking a subdirectory: rules still apply with work-tree-relative paths.
  WalkOptions sub = o;
  sub.roots = {t / "src"};
  auto rs = walk_tree(sub);
  REQUIRE(rs.ok());
  CHECK(paths(rs->entries) == std::vector<std::string>{"src/a.c"});

  // A nested .gitignore, and an ignored directory given as a root: roots are always walked.
  write_file(t / "src/sub/.gitignore", "*.gen\n");
  write_file(t / "src/sub/x.gen", "g");
  write_file(t / "src/sub/x.c", "c");
  auto rn = walk_tree(o);
  REQUIRE(rn.ok());
  CHECK(entry(*rn, "src/sub/x.gen") == nullptr);
  CHECK(entry(*rn, "src/sub/x.c") != nullptr);
  WalkOptions b = o;
  b.roots = {t / "build"};
  auto rb = walk_tree(b);
  REQUIRE(rb.ok());
  CHECK(paths(rb->entries) == std::vector<std::string>{"build/out/bin"});

  // No repository: the option is harmless.
  TempDir plain;
  write_file(plain / "x.log", "x");
  WalkOptions p = options_for(plain.path);
  p.respect_gitignore = true;
  auto rp = walk_tree(p);
  REQUIRE(rp.ok());
  CHECK(rp->entries.size() == 1);
}

// Found by fuzz_ignore: libgit2 1.5 never returns from a diff when an ignore file has a line
// like "\v/" (tests/fuzz/regressions/ignore-vtab-hang). The walk must finish, say which file,
// and record everything (rules not applied) rather than hang or leave out files.
TEST_CASE("hash::walk_survives_an_ignore_file_libgit2_hangs_on") {
  using hallmark::hash::internal::line_libgit2_mishandles;
  REQUIRE(line_libgit2_mishandles("a\nb\n\v/\n"));
  CHECK(line_libgit2_mishandles("a\nb\n\v/\n")->line == 3);
  CHECK_FALSE(line_libgit2_mishandles("*.o\n!keep\n//\n! //\n!//a\n"));
  CHECK(line_libgit2_mishandles("\f")->line == 1);
  CHECK(line_libgit2_mishandles("*\n!//\n")->line == 2);
  CHECK(line_libgit2_mishandles("*\r\n!// \t\r\n")->why.find("crashes") != std::string::npos);

  TempDir t;
  REQUIRE(run("git init -q " + quote(t.path) + " && echo ok") == "ok");
  write_file(t / ".gitignore", "*.log\n");
  write_file(t / "a.log", "x");
  write_file(t / "sub/.gitignore", "\v/\n");
  write_file(t / "sub/b.log", "y");
  WalkOptions o = options_for(t.path);
  o.respect_gitignore = true;
  o.skip = {t / ".git"};
  auto r = walk_tree(o);
  REQUIRE(r.ok());
  CHECK(entry(*r, "a.log") != nullptr);  // all or nothing: the root's rule is not applied either
  CHECK(entry(*r, "sub/b.log") != nullptr);
  REQUIRE(r->warnings.size() == 1);
  CHECK(r->warnings[0].subject == "sub/.gitignore");
  CHECK(r->warnings[0].message.find("line 1 holds a vertical tab") != std::string::npos);

  // In the work tree's own .gitignore, and in info/exclude (read before any item).
  write_file(t / "sub/.gitignore", "*.gen\n");
  write_file(t / ".gitignore", "*.log\n \f\n");
  auto r2 = walk_tree(o);
  REQUIRE(r2.ok());
  REQUIRE(r2->warnings.size() == 1);
  CHECK(r2->warnings[0].subject == ".gitignore");
  CHECK(r2->warnings[0].message.find("line 2") != std::string::npos);
  write_file(t / ".gitignore", "*.log\n");
  write_file(t / ".git/info/exclude", "!\v\n");
  auto r3 = walk_tree(o);
  REQUIRE(r3.ok());
  REQUIRE(r3->warnings.size() == 1);
  CHECK(r3->warnings[0].subject.find("info/exclude") != std::string::npos);
  CHECK(entry(*r3, "a.log") != nullptr);

  // Found by fuzz_ignore as well (tests/fuzz/regressions/ignore-negated-slashes-crash): libgit2
  // dereferences NULL on "!//" after a matching rule. The walk must not crash.
  write_file(t / ".git/info/exclude", "");
  write_file(t / ".gitignore", "*\n!//\n");
  auto rc = walk_tree(o);
  REQUIRE(rc.ok());
  REQUIRE(rc->warnings.size() == 1);
  CHECK(rc->warnings[0].subject == ".gitignore");
  CHECK(rc->warnings[0].message.find("crashes") != std::string::npos);
  CHECK(entry(*rc, "a.log") != nullptr);
  write_file(t / ".gitignore", "*.log\n");

  // Once the file is fixed, the rules apply again and nothing is warned.
  write_file(t / ".git/info/exclude", "");
  auto r4 = walk_tree(o);
  REQUIRE(r4.ok());
  CHECK(r4->warnings.empty());
  CHECK(entry(*r4, "a.log") == nullptr);
  CHECK(entry(*r4, "sub/b.log") == nullptr);
}

TEST_CASE("hash::walk_dirhash_is_deterministic") {
  TempDir t;
  // Same contents created in different orders, in two places.
  write_file(t / "a/node_modules/x/index.js", "x");
  write_file(t / "a/node_modules/y/index.js", "y");
  fs::create_symlink("x/index.js", t / "a/node_modules/main.js");
  write_file(t / "b/node_modules/y/index.js", "y");
  fs::create_symlink("x/index.js", t / "b/node_modules/main.js");
  write_file(t / "b/node_modules/x/index.js", "x");
  write_file(t / "a/app.js", "app");
  WalkOptions o = options_for(t.path);
  o.dirhash = {"**/node_modules"};
  auto r = walk_tree(o);
  REQUIRE(r.ok());
  CHECK(paths(r->entries) == std::vector<std::string>{"a/app.js", "a/node_modules", "b/node_modules"});
  const FileEntry* a = entry(*r, "a/node_modules");
  const FileEntry* b = entry(*r, "b/node_modules");
  CHECK(a->kind == FileKind::dirhash);
  CHECK(a->file_count == 3);
  CHECK(a->size == 2);
  CHECK(a->digests.at("sha256").size() == 64);
  CHECK(a->digests == b->digests);

  // Another walk gives the same digest; changing one member changes it; so does renaming one.
  auto again = walk_tree(o);
  REQUIRE(again.ok());
  CHECK(entry(*again, "a/node_modules")->digests == a->digests);
  write_file(t / "b/node_modules/y/index.js", "Y");
  auto changed = walk_tree(o);
  REQUIRE(changed.ok());
  CHECK(entry(*changed, "b/node_modules")->digests != a->digests);
  write_file(t / "b/node_modules/y/index.js", "y");
  fs::rename(t / "b/node_modules/x", t / "b/node_modules/z");
  auto renamed = walk_tree(o);
  REQUIRE(renamed.ok());
  CHECK(entry(*renamed, "b/node_modules")->digests != a->digests);
}

TEST_CASE("hash::walk_reuses_digests_when_stat_unchanged") {
  TempDir t;
  for (unsigned i = 0; i < 20; ++i) {
    std::string name = "f";  // (not "f" + to_string: GCC 12 warns falsely, -Wrestrict)
    name += std::to_string(i);
    write_file(t / name, random_bytes(1000 + i, i));
  }
  write_file(t / "nm/node_modules/p/a.js", "a");
  // Files changed within 50 ms of a walk are never reused (same-tick rewrites): the walk's
  // clock says they have aged.
  WalkOptions o = options_for(t.path);
  o.dirhash = {"**/node_modules"};
  o.clock_ns = clock_ahead(std::chrono::seconds(1));
  auto first = walk_tree(o);
  REQUIRE(first.ok());
  CHECK(first->counts.files_hashed == 21);
  CHECK(first->counts.digests_reused == 0);

  auto same = walk_tree(o, &*first);
  REQUIRE(same.ok());
  CHECK(same->counts.files_hashed == 0);     // a stat pass only: no open(), no read()
  CHECK(same->counts.digests_reused == 21);  // 20 files + the dirhash entry
  CHECK(same->entries.size() == first->entries.size());
  for (size_t i = 0; i < same->entries.size(); ++i) CHECK(same->entries[i].digests == first->entries[i].digests);

  // Rewrite one file with new content of the same size: only it is read again (the real clock
  // now, under which it was just written).
  std::string before = entry(*same, "f7")->digests.at("sha256");
  write_file(t / "f7", random_bytes(1007, 99));
  o.clock_ns = {};
  auto after = walk_tree(o, &*same);
  REQUIRE(after.ok());
  CHECK(after->reusable_key("f7") == nullptr);  // just written: racy, not offered for reuse
  WalkOptions aged = o;
  aged.clock_ns = clock_ahead(std::chrono::seconds(1));
  auto later = walk_tree(aged, &*after);
  REQUIRE(later.ok());
  CHECK(later->reusable_key("f7") != nullptr);  // once aged, it is
  CHECK(later->reusable_key("f6") != nullptr);
  CHECK(after->counts.files_hashed == 1);
  CHECK(after->counts.digests_reused == 20);
  CHECK(entry(*after, "f7")->digests.at("sha256") != before);
  CHECK(entry(*after, "f7")->digests.at("sha256") == digest_file(t / "f7", DigestSet{})->at("sha256"));

  // Asking for more algorithms than the previous walk had: nothing can be reused.
  WalkOptions more = o;
  more.digests.sha512 = true;
  auto wider = walk_tree(more, &*after);
  REQUIRE(wider.ok());
  CHECK(wider->counts.files_hashed == 21);
  CHECK(entry(*wider, "f3")->digests.count("sha512") == 1);
}

TEST_CASE("hash::walk_never_reuses_racy_files") {
  // Hashed, then rewritten with the same size right away: possibly within one clock tick, so
  // with an identical StatKey. The next walk must read it again rather than trust the stat.
  TempDir t;
  write_file(t / "r.txt", "aaaa");
  WalkOptions o = options_for(t.path);
  for (int round = 0; round < 5; ++round) {
    auto first = walk_tree(o);
    REQUIRE(first.ok());
    std::string content(4, char('b' + round));
    write_file(t / "r.txt", content);
    auto second = walk_tree(o, &*first);
    REQUIRE(second.ok());
    CHECK(second->counts.files_hashed == 1);
    CHECK(entry(*second, "r.txt")->digests.at("sha256") == digest_bytes(content, DigestSet{}).at("sha256"));
  }
}

TEST_CASE("hash::partitioned_second_walk_equals_one_walker") {
  // A second walk splits the root's subdirectories among walkers (threads > 1): whatever the
  // split, the snapshot must be the one a single walker takes.
  Deadline d(60);
  TempDir t;
  write_file(t / "top.txt", "top");
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 5; ++j)
      write_file(t / ("d" + std::to_string(i)) / ("s" + std::to_string(j % 2)) / ("f" + std::to_string(j)),
                 random_bytes(100 + unsigned(j), unsigned(i * 10 + j)));
  write_file(t / "vendor/node_modules/p/index.js", "x");
  write_file(t / "skipme/a", "a");
  fs::create_symlink("top.txt", t / "link");
  WalkOptions o = options_for(t.path);
  o.clock_ns = clock_ahead(std::chrono::seconds(1));  // past the racy window
  o.dirhash = {"**/node_modules"};
  o.excludes = {"skipme"};
  o.threads = 1;
  auto first = walk_tree(o);
  REQUIRE(first.ok());
  auto one = walk_tree(o, &*first);
  REQUIRE(one.ok());
  // Change things between the walks: a file rewritten, one created, one deleted.
  write_file(t / "d3/s1/f1", "new content");
  write_file(t / "d7/new.txt", "created");
  fs::remove(t / "d9/s0/f0");
  for (unsigned threads : {1u, 2u, 3u, 4u}) {
    CAPTURE(threads);
    o.threads = threads;
    auto again = walk_tree(o, &*first);
    REQUIRE(again.ok());
    CHECK(paths(again->entries) == paths(walk_tree(o)->entries));
    CHECK(again->counts.files_hashed == 2);  // only the rewritten and the created file
    CHECK(again->counts.dirs_entered == one->counts.dirs_entered);
    CHECK(again->keys.size() == again->entries.size());
    auto diff = diff_snapshots(*first, *again);
    CHECK(paths(diff.products) == std::vector<std::string>{"d3/s1/f1", "d7/new.txt"});
    CHECK(diff.deleted == std::vector<std::string>{"d9/s0/f0"});
    CHECK(entry(*again, "vendor/node_modules")->kind == FileKind::dirhash);
    CHECK(entry(*again, "skipme/a") == nullptr);
    CHECK(entry(*again, "top.txt") != nullptr);
    CHECK(entry(*again, "link")->link_target == "top.txt");

    // The same walk keeping only what changed: the same diff, and no entry for unchanged files.
    WalkOptions lean = o;
    lean.omit_unchanged = true;
    auto changed = walk_tree(lean, &*first);
    REQUIRE(changed.ok());
    CHECK(changed->counts.digests_reused == again->counts.digests_reused);
    CHECK(entry(*changed, "d0/s0/f0") == nullptr);  // unchanged: only marked
    CHECK(entry(*changed, "d3/s1/f1") != nullptr);
    CHECK(entry(*changed, "link") != nullptr);  // not a regular file: always listed
    REQUIRE(changed->unchanged.size() == first->entries.size());
    CHECK(changed->unchanged[size_t(first->find("d0/s0/f0"))]);
    CHECK_FALSE(changed->unchanged[size_t(first->find("d9/s0/f0"))]);  // deleted
    CHECK_FALSE(changed->unchanged[size_t(first->find("d3/s1/f1"))]);  // rewritten
    auto lean_diff = diff_snapshots(*first, *changed);
    CHECK(paths(lean_diff.products) == paths(diff.products));
    CHECK(lean_diff.deleted == diff.deleted);
  }
}

TEST_CASE("hash::diff_snapshots_created_changed_deleted") {
  TempDir t;
  write_file(t / "same.txt", "same");
  write_file(t / "change.txt", "old");
  write_file(t / "gone.txt", "bye");
  fs::create_symlink("same.txt", t / "link");
  WalkOptions o = options_for(t.path);
  auto before = walk_tree(o);
  REQUIRE(before.ok());
  write_file(t / "change.txt", "new");
  fs::remove(t / "gone.txt");
  write_file(t / "out/new.bin", "created");
  fs::remove(t / "link");
  fs::create_symlink("change.txt", t / "link");  // retargeted
  auto after = walk_tree(o, &*before);
  REQUIRE(after.ok());
  auto d = diff_snapshots(*before, *after);
  CHECK(paths(d.products) == std::vector<std::string>{"change.txt", "link", "out/new.bin"});
  CHECK(d.deleted == std::vector<std::string>{"gone.txt"});
  auto none = diff_snapshots(*after, *after);
  CHECK(none.products.empty());
  CHECK(none.deleted.empty());
}

TEST_CASE("hash::walk_large_files_and_threads_agree") {
  TempDir t;
  // Above the 4 MiB "own task" threshold, and many small files in batches.
  write_file(t / "large1", random_bytes(5 << 20, 11));
  write_file(t / "large2", random_bytes((6 << 20) + 3, 12));
  for (int i = 0; i < 600; ++i) write_file(t / ("s/" + std::to_string(i)), random_bytes(size_t(i * 7), i));
  WalkOptions o = options_for(t.path);
  o.digests.gitoid = true;
  o.threads = 1;
  auto one = walk_tree(o);
  o.threads = 4;
  auto four = walk_tree(o);
  REQUIRE(one.ok());
  REQUIRE(four.ok());
  REQUIRE(one->entries.size() == 602);
  CHECK(one->counts.files_hashed == 602);
  for (size_t i = 0; i < one->entries.size(); ++i) CHECK(one->entries[i].digests == four->entries[i].digests);
  CHECK(entry(*one, "large2")->digests.at("sha256") == run("sha256sum " + quote(t / "large2") + " | cut -d' ' -f1"));
  CHECK(entry(*one, "large1")->digests.at("gitoid:sha1") == run("git hash-object " + quote(t / "large1")));
}

TEST_CASE("hash::walk_roots_files_missing_and_overlapping") {
  TempDir t;
  write_file(t / "src/a.c", "a");
  write_file(t / "README", "r");
  WalkOptions o;
  o.base = t.path;
  o.roots = {t / "src", t.path, t / "README", t / "missing"};
  auto r = walk_tree(o);
  REQUIRE(r.ok());
  CHECK(paths(r->entries) == std::vector<std::string>{"README", "src/a.c"});
  CHECK(has_warning(*r, "missing", "does not exist"));
}

TEST_CASE("hash::walk_worker_exception_becomes_a_warning") {
  // A worker that throws (std::bad_alloc in life; the hook here) must not leave its batch with
  // empty digests: the file that threw is a warning naming it, the rest of the batch is hashed.
  TempDir t;
  for (int i = 0; i < 40; ++i) write_file(t / ("f" + std::to_string(i)), std::to_string(i));
  WalkOptions o = options_for(t.path);
  o.threads = 2;
  o.on_hash = [](const std::string& rel) {
    if (rel == "f13") throw std::runtime_error("injected");
  };
  auto snap = walk_tree(o);
  REQUIRE(snap.ok());
  CHECK(entry(*snap, "f13") == nullptr);
  CHECK(has_warning(*snap, "f13", "internal error while hashing: injected"));
  CHECK(snap->entries.size() == 39);
  for (const auto& e : snap->entries) {
    CAPTURE(e.path);
    CHECK(e.digests.count("sha256") == 1);
  }
}

TEST_SUITE_END();
