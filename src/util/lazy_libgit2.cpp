// libgit2, opened on first use (include/hallmark/util/dynlib.hpp says why): a forwarder of the
// same name and signature for every libgit2 function hallmark calls. A call to one that is not
// listed here fails to link (undefined reference): add its line. When libgit2 cannot be opened,
// each returns libgit2's "failed" value and git_error_last() says why, so the callers' own error
// paths (a warning, no git section) report it.
#include "hallmark/util/dynlib.hpp"
#include "hallmark_config.h"

#include <git2.h>

#include <cstdarg>

namespace {
hallmark::LazyLibrary libgit2(HALLMARK_LIBGIT2_SONAME, HALLMARK_LIBGIT2_PACKAGE);
}  // namespace

extern "C" {

#define FORWARD(name, args) HALLMARK_FORWARD(libgit2, name, args)
void git_buf_dispose(git_buf* buffer) { FORWARD(git_buf_dispose, (buffer)); }
void git_config_free(git_config* cfg) { FORWARD(git_config_free, (cfg)); }
int git_config_get_path(git_buf* out, const git_config* cfg, const char* name) {
  return FORWARD(git_config_get_path, (out, cfg, name));
}
void git_diff_free(git_diff* diff) { FORWARD(git_diff_free, (diff)); }
const git_diff_delta* git_diff_get_delta(const git_diff* diff, size_t idx) {
  return FORWARD(git_diff_get_delta, (diff, idx));
}
int git_diff_index_to_workdir(git_diff** diff, git_repository* repo, git_index* index, const git_diff_options* opts) {
  return FORWARD(git_diff_index_to_workdir, (diff, repo, index, opts));
}
size_t git_diff_num_deltas(const git_diff* diff) { return FORWARD(git_diff_num_deltas, (diff)); }
int git_diff_tree_to_index(git_diff** diff, git_repository* repo, git_tree* old_tree, git_index* index,
                           const git_diff_options* opts) {
  return FORWARD(git_diff_tree_to_index, (diff, repo, old_tree, index, opts));
}
void git_error_clear(void) { FORWARD(git_error_clear, ()); }
int git_ignore_path_is_ignored(int* ignored, git_repository* repo, const char* path) {
  return FORWARD(git_ignore_path_is_ignored, (ignored, repo, path));
}
size_t git_index_entrycount(const git_index* index) { return FORWARD(git_index_entrycount, (index)); }
void git_index_free(git_index* index) { FORWARD(git_index_free, (index)); }
const git_index_entry* git_index_get_byindex(git_index* index, size_t n) {
  return FORWARD(git_index_get_byindex, (index, n));
}
int git_index_has_conflicts(const git_index* index) { return FORWARD(git_index_has_conflicts, (index)); }
int git_index_new(git_index** out) { return FORWARD(git_index_new, (out)); }
const char* git_index_path(const git_index* index) { return FORWARD(git_index_path, (index)); }
int git_libgit2_init(void) { return FORWARD(git_libgit2_init, ()); }
void git_object_free(git_object* object) { FORWARD(git_object_free, (object)); }
const git_oid* git_object_id(const git_object* obj) { return FORWARD(git_object_id, (obj)); }
int git_object_lookup(git_object** object, git_repository* repo, const git_oid* id, git_object_t type) {
  return FORWARD(git_object_lookup, (object, repo, id, type));
}
int git_object_peel(git_object** peeled, const git_object* object, git_object_t target_type) {
  return FORWARD(git_object_peel, (peeled, object, target_type));
}
git_object_t git_object_type(const git_object* obj) { return FORWARD(git_object_type, (obj)); }
int git_oid_equal(const git_oid* a, const git_oid* b) { return FORWARD(git_oid_equal, (a, b)); }
char* git_oid_tostr(char* out, size_t n, const git_oid* id) { return FORWARD(git_oid_tostr, (out, n, id)); }
void git_reference_free(git_reference* ref) { FORWARD(git_reference_free, (ref)); }
int git_reference_is_branch(const git_reference* ref) { return FORWARD(git_reference_is_branch, (ref)); }
int git_reference_lookup(git_reference** out, git_repository* repo, const char* name) {
  return FORWARD(git_reference_lookup, (out, repo, name));
}
int git_reference_peel(git_object** out, const git_reference* ref, git_object_t type) {
  return FORWARD(git_reference_peel, (out, ref, type));
}
const char* git_reference_shorthand(const git_reference* ref) { return FORWARD(git_reference_shorthand, (ref)); }
const char* git_reference_symbolic_target(const git_reference* ref) {
  return FORWARD(git_reference_symbolic_target, (ref));
}
void git_remote_free(git_remote* remote) { FORWARD(git_remote_free, (remote)); }
int git_remote_list(git_strarray* out, git_repository* repo) { return FORWARD(git_remote_list, (out, repo)); }
int git_remote_lookup(git_remote** out, git_repository* repo, const char* name) {
  return FORWARD(git_remote_lookup, (out, repo, name));
}
const char* git_remote_url(const git_remote* remote) { return FORWARD(git_remote_url, (remote)); }
void git_repository_free(git_repository* repo) { FORWARD(git_repository_free, (repo)); }
int git_repository_head(git_reference** out, git_repository* repo) { return FORWARD(git_repository_head, (out, repo)); }
int git_repository_head_detached(git_repository* repo) { return FORWARD(git_repository_head_detached, (repo)); }
int git_repository_index(git_index** out, git_repository* repo) { return FORWARD(git_repository_index, (out, repo)); }
int git_repository_is_shallow(git_repository* repo) { return FORWARD(git_repository_is_shallow, (repo)); }
int git_repository_is_worktree(const git_repository* repo) { return FORWARD(git_repository_is_worktree, (repo)); }
int git_repository_open_ext(git_repository** out, const char* path, unsigned int flags, const char* ceiling_dirs) {
  return FORWARD(git_repository_open_ext, (out, path, flags, ceiling_dirs));
}
const char* git_repository_path(const git_repository* repo) { return FORWARD(git_repository_path, (repo)); }
int git_repository_config_snapshot(git_config** out, git_repository* repo) {
  return FORWARD(git_repository_config_snapshot, (out, repo));
}
const char* git_repository_workdir(const git_repository* repo) { return FORWARD(git_repository_workdir, (repo)); }
int git_revparse_single(git_object** out, git_repository* repo, const char* spec) {
  return FORWARD(git_revparse_single, (out, repo, spec));
}
int git_status_foreach_ext(git_repository* repo, const git_status_options* opts, git_status_cb callback,
                           void* payload) {
  return FORWARD(git_status_foreach_ext, (repo, opts, callback, payload));
}
int git_status_options_init(git_status_options* opts, unsigned int version) {
  return FORWARD(git_status_options_init, (opts, version));
}
void git_strarray_dispose(git_strarray* array) { FORWARD(git_strarray_dispose, (array)); }
int git_tag_foreach(git_repository* repo, git_tag_foreach_cb callback, void* payload) {
  return FORWARD(git_tag_foreach, (repo, callback, payload));
}
#undef FORWARD

const git_error* git_error_last(void) {
  static const auto fn = reinterpret_cast<decltype(&::git_error_last)>(libgit2.symbol("git_error_last"));
  if (fn != nullptr) return fn();
  static const std::string why = libgit2.error();
  static const git_error unavailable{const_cast<char*>(why.c_str()), GIT_ERROR_OS};
  return &unavailable;
}

// Variadic: each option hallmark sets is forwarded with its own arguments. Another option gets
// -1, as libgit2 answers an option it does not know.
int git_libgit2_opts(int option, ...) {
  static const auto fn = reinterpret_cast<decltype(&::git_libgit2_opts)>(libgit2.symbol("git_libgit2_opts"));
  if (fn == nullptr) return -1;
  va_list ap;
  va_start(ap, option);
  int rc = -1;
  if (option == GIT_OPT_SET_OWNER_VALIDATION) {
    rc = fn(option, va_arg(ap, int));
  } else if (option == GIT_OPT_SET_SEARCH_PATH) {
    int level = va_arg(ap, int);
    rc = fn(option, level, va_arg(ap, const char*));
  }
  va_end(ap);
  return rc;
}

}  // extern "C"
