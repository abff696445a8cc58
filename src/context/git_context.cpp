// Git context through libgit2. The expensive part is the status (dirty/untracked counts); it is
// kept to what `git status` itself does on a clean tree: one lstat per index entry compared
// against the index's stat cache, a directory walk that reports an untracked directory as one
// entry instead of descending into it, no rename detection and no submodule status (each
// submodule would be opened and statted as a repository of its own). hallmark never writes to
// the repository: the index is not refreshed (GIT_STATUS_OPT_UPDATE_INDEX would take
// .git/index.lock under a running build that may be using git itself).
#include "hallmark/context/git_context.hpp"

#include "hallmark/context/redact.hpp"
#include "git_status_scan.hpp"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hallmark {
namespace {

// libgit2 keeps global state (allocators, TLS, settings); it is initialised once per process
// and never shut down, so concurrent callers and later calls all see it ready.
void init_libgit2_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // CI checkouts are routinely owned by a different uid than the build (containers running
    // as root over a runner's workspace). git refuses those (safe.directory) because it could
    // run commands from their config (core.fsmonitor, hooks); libgit2 runs none, and hallmark
    // only reads, so the ownership check would only hide the git section.
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  });
}

std::string last_error(const char* what, int code) {
  const git_error* e = git_error_last();
  return std::string(what) + ": " + (e && e->message ? e->message : "libgit2 error " + std::to_string(code));
}

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using RefPtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using RemotePtr = std::unique_ptr<git_remote, Deleter<git_remote, git_remote_free>>;

std::string oid_hex(const git_oid* id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, id);
  return buf;
}

std::string strip_trailing_slash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// HEAD: commit id, branch or detached. An unborn branch (fresh `git init`) has a branch name
// and no commit.
Status read_head(git_repository* repo, GitContext& ctx, git_oid& head_id, bool& has_head) {
  has_head = false;
  ctx.detached = git_repository_head_detached(repo) == 1;
  git_reference* raw = nullptr;
  int rc = git_repository_head(&raw, repo);
  RefPtr head(raw);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
    git_reference* sym = nullptr;
    if (git_reference_lookup(&sym, repo, "HEAD") == 0) {
      RefPtr s(sym);
      if (const char* target = git_reference_symbolic_target(sym)) {
        std::string t = target;
        ctx.branch = t.rfind("refs/heads/", 0) == 0 ? t.substr(11) : t;
      }
    }
    return ok_status();
  }
  if (rc != 0) return make_error(last_error("git: cannot read HEAD", rc));
  if (!ctx.detached && git_reference_is_branch(head.get())) ctx.branch = git_reference_shorthand(head.get());
  git_object* obj = nullptr;
  rc = git_reference_peel(&obj, head.get(), GIT_OBJECT_COMMIT);
  ObjectPtr commit(obj);
  if (rc != 0) return make_error(last_error("git: HEAD does not point at a commit", rc));
  head_id = *git_object_id(commit.get());
  ctx.commit = oid_hex(&head_id);
  has_head = true;
  return ok_status();
}

struct TagScan {
  git_repository* repo;
  git_oid head;
  std::vector<std::string>* out;
};

// Tags at HEAD: lightweight tags name the commit directly; annotated tags are peeled (a tag of
// a tag is peeled all the way down).
int on_tag(const char* name, git_oid* oid, void* payload) {
  auto* scan = static_cast<TagScan*>(payload);
  bool match = git_oid_equal(oid, &scan->head) != 0;
  if (!match) {
    git_object* obj = nullptr;
    if (git_object_lookup(&obj, scan->repo, oid, GIT_OBJECT_ANY) == 0) {
      ObjectPtr o(obj);
      if (git_object_type(obj) == GIT_OBJECT_TAG) {
        git_object* peeled = nullptr;
        if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
          ObjectPtr p(peeled);
          match = git_oid_equal(git_object_id(peeled), &scan->head) != 0;
        }
      }
    }
  }
  if (match) {
    std::string n = name;
    scan->out->push_back(n.rfind("refs/tags/", 0) == 0 ? n.substr(10) : n);
  }
  return 0;
}

std::string read_remote_url(git_repository* repo) {
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, repo, "origin") != 0) {
    git_error_clear();
    git_strarray names{};
    if (git_remote_list(&names, repo) != 0 || names.count == 0) {
      git_strarray_dispose(&names);
      git_error_clear();
      return {};
    }
    std::vector<std::string> sorted(names.strings, names.strings + names.count);
    git_strarray_dispose(&names);
    std::sort(sorted.begin(), sorted.end());  // "first" must not depend on config order quirks
    if (git_remote_lookup(&raw, repo, sorted.front().c_str()) != 0) {
      git_error_clear();
      return {};
    }
  }
  RemotePtr remote(raw);
  const char* url = git_remote_url(remote.get());
  return url ? strip_url_credentials(url) : std::string();
}

