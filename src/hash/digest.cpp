#include "hallmark/hash/digest.hpp"

#include "multi_hasher.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hallmark {

Result<DigestSet> DigestSet::parse(std::string_view csv) {
  DigestSet set;
  size_t pos = 0;
  while (pos <= csv.size()) {
    size_t comma = csv.find(',', pos);
    if (comma == std::string_view::npos) comma = csv.size();
    std::string_view name = csv.substr(pos, comma - pos);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name == "sha256") {
      set.sha256 = true;
    } else if (name == "sha512") {
      set.sha512 = true;
    } else if (name == "gitoid") {
      set.gitoid = true;
    } else if (!name.empty()) {
      return make_error("unknown digest algorithm '" + std::string(name) + "' (known: sha256, sha512, gitoid)");
    }
    pos = comma + 1;
  }
  set.sha256 = true;  // always recorded: every consumer (SLSA, SBOMs, verify) keys on it
  return set;
}

std::vector<std::string> DigestSet::names() const {
  std::vector<std::string> out;
  if (sha256) out.push_back("sha256");
  if (sha512) out.push_back("sha512");
  if (gitoid) {
    out.push_back("gitoid:sha1");
    out.push_back("gitoid:sha256");
  }
  return out;
}

Result<DigestMap> digest_file(const std::filesystem::path& path, const DigestSet& set) {
  // O_NONBLOCK so that a FIFO put where a file was expected cannot block the open; O_NOFOLLOW
  // because a digest must describe the named file, never what a link points at.
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return make_error(path.string() + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(path.string() + ": not a regular file");
  }
  auto r = hash::internal::digest_fd(fd, uint64_t(st.st_size), set, hash::internal::thread_hasher());
  ::close(fd);
  if (!r) return make_error(path.string() + ": " + r.message());
  return r;
}

DigestMap digest_bytes(std::string_view data, const DigestSet& set) {
  auto& h = hash::internal::thread_hasher();
  h.begin(set, data.size());
  h.update(data.data(), data.size());
  return h.finish();
}

}  // namespace hallmark
