// What the tracer saw of a step (src/observe/trace/): processes, file accesses, connections,
// the toolchain, and changes to the record dir. Part of the step record.
#pragma once

#include "hallmark/model/file_entry.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hallmark {

// Filled by `hallmark run --trace` (src/observe/trace/).
struct ProcessRecord {
  int64_t pid = 0, ppid = 0;
  std::string exe, exe_sha256;
  std::vector<std::string> argv;  // redacted
  std::string cwd;
  std::string started, finished;  // RFC 3339 ms
  int exit_code = -1;             // -1 when killed or unknown
  int signal = 0;
  bool setuid = false;       // the executed file has the setuid/setgid bit
  bool foreign_abi = false;  // made 32-bit (ia32/x32/arm32) syscalls the tracer cannot decode
};

struct FileAccess {
  std::string path;              // absolute, or workspace-relative when inside it
  std::vector<std::string> ops;  // read, write, create, delete, rename_from, rename_to, exec
  bool success = true;
  int64_t pid = 0;
  std::string sha256;  // inputs/products hashed after the step
};

struct Connection {
  std::string family;   // inet, inet6, unix
  std::string address;  // IP literal or unix socket path
  int port = 0;
  bool success = true;
  int64_t pid = 0;
  std::string transport;  // tcp, udp, unix (OpenTelemetry network.transport); "" unknown
  std::string host;       // the name `address` was resolved from (a DNS answer the step
                          // received before connecting); "" unknown
};

struct TraceSummary {
  uint64_t processes = 0, files_read = 0, files_written = 0, failed_opens = 0;
  uint64_t connections = 0, remote_hosts = 0;  // remote: distinct non-loopback IP addresses
  uint64_t foreign_abi_syscalls = 0;
  std::map<std::string, uint64_t> summarized;  // "/proc" -> count, ...
  std::string read_opens = "ptrace";           // or "fanotify": failed read-only opens uncounted
  uint64_t reads_lost = 0;                     // fanotify events that could not be resolved
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

}  // namespace hallmark
