#include "trace_log.hpp"

#include "hallmark/context/redact.hpp"
#include "hallmark/util/path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <set>

namespace hallmark {

namespace fs = std::filesystem;

std::string normalize_path(const std::string& base, const std::string& path) {
  std::string joined = (!path.empty() && path[0] == '/') ? path : base + "/" + path;
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < joined.size()) {
    size_t j = joined.find('/', i);
    if (j == std::string::npos) j = joined.size();
    std::string_view part(joined.data() + i, j - i);
    if (part.empty() || part == ".") {
    } else if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

namespace {

// The kernel's name for a file: what a toolchain entry is keyed by, so /usr/bin/cc and
// /usr/bin/x86_64-linux-gnu-gcc-12 are one compiler.
std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : p;
}

bool is_shared_library(const std::string& p) {
  const auto slash = p.rfind('/');
  const std::string name = p.substr(slash == std::string::npos ? 0 : slash + 1);
  return (name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0) || name.find(".so.") != std::string::npos;
}

std::string absolute_normal(const fs::path& p) {
  if (p.empty()) return {};
  std::error_code ec;
  const fs::path abs = fs::absolute(p, ec);
  return normalize_path("/", (ec ? p : abs).string());
}

}  // namespace

TraceLog::TraceLog(fs::path workspace, fs::path record_dir, ProcessEndListener on_end)
    : workspace_(absolute_normal(workspace)), record_dir_(absolute_normal(record_dir)), on_end_(std::move(on_end)) {
  std::error_code ec;
  own_exe_ = fs::read_symlink("/proc/self/exe", ec).string();
}

void TraceLog::ended(size_t record) {
  if (on_end_) on_end_(processes_[record], record, parent_of_[record]);
}

std::string TraceLog::display_path(const std::string& path) const {
  if (!workspace_.empty() && workspace_ != "/" && path_under(path, workspace_))
    return path.size() == workspace_.size() ? "." : path.substr(workspace_.size() + 1);
  return path;
}

bool TraceLog::cacheable_absence(const std::string& path) const {
  static const char* const kSystem[] = {"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc", "/opt"};
  if (path_under(path, workspace_) || path_under(path, record_dir_)) return false;
  for (const char* root : kSystem)
    if (path_under(path, root)) return true;
  return false;
}

const char* pseudo_fs_root(const std::string& path) {
  static const char* const kPseudo[] = {"/proc", "/sys", "/dev"};
  for (const char* root : kPseudo)
    if (path_under(path, root)) return root;
  return nullptr;
}

bool TraceLog::summarized(const std::string& path) {
  if (const char* root = pseudo_fs_root(path)) {
    ++summary_.summarized[root];
    return true;
  }
  if (path_under(path, record_dir_)) {
    ++summary_.summarized[display_path(record_dir_)];
    return true;
  }
  return false;
}

void TraceLog::process_started(int64_t pid, int64_t ppid, SystemTime t) {
  ProcessRecord r;
  r.pid = pid;
  r.ppid = ppid;
  r.started = format_rfc3339_ms(t);
  // A forked child runs its parent's program until it execs.
  if (auto it = live_.find(ppid); it != live_.end()) {
    const ProcessRecord& parent = processes_[it->second.record];
    r.exe = parent.exe;
    r.argv = parent.argv;
    r.cwd = parent.cwd;
  }
  auto parent = latest_of_.find(ppid);
  parent_of_.push_back(parent != latest_of_.end() ? parent->second : kNoParent);
  latest_of_[pid] = processes_.size();
  live_[pid] = ProcessState{processes_.size(), false};
  processes_.push_back(std::move(r));
}

void TraceLog::process_exec(int64_t pid, const std::string& exe, const std::string& path, std::vector<std::string> argv,
                            const std::string& cwd, bool setuid, SystemTime t) {
  auto it = live_.find(pid);
  if (it == live_.end()) {
    process_started(pid, 0, t);
    it = live_.find(pid);
  }
  if (it->second.execed) {
    // A second exec in the same process (sh -c 'exec cc ...'): a new record, same pid.
    ProcessRecord next;
    next.pid = pid;
    next.ppid = processes_[it->second.record].ppid;
    size_t old = it->second.record;
    processes_[old].finished = format_rfc3339_ms(t);
    auto parent = latest_of_.find(next.ppid);
    parent_of_.push_back(parent != latest_of_.end() ? parent->second : kNoParent);
    latest_of_[pid] = processes_.size();
    it->second.record = processes_.size();
    processes_.push_back(std::move(next));
    ended(old);
  }
  it->second.execed = true;
  ProcessRecord& r = processes_[it->second.record];
  r.started = format_rfc3339_ms(t);
  r.exe = exe;
  r.argv = redact_argv(argv);
  r.cwd = cwd;
  r.setuid = setuid;
  if (!exe.empty()) {
    exes_.push_back(exe);
    if (prefetch_ && !path_under(exe, workspace_)) prefetch_(exe);
  }
  if (!path.empty()) file(pid, path, kOpExec, true, false);
}

void TraceLog::process_exited(int64_t pid, int exit_code, int signal, SystemTime t) {
  auto it = live_.find(pid);
  if (it == live_.end()) return;
  ProcessRecord& r = processes_[it->second.record];
  r.finished = format_rfc3339_ms(t);
  r.exit_code = exit_code;
  r.signal = signal;
  size_t index = it->second.record;
  live_.erase(it);
  ended(index);
}

void TraceLog::foreign_abi_syscall(int64_t pid) {
  ++foreign_abi_;
  if (auto it = live_.find(pid); it != live_.end()) processes_[it->second.record].foreign_abi = true;
}

void TraceLog::file(int64_t pid, const std::string& path, unsigned ops, bool success, bool is_open) {
  if (success && (ops & (kOpWrite | kOpCreate | kOpDelete | kOpRenameFrom | kOpRenameTo)) &&
      path_under(path, record_dir_))
    record_dir_changed(pid, path, ops);
  if (summarized(path)) return;
  if (is_open && !success) {
    // A compiler probing include directories fails dozens of opens per file: counted only.
    ++summary_.failed_opens;
    if (ops == kOpRead && cacheable_absence(path)) absent_.insert(path);
    return;
  }
  if (success && (ops & (kOpCreate | kOpWrite | kOpRenameTo)) && !absent_.empty()) absent_.erase(path);
  auto [it, fresh] = files_.try_emplace(path);
  FileState& f = it->second;
  if (fresh) {
    f.pid = pid;
    f.order = files_.size();
    // Read from outside the workspace and not written: toolchain or system file, whose digest
    // finish() will want. (Workspace files were hashed by run's walk; products change.)
    if (prefetch_ && success && ops == kOpRead && !path_under(path, workspace_)) prefetch_(path);
  }
  f.ops |= ops;
  f.success |= success;
  if (!success) return;
  if ((ops & (kOpRead | kOpExec)) && !f.written && f.present) f.material = true;
  if (ops & (kOpWrite | kOpCreate | kOpRenameTo)) {
    f.written = true;
    f.present = true;
  }
  if (ops & (kOpDelete | kOpRenameFrom)) f.present = false;
}

bool TraceLog::known_absent(const std::string& path) const { return !absent_.empty() && absent_.count(path) != 0; }

bool TraceLog::known_present(const std::string& path) const {
  auto it = files_.find(path);
  return it != files_.end() && it->second.success && it->second.present;
}

void TraceLog::record_dir_changed(int64_t pid, const std::string& path, unsigned ops) {
  auto it = latest_of_.find(pid);
  const std::string exe = it != latest_of_.end() ? processes_[it->second].exe : std::string();
  if (!exe.empty() && exe == own_exe_) return;
  if (tampering_.size() >= 1000) return;  // a runaway writer: the first thousand say enough
  RecordTampering t;
  t.path = redact_text(path);
  t.change = (ops & kOpDelete)                       ? "delete"
             : (ops & (kOpRenameFrom | kOpRenameTo)) ? "rename"
             : (ops & kOpCreate)                     ? "create"
                                                     : "write";
  t.pid = pid;
  t.exe = exe;
  t.detected_by = "trace";
  tampering_.push_back(std::move(t));
}

void TraceLog::dns_answer(const std::string& name, const std::vector<std::string>& addresses) {
  // A name is data the network chose (a resolver answers what it is asked: a token can travel
  // as a subdomain): redacted as any other recorded text.
  const std::string recorded = redact_text(name);
  for (const auto& a : addresses) resolved_[a] = recorded;
}

void TraceLog::connection(Connection c) {
  // Named at the connect: a later answer for the same address must not rename it.
  if (c.host.empty() && c.family != "unix") {
    auto it = resolved_.find(c.address);
    if (it == resolved_.end() && c.address.rfind("::ffff:", 0) == 0) it = resolved_.find(c.address.substr(7));
    if (it != resolved_.end()) c.host = it->second;
  }
  network_.push_back(std::move(c));
}

namespace {

using Digests = std::vector<Result<DigestMap>>;

// The first `count` paths hashed are the toolchain's.
void add_toolchain(TraceSection& s, const std::vector<fs::path>& to_hash, size_t count, const Digests& digests) {
  for (size_t i = 0; i < count; ++i) {
    FileEntry e;
    e.path = to_hash[i].string();
    struct stat st {};
    if (::stat(e.path.c_str(), &st) == 0) e.size = uint64_t(st.st_size);
    if (digests[i].ok()) e.digests = *digests[i];
    s.toolchain.push_back(std::move(e));
  }
}

// Each process names the digest of its executable, found among the toolchain's.
void add_exe_digests(TraceSection& s) {
  std::unordered_map<std::string, std::string> exe_sha;
  for (const auto& e : s.toolchain)
    if (auto d = e.digests.find("sha256"); d != e.digests.end()) exe_sha[e.path] = d->second;
  for (auto& p : s.processes)
    if (!p.exe.empty())
      if (auto it = exe_sha.find(real_path(p.exe)); it != exe_sha.end()) p.exe_sha256 = it->second;
}

void add_op_names(unsigned ops, std::vector<std::string>& names) {
  static const std::pair<unsigned, const char*> kNames[] = {{kOpRead, "read"},
                                                            {kOpWrite, "write"},
                                                            {kOpCreate, "create"},
                                                            {kOpDelete, "delete"},
                                                            {kOpRenameFrom, "rename_from"},
                                                            {kOpRenameTo, "rename_to"},
                                                            {kOpExec, "exec"}};
  for (const auto& [bit, name] : kNames)
    if (ops & bit) names.push_back(name);
}

// A material or product as the record lists it: a symlink with its target, or a file with its
// size and (when it was hashed) digests, whose sha256 the access `a` shows too.
FileEntry material_or_product(const std::string& path, FileAccess& a, size_t hash_index, const Digests& digests) {
  FileEntry e;
  e.path = a.path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    e.kind = FileKind::symlink;
    std::error_code ec;
    e.link_target = fs::read_symlink(path, ec).string();
  } else {
    e.size = uint64_t(st.st_size);
  }
  if (hash_index != SIZE_MAX && digests[hash_index].ok()) {
    e.digests = *digests[hash_index];
    if (auto d = e.digests.find("sha256"); d != e.digests.end()) a.sha256 = d->second;
  }
  return e;
}

void add_network(TraceSection& s, std::vector<Connection>& network) {
  std::set<std::string> remote;
  for (const auto& c : network) {
    const bool loopback =
        c.address.rfind("127.", 0) == 0 || c.address == "::1" || c.address.rfind("::ffff:127.", 0) == 0;
    if (c.family != "unix" && !loopback) remote.insert(c.address);
  }
  s.summary.connections = network.size();
  s.summary.remote_hosts = remote.size();
  s.network = std::move(network);
}

}  // namespace

