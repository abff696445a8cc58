#include "hallmark/oci/blob.hpp"

#include "hallmark/oci/reference.hpp"
#include "hallmark/util/hex.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hallmark::oci {

struct DigestChecker::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

DigestChecker::DigestChecker(std::string expected_digest, int64_t expected_size)
    : expected_(std::move(expected_digest)), size_(expected_size), ctx_(std::make_unique<Ctx>()) {
  EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr);
}

DigestChecker::~DigestChecker() = default;

Status DigestChecker::update(std::string_view bytes) {
  seen_ += bytes.size();
  if (size_ >= 0 && seen_ > uint64_t(size_))
    return make_error("blob " + expected_ + " is larger than the " + std::to_string(size_) +
                      " bytes its descriptor declares (a lying manifest or a tampered blob)");
  EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
  return ok_status();
}

Status DigestChecker::finish() {
  if (size_ >= 0 && seen_ != uint64_t(size_))
    return make_error("blob " + expected_ + " has " + std::to_string(seen_) + " bytes, its descriptor declares " +
                      std::to_string(size_) + " (truncated, or a lying manifest)");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx_->md, md, &len);
  std::string got = "sha256:" + to_hex(std::string_view(reinterpret_cast<char*>(md), len));
  if (got != expected_)
    return make_error("digest mismatch: blob " + expected_ + " has content " + got + " (tampered or corrupt)");
  return ok_status();
}

std::string sha256_digest(std::string_view bytes) { return "sha256:" + sha256_hex(bytes); }

Status stream_file(const std::filesystem::path& file, const ByteSink& sink) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("cannot open " + file.string() + ": " + std::strerror(errno));
  std::string buf(size_t(1) << 16, '\0');
  Status st = ok_status();
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) st = make_error("cannot read " + file.string() + ": " + std::strerror(errno));
    if (n <= 0 || !(st = sink(std::string_view(buf.data(), size_t(n)))).ok()) break;
  }
  ::close(fd);
  return st;
}

Result<std::string> sha256_digest_of_file(const std::filesystem::path& file) {
  DigestChecker::Ctx ctx;
  EVP_DigestInit_ex(ctx.md, EVP_sha256(), nullptr);
  HALLMARK_TRY(stream_file(file, [&](std::string_view c) {
    EVP_DigestUpdate(ctx.md, c.data(), c.size());
    return ok_status();
  }));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.md, md, &len);
  return "sha256:" + to_hex(std::string_view(reinterpret_cast<char*>(md), len));
}

Status read_verified_file(const std::filesystem::path& file, const Descriptor& desc, const ByteSink& sink) {
  if (!is_sha256_digest(desc.digest))
    return make_error("descriptor digest \"" + desc.digest +
                      "\" is not sha256:<64 hex> (other algorithms are refused)");
  DigestChecker check(desc.digest, desc.size);
  Status st = stream_file(file, [&](std::string_view c) -> Status {
    HALLMARK_TRY(check.update(c));
    return sink(c);
  });
  if (!st) return st.message().rfind("blob ", 0) == 0 ? st : make_error("blob " + desc.digest + ": " + st.message());
  return check.finish();
}

Result<std::string> verify_bytes(std::string bytes, const Descriptor& desc) {
  if (!is_sha256_digest(desc.digest))
    return make_error("descriptor digest \"" + desc.digest +
                      "\" is not sha256:<64 hex> (other algorithms are refused)");
  DigestChecker check(desc.digest, desc.size);
  HALLMARK_TRY(check.update(bytes));
  HALLMARK_TRY(check.finish());
  return bytes;
}

nlohmann::json Descriptor::to_json() const {
  nlohmann::json j = {{"mediaType", media_type}, {"digest", digest}, {"size", size}};
  if (!artifact_type.empty()) j["artifactType"] = artifact_type;
  if (!annotations.empty()) j["annotations"] = annotations;
  if (!platform.is_null()) j["platform"] = platform;
  return j;
}

Result<Descriptor> Descriptor::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) return make_error(where + ": a descriptor must be a JSON object");
  Descriptor d;
  auto str = [&](const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  d.media_type = str("mediaType");
  d.digest = str("digest");
  d.artifact_type = str("artifactType");
  if (!is_sha256_digest(d.digest))
    return make_error(where + ": digest \"" + d.digest + "\" is not sha256:<64 lowercase hex>");
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer() || size->get<int64_t>() < 0)
    return make_error(where + ": descriptor of " + d.digest + " has no valid size");
  d.size = size->get<int64_t>();
  if (auto a = j.find("annotations"); a != j.end() && a->is_object())
    for (auto& [k, v] : a->items())
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
  if (auto p = j.find("platform"); p != j.end() && p->is_object()) d.platform = *p;
  return d;
}

}  // namespace hallmark::oci