int on_status(const char*, unsigned int flags, void* payload) {
  auto* ctx = static_cast<GitContext*>(payload);
  constexpr unsigned kDirty = GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED |
                              GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_MODIFIED |
                              GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED |
                              GIT_STATUS_CONFLICTED;
  if (flags & kDirty) ++ctx->dirty;
  else if (flags & (GIT_STATUS_WT_NEW | GIT_STATUS_WT_UNREADABLE)) ++ctx->untracked;
  return 0;
}

// The status of `paths` (literal; all paths when null).
Status status_of(git_repository* repo, const std::vector<std::string>* paths, GitContext& ctx) {
  git_status_options opts;
  git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  // An unreadable directory in the work tree (a build's private cache) is reported as one
  // untracked entry instead of failing the whole status with EACCES.
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_INCLUDE_UNREADABLE;
  std::vector<char*> specs;
  if (paths != nullptr) {
    opts.flags |= GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;  // literal paths: no fnmatch
    for (const auto& p : *paths) specs.push_back(const_cast<char*>(p.c_str()));
    opts.pathspec.strings = specs.data();
    opts.pathspec.count = specs.size();
  }
  int rc = git_status_foreach_ext(repo, &opts, on_status, &ctx);
  if (rc != 0) return make_error(last_error("git: status failed", rc));
  return ok_status();
}

// A large index is first narrowed down to the paths that can be in the status
// (git_status_scan.hpp), on one thread per core; libgit2 then decides on those alone.
Status read_status(git_repository* repo, GitContext& ctx, unsigned threads) {
  if (threads == 0) threads = std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
  if (auto candidates = context::internal::status_candidates(repo, threads)) {
    if (candidates->empty()) return ok_status();
    return status_of(repo, &*candidates, ctx);
  }
  return status_of(repo, nullptr, ctx);
}

}  // namespace

namespace {
// Whether libgit2's discovery could find a repository from `dir`: a `.git` in it or an ancestor,
// or `dir` or an ancestor being a git directory itself (bare). Checked first because
// initialising libgit2 costs ~9 ms (its TLS backend parses the system CA bundle), which a step
// outside any repository should not pay.
bool may_be_in_repository(const std::filesystem::path& dir) {
  std::error_code ec;
  for (std::filesystem::path p = std::filesystem::absolute(dir, ec);; p = p.parent_path()) {
    struct stat st {};
    if (::lstat((p / ".git").c_str(), &st) == 0) return true;
    if (::lstat((p / "HEAD").c_str(), &st) == 0 && ::lstat((p / "objects").c_str(), &st) == 0) return true;
    if (p == p.parent_path() || p.empty()) return ec.value() != 0;  // unsure: let libgit2 look
  }
}
}  // namespace

Result<std::optional<GitContext>> collect_git_context(const std::filesystem::path& dir, unsigned threads) {
  if (!may_be_in_repository(dir)) return std::optional<GitContext>();
  init_libgit2_once();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, dir.c_str(), 0, nullptr);
  if (rc != 0 && rc != GIT_ENOTFOUND) {
    // libgit2 fails the open when it cannot stat ~/.gitconfig (a build user whose HOME is
    // another user's, e.g. HOME=/root under `setpriv`/`sudo -u`); git just skips that file.
    // Retry once without the global and XDG config levels; they only add ignore rules.
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, "");
    git_error_clear();
    rc = git_repository_open_ext(&raw, dir.c_str(), 0, nullptr);
  }
  RepoPtr repo(raw);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::optional<GitContext>();
  }
  if (rc != 0) return make_error(last_error(("git: cannot open repository at " + dir.string()).c_str(), rc));

  GitContext ctx;
  const char* workdir = git_repository_workdir(repo.get());
  ctx.root = strip_trailing_slash(workdir ? workdir : git_repository_path(repo.get()));
  ctx.shallow = git_repository_is_shallow(repo.get()) == 1;
  ctx.worktree = git_repository_is_worktree(repo.get()) == 1;

  git_oid head{};
  bool has_head = false;
  HALLMARK_TRY(read_head(repo.get(), ctx, head, has_head));
  if (has_head) {
    TagScan scan{repo.get(), head, &ctx.tags};
    rc = git_tag_foreach(repo.get(), on_tag, &scan);
    if (rc != 0 && rc != GIT_ENOTFOUND) return make_error(last_error("git: cannot list tags", rc));
    std::sort(ctx.tags.begin(), ctx.tags.end());
  }
  ctx.remote_url = read_remote_url(repo.get());
  if (workdir) HALLMARK_TRY(read_status(repo.get(), ctx, threads));
  git_error_clear();
  return std::optional<GitContext>(std::move(ctx));
}

}  // namespace hallmark
