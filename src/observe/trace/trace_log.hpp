// TraceLog: the portable half of the tracer. The Linux stop loop reports what processes did
// (process started/exec'd/exited, file opened/renamed/deleted, socket connected) as plain
// events with absolute paths; TraceLog aggregates them and, after the step, turns them into the
// record's trace section: per-process records, per-file access, connections, and the derived
// materials (read before the step wrote them), products (written, still present) and toolchain
// (executables and shared libraries outside the workspace), each hashed once through the
// DigestCache. It never hashes during tracing: the stop loop must stay cheap.
#pragma once

#include "hallmark/hash/digest_cache.hpp"
#include "hallmark/model/trace_section.hpp"
#include "hallmark/observe/trace.hpp"
#include "hallmark/util/time.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace hallmark {

enum FileOp : unsigned {
  kOpRead = 1,
  kOpWrite = 2,
  kOpCreate = 4,
  kOpDelete = 8,
  kOpRenameFrom = 16,
  kOpRenameTo = 32,
  kOpExec = 64,
};

class TraceLog {
public:
  TraceLog(std::filesystem::path workspace, std::filesystem::path record_dir, ProcessEndListener on_end = {});

  // Files worth hashing while the build runs (executables, and files read from outside the
  // workspace): each is handed to `prefetch` once, on the tracer's thread, so it must not block.
  void set_prefetch(std::function<void(const std::string&)> prefetch) { prefetch_ = std::move(prefetch); }

  // A new process (not a thread): it starts as a copy of its parent's image.
  void process_started(int64_t pid, int64_t ppid, SystemTime t);
  // A successful exec: what /proc shows after PTRACE_EVENT_EXEC. `path` is the name the
  // program was exec'd by (a script or symlink), recorded as a file access.
  void process_exec(int64_t pid, const std::string& exe, const std::string& path, std::vector<std::string> argv,
                    const std::string& cwd, bool setuid, SystemTime t);
  void process_exited(int64_t pid, int exit_code, int signal, SystemTime t);
  // A 32-bit (ia32/x32/arm32) syscall the tracer cannot decode: counted per process.
  void foreign_abi_syscall(int64_t pid);

  // `path` is absolute and lexically normal. Failed opens are counted, other failures listed.
  void file(int64_t pid, const std::string& path, unsigned ops, bool success, bool is_open);
  void connection(Connection c);
  // A DNS answer a traced process received: its addresses map to `name` for the connections of
  // the step (the latest answer wins, as a resolver cache would have it).
  void dns_answer(const std::string& name, const std::vector<std::string>& addresses);
  // The step opened `path` successfully and has not deleted or renamed it away since.
  bool known_present(const std::string& path) const;
  // A read-only open of `path` failed before and nothing the step did since can have created
  // it. Only for system directories (/usr, /lib*, /etc, /opt) outside the workspace, where the
  // include and library search probes of a compiler go: nothing outside the build writes there
  // mid-build, and what the build writes there (create, rename, link) clears the entry.
  bool known_absent(const std::string& path) const;

  // After tracing ended: hashes what must be hashed (in parallel, through `cache`) and builds
  // the section. Paths inside the workspace become workspace-relative.
  TraceSection finish(DigestCache& cache);
  // What traced processes changed in the record dir (hallmark itself, run nested, excepted).
  std::vector<RecordTampering> take_record_tampering() { return std::move(tampering_); }

private:
  struct FileState {
    unsigned ops = 0;
    bool success = false;
    bool material = false;  // first successful access was a read
    bool written = false;   // the step wrote or created it
    bool present = true;    // not deleted/renamed away since
    int64_t pid = 0;
    size_t order = 0;
  };
  struct ProcessState {
    size_t record = 0;  // index into processes_
    bool execed = false;
  };

  bool summarized(const std::string& path);
  void record_dir_changed(int64_t pid, const std::string& path, unsigned ops);
  bool cacheable_absence(const std::string& path) const;
  std::string display_path(const std::string& path) const;

  void ended(size_t record);

  std::string workspace_, record_dir_;
  ProcessEndListener on_end_;
  std::function<void(const std::string&)> prefetch_;
  std::vector<ProcessRecord> processes_;
  std::vector<size_t> parent_of_;                  // parallel to processes_: kNoParent or index
  std::unordered_map<int64_t, size_t> latest_of_;  // pid -> its latest record, dead or alive
  std::unordered_map<int64_t, ProcessState> live_;
  std::unordered_map<std::string, FileState> files_;
  std::unordered_set<std::string> absent_;  // see known_absent()
  std::vector<std::string> exes_;           // every executed binary (as /proc/PID/exe showed it)
  std::vector<Connection> network_;
  std::vector<RecordTampering> tampering_;
  std::string own_exe_;  // hallmark's binary: a nested `hallmark run` writes records legitimately
  std::unordered_map<std::string, std::string> resolved_;  // address -> host name
  TraceSummary summary_;
  uint64_t foreign_abi_ = 0;
};

// "/proc", "/sys" or "/dev" when `path` lies in one of those kernel-made trees (only counted by
// the trace, never materials), else nullptr.
const char* pseudo_fs_root(const std::string& path);

// "/a/./b//../c" -> "/a/c" (lexical: symlinks are not resolved, the path stays as the program
// named it). Relative input is joined to `base` first.
std::string normalize_path(const std::string& base, const std::string& path);

}  // namespace hallmark
