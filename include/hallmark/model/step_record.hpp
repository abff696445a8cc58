// The step record: what `hallmark run` knows about one wrapped build step. Plain data, written
// as JSON (docs/record-format.md) into the record dir and read back by `steps`, `attest`,
// telemetry and `verify`. Every string in it has already been through redaction.
#pragma once

#include "hallmark/util/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

// Algorithm name -> lowercase hex: "sha256", "sha512", "gitoid:sha1", "gitoid:sha256".
using DigestMap = std::map<std::string, std::string>;

enum class FileKind { regular, symlink, dirhash, fifo, socket, char_device, block_device, other };
const char* to_string(FileKind k);
std::optional<FileKind> file_kind_from_string(const std::string& s);

struct FileEntry {
  std::string path;          // relative to the workspace, '/'-separated
  FileKind kind = FileKind::regular;
  uint64_t size = 0;
  DigestMap digests;         // regular files and dirhash entries
  std::string link_target;   // symlinks: the target as stored, never followed
  uint64_t file_count = 0;   // dirhash: how many files the digest covers
};

struct Warning {
  std::string path;
  std::string message;
};

struct Rusage {
  double user_cpu_s = 0;
  double sys_cpu_s = 0;
  int64_t max_rss_kb = 0;
};

struct HostInfo {
  std::string hostname, os, kernel, arch;
  uint32_t uid = 0;
};

struct GitContext {
  std::string root;            // work tree root
  std::string commit;          // HEAD commit id (hex), empty on an unborn branch
  std::string branch;          // empty when detached
  bool detached = false;
  std::vector<std::string> tags;  // tags pointing at HEAD
  std::string remote_url;      // origin (or first remote), credentials stripped
  uint64_t dirty = 0;          // tracked files modified/staged/deleted
  uint64_t untracked = 0;
  bool shallow = false;
  bool worktree = false;       // a linked worktree (git worktree add)
};

struct CiContext {
  std::string platform;        // "github-actions", "gitlab-ci", ..., "generic"
  std::string builder_id;      // URI naming the build platform instance
  std::string run_id, run_attempt, run_url;
  std::string pipeline, job;   // workflow/pipeline name, job name
  std::string trigger, ref, commit, actor, repository_url;
  std::map<std::string, std::string> selected;  // platform variables worth keeping (redacted)
};

struct EnvContext {
  std::map<std::string, std::string> vars;     // values redacted as needed
  std::vector<std::string> redacted;           // names whose value was replaced
};

// Filled by `hallmark run --trace` (src/observe/trace/).
struct ProcessRecord {
  int64_t pid = 0, ppid = 0;
  std::string exe, exe_sha256;
  std::vector<std::string> argv;  // redacted
  std::string cwd;
  std::string started, finished;  // RFC 3339 ms
  int exit_code = -1;             // -1 when killed or unknown
  int signal = 0;
  bool setuid = false;            // the executed file has the setuid/setgid bit
  bool foreign_abi = false;       // made 32-bit (ia32/x32/arm32) syscalls the tracer cannot decode
};

struct FileAccess {
  std::string path;               // absolute, or workspace-relative when inside it
  std::vector<std::string> ops;   // read, write, create, delete, rename_from, rename_to, exec
  bool success = true;
  int64_t pid = 0;
  std::string sha256;             // inputs/products hashed after the step
};

struct Connection {
  std::string family;             // inet, inet6, unix
  std::string address;            // IP literal or unix socket path
  int port = 0;
  bool success = true;
  int64_t pid = 0;
  std::string transport;          // tcp, udp, unix (OpenTelemetry network.transport); "" unknown
  std::string host;               // the name `address` was resolved from (a DNS answer the step
                                  // received before connecting); "" unknown
};

