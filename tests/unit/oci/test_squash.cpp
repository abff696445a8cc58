// Squashing and hostile layers, on tars built here byte by byte (ustar headers) and gzip'd with zlib.
#include "hallmark/oci/squash.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <cstring>
#include <map>

using namespace hallmark;
using namespace hallmark::oci;

namespace {

struct TarBuilder {
  std::string out;
  void add(const std::string& name, char type, const std::string& content = "", const std::string& link = "",
           unsigned mode = 0644, std::string size_field = "") {
    char h[512] = {};
    std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
    std::snprintf(h + 100, 8, "%07o", mode);
    std::snprintf(h + 108, 8, "%07o", 0);
    std::snprintf(h + 116, 8, "%07o", 0);
    if (size_field.empty()) std::snprintf(h + 124, 12, "%011zo", content.size());
    else std::memcpy(h + 124, size_field.data(), std::min<size_t>(size_field.size(), 12));
    std::snprintf(h + 136, 12, "%011o", 0);
    h[156] = type;
    std::memcpy(h + 157, link.data(), std::min<size_t>(link.size(), 100));
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    out.append(h, 512);
    out += content;
    out.append((512 - content.size() % 512) % 512, '\0');
  }
  std::string finish() { return out + std::string(1024, '\0'); }
};

std::string gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = uInt(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class MemorySource : public ImageSource {
public:
  std::map<std::string, std::string> blobs;
  Descriptor add(std::string bytes, int64_t declared = -2) {
    Descriptor d{"application/vnd.oci.image.layer.v1.tar+gzip",
                 sha256_digest(bytes),
                 declared == -2 ? int64_t(bytes.size()) : declared,
                 "",
                 {},
                 nullptr};
    blobs[d.digest] = std::move(bytes);
    return d;
  }
  Result<Manifest> top_manifest() override { return make_error("none"); }
  Result<std::string> fetch_small(const Descriptor& d) override { return verify_bytes(blobs.at(d.digest), d); }
  Status fetch_blob(const Descriptor& d, const ByteSink& sink) override {
    auto it = blobs.find(d.digest);
    if (it == blobs.end()) return make_error("no blob " + d.digest);
    DigestChecker check(d.digest, d.size);
    std::string_view all = it->second;
    for (size_t i = 0; i < all.size(); i += 1000) {  // small pieces: headers split across feeds
      auto piece = all.substr(i, 1000);
      HALLMARK_TRY(check.update(piece));
      HALLMARK_TRY(sink(piece));
    }
    return check.finish();
  }
};

bool has_warning(const Diagnostics& d, const std::string& text) {
  for (const auto& w : d.lines())
    if (w.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci::squash applies whiteouts and opaque directories in layer order") {
  Diagnostics diag;
  MemorySource src;
  TarBuilder l0;
  l0.add("etc/", '5');
  l0.add("etc/a.conf", '0', "a");
  l0.add("etc/b.conf", '0', "b");
  l0.add("opt/", '5');
  l0.add("opt/old/x", '0', "x");
  l0.add("var/lib/dpkg/status", '0', "old");
  TarBuilder l1;
  l1.add("etc/.wh.a.conf", '0');
  l1.add("opt/.wh..wh..opq", '0');
  l1.add("opt/new", '0', "n");
  l1.add("./var/lib/dpkg/status", '0', "new status");
  std::vector<Descriptor> layers{src.add(gzip(l0.finish())), src.add(l1.finish())};  // gzip and plain
  auto s = squash_layers(src, layers, diag);
  REQUIRE(s.ok());
  CHECK_FALSE(s->entries.count("etc/a.conf"));
  CHECK(s->entries.count("etc/b.conf"));
  CHECK_FALSE(s->entries.count("opt/old/x"));
  CHECK(s->entries.count("opt/new"));
  CHECK(s->entries.at("var/lib/dpkg/status").layer == 1);
  std::map<std::string, std::string> got;
  auto st = read_final_files(
      src, layers, *s, [](const std::string&, const TreeEntry&) { return true; },
      [&](const std::string& p, const TreeEntry&, std::string_view c, bool) {
        got[p].append(c);
        return ok_status();
      });
  REQUIRE(st.ok());
  CHECK(got.at("var/lib/dpkg/status") == "new status");
  CHECK(got.at("etc/b.conf") == "b");
  CHECK_FALSE(got.count("etc/a.conf"));
}

TEST_CASE("oci::squash hostile entries: .., absolute names, symlinks out of the root") {
  Diagnostics diag;
  MemorySource src;
  TarBuilder l;
  l.add("../../etc/passwd", '0', "pwned");
  l.add("a/../../escape", '0', "x");
  l.add("/abs/file", '0', "abs");
  l.add("link", '2', "", "../../../../etc");
  l.add("link/shadow", '0', "through the link");
  l.add("ok/rel", '2', "", "../usr/lib/os-release");
  l.add("hard", '1', "", "nowhere");
  auto s = squash_layers(src, {src.add(l.finish())}, diag);
  REQUIRE(s.ok());
  CHECK(has_warning(diag, "\"../../etc/passwd\" climbs out of the root"));
  CHECK(has_warning(diag, "\"a/../../escape\" climbs out"));
  CHECK(has_warning(diag, "\"/abs/file\" has an absolute name"));
  CHECK(s->entries.count("abs/file"));
  CHECK(has_warning(diag, "symlink \"link\" -> \"../../../../etc\" points out of the image root"));
  CHECK(has_warning(diag, "\"link/shadow\" goes through symlink link"));
  CHECK_FALSE(s->entries.count("link/shadow"));
  CHECK_FALSE(has_warning(diag, "\"ok/rel\""));  // stays inside the root
  CHECK(has_warning(diag, "hard link \"hard\""));
  for (const auto& [p, e] : s->entries) CHECK(p.find("..") == std::string::npos);
}

TEST_CASE("oci::squash tampered and lying layers") {
  Diagnostics diag;
  MemorySource src;
  TarBuilder l;
  l.add("f", '0', "content");
  std::string blob = gzip(l.finish());
  Descriptor ok = src.add(blob);
  // Tampered: same descriptor, other bytes.
  src.blobs[ok.digest] = gzip(TarBuilder{}.finish());
  auto s = squash_layers(src, {ok}, diag);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find(ok.digest) != std::string::npos);
  // A descriptor smaller than the blob: the read stops at the declared size.
  MemorySource src2;
  Descriptor small = src2.add(blob, int64_t(blob.size()) - 10);
  auto s2 = squash_layers(src2, {small}, diag);
  REQUIRE_FALSE(s2.ok());
  CHECK(s2.message().find("larger than the") != std::string::npos);
  // A tar entry whose size runs past the end of the stream.
  TarBuilder t;
  t.add("big", '0', "short", "", 0644, "00000077777");
  std::string truncated = t.out;  // no end marker, content much shorter than declared
  MemorySource src3;
  auto s3 = squash_layers(src3, {src3.add(truncated)}, diag);
  REQUIRE_FALSE(s3.ok());
  CHECK(s3.message().find("ends inside an entry") != std::string::npos);
  // Garbage is not a tar.
  MemorySource src4;
  auto s4 = squash_layers(src4, {src4.add(std::string(2048, 'z'))}, diag);
  REQUIRE_FALSE(s4.ok());
  CHECK(s4.message().find("checksum") != std::string::npos);
}

TEST_CASE("oci::squash stops a gzip bomb") {
  Diagnostics diag;
  MemorySource src;
  // 96 MiB of zeros inside one tar entry compress ~1000 to 1.
  TarBuilder t;
  std::string zeros(size_t(96) << 20, '\0');
  t.add("bomb", '0', zeros);
  zeros.clear();
  std::string bomb = gzip(t.finish());
  t.out.clear();
  SquashLimits limits;
  limits.max_ratio = 100;
  auto s = squash_layers(src, {src.add(bomb)}, diag, limits);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("gzip bomb") != std::string::npos);
  SquashLimits tight;
  tight.max_layer_bytes = uint64_t(16) << 20;
  auto s2 = squash_layers(src, {src.add(bomb)}, diag, tight);
  REQUIRE_FALSE(s2.ok());
  CHECK(s2.message().find("more than 16 MiB") != std::string::npos);
}

TEST_CASE("oci::clean_layer_path") {
  bool abs = false;
  CHECK(clean_layer_path("./a//b/", abs).value() == "a/b");
  CHECK_FALSE(abs);
  CHECK(clean_layer_path("/x", abs).value() == "x");
  CHECK(abs);
  CHECK_FALSE(clean_layer_path("a/../b", abs).has_value());
}

TEST_SUITE_END();
