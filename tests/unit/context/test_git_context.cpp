// Git context against real repositories made with the git CLI in a temp dir.
#include "hallmark/context/git_context.hpp"
#include "git_status_scan.hpp"

#include "hmtest.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace hallmark;
namespace fs = std::filesystem;

namespace {

using hmtest::TempDir;

// Runs a shell command with a predictable git identity and no user/system config; returns stdout.
std::string sh(const std::string& cmd) {
  static bool env_set = [] {
    setenv("GIT_AUTHOR_NAME", "t", 1);
    setenv("GIT_AUTHOR_EMAIL", "t@example.com", 1);
    setenv("GIT_COMMITTER_NAME", "t", 1);
    setenv("GIT_COMMITTER_EMAIL", "t@example.com", 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    // A missing file reads as empty; not /dev/null, which a broken test elsewhere may replace.
    setenv("GIT_CONFIG_GLOBAL", "/nonexistent/hallmark-test-gitconfig", 1);
    return true;
  }();
  (void)env_set;
  std::string out;
  FILE* p = popen(("{ set -e; " + cmd + "; } 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = pclose(p);
  INFO("command: " << cmd << "\noutput: " << out);
  REQUIRE(rc == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string q(const fs::path& p) {
  std::string out(1, '\'');  // built by append: GCC 12 warns falsely (-Wrestrict) on "'" + s
  out.append(p.string()).append(1, '\'');
  return out;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

GitContext must_collect(const fs::path& dir) {
  auto r = collect_git_context(dir);
  INFO(dir.string() << ": " << (r.ok() ? "" : r.message()));
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  return **r;
}

// A repository with two commits on main, tags on both, an origin with credentials and a .gitignore.
fs::path make_repo(const fs::path& base) {
  fs::path repo = base / "repo";
  fs::create_directories(repo);
  sh("cd " + q(repo) + " && git init -q -b main");
  write(repo / "a.txt", "a\n");
  write(repo / "src/b.c", "int b;\n");
  write(repo / ".gitignore", "*.o\n");
  sh("cd " + q(repo) + " && git add -A && git commit -qm one && git tag old");
  write(repo / "c.txt", "c\n");
  sh("cd " + q(repo) +
     " && git add -A && git commit -qm two && git tag v1 && git tag -a -m rel v1-annotated"
     " && git -c advice.nestedTag=false tag -a -m outer outer v1-annotated"
     " && git remote add origin https://bot:hunter2@example.com/org/repo.git"
     " && git remote add aaa https://aaa.example.com/x.git");
  return repo;
}

}  // namespace

TEST_SUITE_BEGIN("context");

TEST_CASE("context::git no repository") {
  TempDir t;
  // Outside any repository (temp dirs are not inside one) -> no section and no error.
  auto r = collect_git_context(t.path);
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
  auto missing = collect_git_context(t.path / "does-not-exist");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("context::git branch, tags, remote, clean tree") {
  TempDir t;
  fs::path repo = make_repo(t.path);
  GitContext g = must_collect(repo);
  CHECK(g.root == repo.string());
  CHECK(g.commit == sh("cd " + q(repo) + " && git rev-parse HEAD"));
  CHECK(g.branch == "main");
  CHECK_FALSE(g.detached);
  // Lightweight, annotated and a tag of an annotated tag all point at HEAD; "old" does not.
  CHECK(g.tags == std::vector<std::string>{"outer", "v1", "v1-annotated"});
  CHECK(g.remote_url == "https://example.com/org/repo.git");
  CHECK(g.dirty == 0);
  CHECK(g.untracked == 0);
  CHECK_FALSE(g.shallow);
  CHECK_FALSE(g.worktree);

  // Discovery from a subdirectory finds the same root.
  CHECK(must_collect(repo / "src").root == repo.string());
}

TEST_CASE("context::git dirty and untracked counts") {
  TempDir t;
  fs::path repo = make_repo(t.path);
  write(repo / "a.txt", "changed\n");                                 // modified in the work tree
  write(repo / "staged.txt", "s\n");                                  // added to the index
  sh("cd " + q(repo) + " && git add staged.txt && git rm -q c.txt");  // deleted and staged
  write(repo / "new1.txt", "n\n");                                    // untracked
  write(repo / "newdir/x/1.txt", "1");                                // an untracked directory counts once
  write(repo / "newdir/x/2.txt", "2");
  write(repo / "newdir/3.txt", "3");
  write(repo / "build.o", "ignored");  // ignored: not counted
  GitContext g = must_collect(repo);
  std::string porcelain = sh("cd " + q(repo) + " && git status --porcelain | wc -l");
  CHECK(g.dirty == 3);
  CHECK(g.untracked == 2);
  CHECK(g.dirty + g.untracked == std::stoull(porcelain));
}

TEST_CASE("context::git detached HEAD") {
  TempDir t;
  fs::path repo = make_repo(t.path);
  sh("cd " + q(repo) + " && git checkout -q --detach old");
  GitContext g = must_collect(repo);
  CHECK(g.detached);
  CHECK(g.branch.empty());
  CHECK(g.commit == sh("cd " + q(repo) + " && git rev-parse old"));
  CHECK(g.tags == std::vector<std::string>{"old"});
}

TEST_CASE("context::git first remote when there is no origin") {
  TempDir t;
  fs::path repo = make_repo(t.path);
  sh("cd " + q(repo) + " && git remote remove origin && git remote add zzz https://u:p@z.example.com/r");
  CHECK(must_collect(repo).remote_url == "https://aaa.example.com/x.git");
  sh("cd " + q(repo) + " && git remote remove aaa");
  CHECK(must_collect(repo).remote_url == "https://z.example.com/r");
  sh("cd " + q(repo) + " && git remote remove zzz");
  CHECK(must_collect(repo).remote_url.empty());
}

TEST_CASE("context::git linked worktree") {
  TempDir t;
  fs::path repo = make_repo(t.path);
  fs::path wt = t.path / "wt";
  sh("cd " + q(repo) + " && git worktree add -q -b feature " + q(wt) + " old");
  GitContext g = must_collect(wt);
  CHECK(g.worktree);
  CHECK(g.root == wt.string());
  CHECK(g.branch == "feature");
  CHECK(g.commit == sh("cd " + q(repo) + " && git rev-parse old"));
  CHECK(g.remote_url == "https://example.com/org/repo.git");
  CHECK(g.dirty == 0);
  CHECK_FALSE(must_collect(repo).worktree);
}

TEST_CASE("context::git shallow clone") {
  TempDir t;
  fs::path repo = make_repo(t.path);
  fs::path clone = t.path / "clone";
  sh("git clone -q --depth 1 file://" + repo.string() + " " + q(clone));
  GitContext g = must_collect(clone);
  CHECK(g.shallow);
  CHECK(g.commit == sh("cd " + q(repo) + " && git rev-parse HEAD"));
  CHECK(g.branch == "main");
  CHECK(g.remote_url == "file://" + repo.string());
  CHECK(g.dirty == 0);
  CHECK(g.untracked == 0);
}

TEST_CASE("context::git unborn branch") {
  TempDir t;
  sh("cd " + q(t.path) + " && git init -q -b trunk");
  write(t.path / "f", "x");
  GitContext g = must_collect(t.path);
  CHECK(g.commit.empty());
  CHECK(g.branch == "trunk");
  CHECK(g.tags.empty());
  CHECK(g.untracked == 1);
}

// Needs root to switch users: reported as skipped elsewhere.
TEST_CASE("context::git another user's HOME and unreadable directories" * doctest::skip(geteuid() != 0)) {
  // A build user whose HOME it cannot read (HOME=/root under sudo -u / setpriv) must still get
  // the git section, and an unreadable untracked directory must not fail the status.
  TempDir t;
  fs::path repo = make_repo(t.path);
  fs::path home = t.path / "home";
  fs::create_directories(home);
  write(home / ".gitconfig", "[core]\n");
  fs::create_directories(repo / "private");
  write(repo / "private/f", "x");
  sh("chmod -R a+rX " + q(t.path) + " && chmod 700 " + q(home) + " " + q(repo / "private"));
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setenv("HOME", home.c_str(), 1);
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    auto r = collect_git_context(repo);
    if (!r.ok() || !r->has_value()) _exit(1);
    _exit((*r)->commit.size() == 40 && (*r)->dirty == 0 ? 0 : 2);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("context");

// A large index goes through the threaded stat scan (git_status_scan.cpp) before libgit2's
// status: every kind of change must still count exactly as `git status --porcelain` does.
// Shell: every work-tree file's mtime set 10 s back, older than any index written after it.
constexpr const char* kAgeWorkTree = " && find . -path ./.git -prune -o -exec touch -h -d '10 seconds ago' {} +";

TEST_CASE("context::git large repository status matches git status") {
  TempDir t;
  fs::path repo = t.path / "big";
  fs::create_directories(repo);
  sh("cd " + q(repo) +
     " && git init -q -b main && printf '*.o\\nignored-dir/\\n' >.gitignore"
     " && for d in $(seq 0 59); do mkdir d$d; for f in $(seq 0 99); do echo $d-$f >d$d/f$f.txt; done; done"
     " && mkdir gone && echo g >gone/a && echo g >gone/b && echo r >root.txt");
  // (Not a file replaced by a directory: libgit2 lists the new directory as untracked too,
  // git does not; that is libgit2's status, with or without the scan.)
  sh("cd " + q(repo) +
     " && mkdir -p tofile && echo x >tofile/x && ln -s root.txt link"
     " && git add -A && git commit -qm base");
  // Files older than the index, or racily clean entries are re-checked by content: their
  // mtimes are set back rather than waited for; git status then refreshes the index.
  sh("cd " + q(repo) + kAgeWorkTree + " && git status --porcelain >/dev/null");
  std::string clean = sh("cd " + q(repo) + " && git status --porcelain | wc -l");
  REQUIRE(std::stoull(clean) == 0);
  for (unsigned threads : {1u, 2u}) {
    auto r = collect_git_context(repo, threads);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK((*r)->dirty == 0);
    CHECK((*r)->untracked == 0);
  }
  sh("cd " + q(repo) +
     " && echo changed >>d1/f1.txt"                                      // modified
     " && rm d2/f2.txt"                                                  // deleted
     " && rm -r gone"                                                    // a whole tracked directory deleted
     " && git rm -q d3/f3.txt"                                           // deletion staged
     " && echo new >d4/staged.txt && git add d4/staged.txt"              // addition staged
     " && echo u >d5/untracked.txt"                                      // untracked in a tracked directory
     " && echo u >untracked-root.txt"                                    // untracked at the root
     " && mkdir -p newdir/sub && echo n >newdir/sub/n"                   // untracked directory: one entry
     " && echo o >d6/x.o && mkdir ignored-dir && echo i >ignored-dir/i"  // ignored
     " && chmod +x d7/f7.txt"                                            // mode change
     " && rm -r tofile && echo now-a-file >tofile"                       // directory replaced by a file
     " && ln -sf d1/f1.txt link"                                         // symlink retargeted
     " && echo itd >d8/intent.txt && git add -N d8/intent.txt");         // intent to add
  std::string porcelain = sh("cd " + q(repo) + " && git status --porcelain");
  uint64_t want_untracked = 0, want_dirty = 0;
  for (size_t at = 0; at < porcelain.size();) {
    size_t nl = porcelain.find('\n', at);
    if (porcelain.compare(at, 2, "??") == 0) ++want_untracked;
    else ++want_dirty;
    at = nl == std::string::npos ? porcelain.size() : nl + 1;
  }
  INFO(porcelain);
  for (unsigned threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    auto r = collect_git_context(repo, threads);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK((*r)->dirty == want_dirty);
    CHECK((*r)->untracked == want_untracked);
  }

  // And the counts above did come through the scan, which names only what can have changed.
  git_libgit2_init();
  git_repository* raw = nullptr;
  REQUIRE(git_repository_open(&raw, repo.c_str()) == 0);
  auto candidates = context::internal::status_candidates(raw, 2);
  git_repository_free(raw);
  REQUIRE(candidates.has_value());
  for (const char* p : {"d1/f1.txt", "d2/f2.txt", "d3/f3.txt", "d4/staged.txt", "d5/", "gone/a", "gone/b", "newdir/",
                        "untracked-root.txt", "d7/f7.txt", "link", "tofile", "d8/intent.txt"})
    CHECK_MESSAGE(std::count(candidates->begin(), candidates->end(), p) == 1, p);
  CHECK(candidates->size() < 30);  // not the 6,000 entries
  git_libgit2_shutdown();
}

// The scan skips the HEAD-vs-index diff when the index's cache-tree names HEAD's tree; an index
// whose cache-tree is valid but names another tree (after `git reset --soft`) still has its
// staged changes counted.
TEST_CASE("context::git cache-tree shortcut") {
  TempDir t;
  fs::path repo = t.path / "ct";
  fs::create_directories(repo);
  sh("cd " + q(repo) +
     " && git init -q -b main"
     " && for d in $(seq 0 59); do mkdir d$d; for f in $(seq 0 99); do echo $d-$f >d$d/f$f.txt; done; done"
     " && git add -A && git commit -qm a && echo b >>d1/f1.txt && git add -A && git commit -qm b" +
     kAgeWorkTree + " && git status --porcelain >/dev/null");
  auto candidates = [&] {
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, repo.c_str()) == 0);
    auto c = context::internal::status_candidates(raw, 2);
    git_repository_free(raw);
    return c;
  };
  git_libgit2_init();
  // HEAD's subtree d5 unreadable: only a scan that never reads HEAD's trees can still answer.
  std::string d5 = sh("cd " + q(repo) + " && git rev-parse HEAD:d5");
  d5.erase(d5.find_last_not_of("\n") + 1);
  fs::path loose = repo / ".git" / "objects" / d5.substr(0, 2) / d5.substr(2);
  REQUIRE(fs::exists(loose));
  fs::rename(loose, t.path / "d5-tree");
  auto c = candidates();
  REQUIRE(c.has_value());
  CHECK(c->empty());
  fs::rename(t.path / "d5-tree", loose);

  // Index (valid cache-tree) = commit b, HEAD = commit a: d1/f1.txt is staged.
  sh("cd " + q(repo) + " && git reset -q --soft HEAD~1");
  REQUIRE(sh("cd " + q(repo) + " && git status --porcelain").rfind("M  d1/f1.txt", 0) == 0);
  c = candidates();
  REQUIRE(c.has_value());
  CHECK(std::count(c->begin(), c->end(), "d1/f1.txt") == 1);
  auto r = collect_git_context(repo, 2);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK((*r)->dirty == 1);
  git_libgit2_shutdown();
}

TEST_SUITE_END();