struct TraceSummary {
  uint64_t processes = 0, files_read = 0, files_written = 0, failed_opens = 0;
  uint64_t connections = 0, remote_hosts = 0;  // remote: distinct non-loopback IP addresses
  uint64_t foreign_abi_syscalls = 0;
  std::map<std::string, uint64_t> summarized;  // "/proc" -> count, ...
  std::string read_opens = "ptrace";            // or "fanotify": failed read-only opens uncounted
  uint64_t reads_lost = 0;                      // fanotify events that could not be resolved
};

// A behaviour of the step its baseline (the last N successful runs of the same pipeline and
// step) never had: written by `hallmark run` with a store configured (docs/detection.md).
struct Anomaly {
  std::string kind;            // egress, exec, toolchain, dependency, write_outside, env
  std::string value;           // the new value, normalised as the baseline keeps it
  std::string message;         // one line for people: "connected to 127.0.0.2:8443"
  int64_t baseline_runs = 0;   // how many runs the baseline held
};

// A change to the record dir (.hallmark/ or $HALLMARK_DIR) that hallmark did not make: seen by
// the tracer as it happened ("trace"), or found by comparing the dir with the seal the previous
// step left ("seal"). docs/record-format.md.
struct RecordTampering {
  std::string path;         // absolute
  std::string change;       // write, create, delete, rename, modified, deleted, truncated, rewritten
  int64_t pid = 0;          // trace: the process that did it
  std::string exe;          // trace: its executable
  std::string detected_by;  // trace, seal
};

struct TraceSection {
  std::vector<ProcessRecord> processes;
  std::vector<FileAccess> files;
  std::vector<Connection> network;
  std::vector<FileEntry> toolchain;  // executables and shared libraries outside the workspace
  std::vector<FileEntry> materials;  // read before the step wrote them (toolchain excluded)
  std::vector<FileEntry> products;   // written or created by the step and present at its end
  TraceSummary summary;
};

struct StepRecord {
  static constexpr const char* kSchema = "https://hallmark.dev/record/step/v1";

  std::string name;
  std::string run_id;
  std::vector<std::string> argv;  // redacted
  std::string cwd;
  std::string workspace;          // root that material/product paths are relative to
  std::string started, finished;  // RFC 3339 UTC, ms
  int64_t duration_ms = 0;
  int exit_code = 0;              // as hallmark exits: 128+N when killed by signal N
  int signal = 0;                 // 0 unless killed by a signal
  std::string spawn_error;        // "not found" / "not executable" when the command never ran
  Rusage rusage;
  HostInfo host;
  std::string hallmark_version;

  std::vector<std::string> digest_algorithms;
  std::vector<FileEntry> materials;
  std::vector<FileEntry> products;
  std::vector<std::string> deleted;
  std::vector<Warning> warnings;

  std::optional<GitContext> git;
  std::optional<CiContext> ci;
  EnvContext env;
  std::optional<TraceSection> trace;
  std::vector<Anomaly> anomalies;  // omitted when empty
  std::vector<RecordTampering> record_tampering;  // omitted when empty
};

nlohmann::json to_json(const StepRecord& r);
// The text of a steps/*.json file: the same document as to_json(r), written directly, with each
// file entry on a line of its own. A record of 20,000 materials took 90 ms through the DOM (five
// allocations per entry, then the pretty-printer); this writer takes a few. Invalid UTF-8 in
// any string becomes U+FFFD (a file name is any bytes but '/' and NUL).
std::string to_record_text(const StepRecord& r);
// The same text handed to `sink` in pieces of about 256 KiB, for a writer that never holds it
// whole (3 MB for 20,000 entries: 800 page faults).
void write_record_text(const StepRecord& r, const std::function<void(std::string_view)>& sink);
Result<StepRecord> step_record_from_json(const nlohmann::json& j);

// Shared by every record writer: the same field names everywhere.
nlohmann::json to_json(const FileEntry& e);
Result<FileEntry> file_entry_from_json(const nlohmann::json& j);

} // namespace hallmark
