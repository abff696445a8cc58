#include "hallmark/hash/digest_cache.hpp"

#include "hallmark/util/atomic_file.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <charconv>
#include <string_view>
#include <thread>

namespace hallmark {

StatKey stat_key_of(const struct stat& st) {  // declared in walk.hpp
  StatKey k;
  k.dev = uint64_t(st.st_dev);
  k.ino = uint64_t(st.st_ino);
  k.size = uint64_t(st.st_size);
  k.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  k.ctime_ns = int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return k;
}

Result<DigestMap> DigestCache::digest(const std::filesystem::path& path) {
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) return make_error(path.string() + ": " + std::strerror(errno));
  if (!S_ISREG(before.st_mode)) return make_error(path.string() + ": not a regular file");
  const StatKey key = stat_key_of(before);
  if (auto hit = lookup(path.string(), key)) return *hit;
  auto d = digest_file(path, set_);
  if (!d) return d;
  // Publish only if the file did not change while it was read: a digest must describe the
  // content its key names.
  struct stat after {};
  if (::stat(path.c_str(), &after) == 0 && stat_key_of(after) == key) insert(path.string(), key, *d);
  return d;
}

std::vector<Result<DigestMap>> DigestCache::digest_all(const std::vector<std::filesystem::path>& paths,
                                                       unsigned threads) {
  std::vector<std::optional<Result<DigestMap>>> slots(paths.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<size_t>(threads, std::max<size_t>(1, paths.size())));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < paths.size();) slots[i] = digest(paths[i]);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  std::vector<Result<DigestMap>> out;
  out.reserve(paths.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

std::optional<DigestMap> DigestCache::lookup(const std::string& path, const StatKey& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(path);
  if (it == entries_.end() || !(it->second.key == key)) return std::nullopt;
  return it->second.digests;
}

void DigestCache::insert(const std::string& path, const StatKey& key, DigestMap digests) {
  std::lock_guard lock(mu_);
  entries_[path] = Entry{key, std::move(digests)};
}

namespace {

// One line per file: "v1 dev ino size mtime_ns ctime_ns algo=hex[,algo=hex...] path". The path
// is last so that it may hold spaces; paths with a newline are not cached.
constexpr std::string_view kCacheMagic = "v1";

bool parse_field(std::string_view& rest, std::string_view& out) {
  size_t sp = rest.find(' ');
  if (sp == std::string_view::npos || sp == 0) return false;
  out = rest.substr(0, sp);
  rest.remove_prefix(sp + 1);
  return true;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

bool is_hex(std::string_view s) {
  return !s.empty() && s.size() <= 128 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool parse_cache_line(std::string_view line, std::string& path, StatKey& key, DigestMap& digests) {
  std::string_view magic, dev, ino, size, mtime, ctime, algos;
  if (!parse_field(line, magic) || magic != kCacheMagic || !parse_field(line, dev) || !parse_field(line, ino) ||
      !parse_field(line, size) || !parse_field(line, mtime) || !parse_field(line, ctime) || !parse_field(line, algos) ||
      line.empty() || line[0] != '/')
    return false;
  if (!parse_number(dev, key.dev) || !parse_number(ino, key.ino) || !parse_number(size, key.size) ||
      !parse_number(mtime, key.mtime_ns) || !parse_number(ctime, key.ctime_ns))
    return false;
  digests.clear();
  while (!algos.empty()) {
    size_t comma = algos.find(',');
    std::string_view item = algos.substr(0, comma);
    algos.remove_prefix(comma == std::string_view::npos ? algos.size() : comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || !is_hex(item.substr(eq + 1))) return false;
    digests.emplace(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
  }
  path.assign(line);
  return true;
}

void append_cache_line(std::string& out, const std::string& path, const StatKey& k, const DigestMap& d) {
  out += kCacheMagic;
  for (uint64_t v : {k.dev, k.ino, k.size}) out += ' ' + std::to_string(v);
  for (int64_t v : {k.mtime_ns, k.ctime_ns}) out += ' ' + std::to_string(v);
  out += ' ';
  bool first = true;
  for (const auto& [algo, hex] : d) {
    if (!first) out += ',';
    out += algo + '=' + hex;
    first = false;
  }
  out += ' ' + path + '\n';
}

}  // namespace

size_t DigestCache::load(const std::filesystem::path& file) {
  auto text = read_file(file, size_t(64) << 20);
  if (!text.ok()) return 0;
  const std::vector<std::string> wanted = set_.names();
  std::string_view rest = *text;
  size_t lines = 0, loaded = 0;
  std::string path;
  StatKey key;
  DigestMap digests;
  std::lock_guard lock(mu_);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) break;  // a torn last line
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    ++lines;
    if (!parse_cache_line(line, path, key, digests)) continue;
    persisted_[path] = key;
    // Only entries that carry every digest this step records; later lines win.
    if (!std::all_of(wanted.begin(), wanted.end(), [&](const std::string& n) { return digests.count(n) != 0; }))
      continue;
    auto& e = entries_[path];
    e.key = key;
    e.digests.clear();
    for (const auto& n : wanted) e.digests.emplace(n, digests[n]);
    ++loaded;
  }
  if (lines > 256 && persisted_.size() * 2 < lines) {
    // Mostly superseded lines: keep the newest of each path. Losing a concurrent step's append
    // to this rewrite costs that step's successor a re-hash, nothing more.
    std::string out;
    for (const auto& [p, k] : persisted_)
      if (auto it = entries_.find(p); it != entries_.end() && it->second.key == k)
        append_cache_line(out, p, k, it->second.digests);
    (void)write_file_atomic(file, out);
  }
  return loaded;
}

Status DigestCache::save(const std::filesystem::path& file, const std::function<bool(const std::string&)>& keep) {
  std::string out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [path, e] : entries_) {
      if (path.empty() || path[0] != '/' || path.find('\n') != std::string::npos || !keep(path)) continue;
      if (auto it = persisted_.find(path); it != persisted_.end() && it->second == e.key) continue;
      append_cache_line(out, path, e.key, e.digests);
      persisted_[path] = e.key;
    }
  }
  if (out.empty()) return ok_status();
  out.pop_back();  // append_line_locked adds the last newline
  return append_line_locked(file, out);
}

size_t DigestCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace hallmark