TraceSection TraceLog::finish(DigestCache& cache) {
  TraceSection s;
  // Processes still live here were never reported dead (the tracer stopped early).
  s.processes = std::move(processes_);
  s.summary.processes = s.processes.size();
  s.summary.foreign_abi_syscalls = foreign_abi_;

  // Toolchain: every executed binary, every program exec'd by name, every shared library read
  // -- outside the workspace (inside it they are the build's own outputs or sources).
  std::set<std::string> toolchain;
  for (const auto& exe : exes_)
    if (!path_under(exe, workspace_)) toolchain.insert(real_path(exe));
  for (const auto& [path, f] : files_)
    if (f.success && !path_under(path, workspace_) &&
        ((f.ops & kOpExec) || ((f.ops & kOpRead) && is_shared_library(path))))
      toolchain.insert(real_path(path));

  struct Pending {
    const std::string* path;
    const FileState* state;
  };
  std::vector<Pending> listed;
  listed.reserve(files_.size());
  for (const auto& [path, f] : files_) listed.push_back({&path, &f});
  std::sort(listed.begin(), listed.end(), [](const Pending& a, const Pending& b) { return *a.path < *b.path; });

  // One batch for everything that needs a digest; the cache reads each file once.
  std::vector<fs::path> to_hash(toolchain.begin(), toolchain.end());
  const size_t first_file = to_hash.size();
  std::vector<int> role(listed.size(), 0);  // 1 material, 2 product
  std::vector<size_t> hash_index(listed.size(), SIZE_MAX);
  for (size_t i = 0; i < listed.size(); ++i) {
    const FileState& f = *listed[i].state;
    const std::string& path = *listed[i].path;
    struct stat st {};
    if (!f.success || !f.present || ::lstat(path.c_str(), &st) != 0) continue;
    if (f.written) {
      role[i] = 2;
    } else if (f.material && !toolchain.count(real_path(path))) {
      role[i] = 1;
    } else {
      continue;
    }
    if (S_ISREG(st.st_mode)) {
      hash_index[i] = to_hash.size();
      to_hash.push_back(path);
    } else if (!S_ISLNK(st.st_mode)) {
      role[i] = 0;  // directories, devices, FIFOs: accesses, not materials or products
    }
  }
  auto digests = cache.digest_all(to_hash);

  add_toolchain(s, to_hash, first_file, digests);
  add_exe_digests(s);

  for (size_t i = 0; i < listed.size(); ++i) {
    const FileState& f = *listed[i].state;
    const std::string& path = *listed[i].path;
    FileAccess a;
    a.path = display_path(path);
    add_op_names(f.ops, a.ops);
    a.success = f.success;
    a.pid = f.pid;
    if ((f.ops & kOpRead) && f.success && !f.written) ++s.summary.files_read;
    if ((f.ops & (kOpWrite | kOpCreate | kOpRenameTo)) && f.success) ++s.summary.files_written;
    if (role[i] != 0)
      (role[i] == 1 ? s.materials : s.products).push_back(material_or_product(path, a, hash_index[i], digests));
    s.files.push_back(std::move(a));
  }

  add_network(s, network_);
  s.summary.failed_opens = summary_.failed_opens;
  s.summary.summarized = summary_.summarized;
  return s;
}

}  // namespace hallmark
