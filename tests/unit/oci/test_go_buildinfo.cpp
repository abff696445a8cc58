// Go build info (the inline form of Go 1.18+) as the image SBOM reads it from an executable's
// bytes, fed in small pieces so the magic and the blob straddle chunk boundaries.
#include "hallmark/sbom/image.hpp"

#include <doctest/doctest.h>

using namespace hallmark;
using namespace hallmark::sbom;

namespace {

std::string varint(size_t n) {
  std::string out;
  while (n >= 0x80) {
    out.push_back(char((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(char(n));
  return out;
}

std::string go_binary(const std::string& version, const std::string& modinfo, size_t offset) {
  std::string sentinel_a(16, '\x30'), sentinel_b(16, '\xf9');
  std::string mod = sentinel_a + modinfo + sentinel_b;
  std::string header("\xff Go buildinf:", 14);
  header += '\x08';  // pointer size
  header += '\x02';  // flags: inline strings
  header.resize(32, '\0');
  std::string blob = header + varint(version.size()) + version + varint(mod.size()) + mod;
  std::string bin(offset, 'E');
  bin += "\xff Go buildinf: unaligned decoy";  // debug/buildinfo's own constant, not 16-aligned
  bin.resize(((bin.size() + 15) / 16) * 16, '\0');
  return bin + blob + std::string(4096, '\0');
}

CatalogResult scan(const std::string& bin, size_t piece) {
  GoBuildInfoScanner s;
  for (size_t i = 0; i < bin.size(); i += piece) s.feed(std::string_view(bin).substr(i, piece));
  return s.finish("sha256:abc!/usr/bin/app");
}

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci::go build info: main module, deps, replacements") {
  std::string info = "path\texample.com/app/cmd/app\n"
                     "mod\texample.com/app\tv1.2.3\th1:abc=\n"
                     "dep\tgolang.org/x/text\tv0.14.0\th1:xyz=\n"
                     "dep\tgithub.com/old/lib\tv1.0.0\n"
                     "=>\tgithub.com/new/lib\tv1.1.0\th1:new=\n"
                     "build\tGOOS=linux\n";
  for (size_t piece : {7, 100, 4096}) {
    CatalogResult r = scan(go_binary("go1.21.5", info, 1000 + piece), piece);
    REQUIRE(r.projects.size() == 1);
    CHECK(r.projects[0].name == "example.com/app");
    CHECK(r.projects[0].version == "v1.2.3");
    CHECK(r.projects[0].type == "application");
    CHECK(r.projects[0].properties.at("hallmark:go.toolchain") == "go1.21.5");
    CHECK(r.projects[0].occurrences.at(0) == "sha256:abc!/usr/bin/app");
    REQUIRE(r.components.size() == 2);
    bool replaced = false, text = false;
    for (const auto& c : r.components) {
      // A replaced module is the replacement that was built, the original named in a property.
      if (c.name == "github.com/new/lib" && c.version == "v1.1.0")
        replaced = c.properties.at("hallmark:go.replaced") == "github.com/old/lib@v1.0.0";
      if (c.name == "golang.org/x/text" && c.version == "v0.14.0")
        text = c.properties.at("hallmark:go.sum") == "h1:xyz=";
    }
    CHECK(text);
    CHECK(replaced);
    CHECK(r.edges.at(r.projects[0].bom_ref).size() == 2);
  }
}

TEST_CASE("oci::go build info: none, or GOPATH-mode path only") {
  CHECK(scan(std::string(100000, 'x'), 4096).projects.empty());
  CatalogResult r = scan(go_binary("go1.19.8", "path\tgithub.com/x/cmd/tool\nbuild\t-trimpath=true\n", 64), 33);
  REQUIRE(r.projects.size() == 1);
  CHECK(r.projects[0].name == "github.com/x/cmd/tool");
  CHECK(r.projects[0].version.empty());
  CHECK(r.components.empty());
}

TEST_SUITE_END();
