// The DNS answer decoder against messages built byte by byte as RFC 1035 lays them out, and
// against what it must refuse (queries, errors, truncation, compression loops).
#include "hallmark/observe/dns.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace hallmark;

namespace {

using Bytes = std::vector<uint8_t>;

void u16(Bytes& b, unsigned v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void name(Bytes& b, const std::string& dotted) {
  size_t start = 0;
  while (start < dotted.size()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string::npos) dot = dotted.size();
    b.push_back(uint8_t(dot - start));
    b.insert(b.end(), dotted.begin() + long(start), dotted.begin() + long(dot));
    start = dot + 1;
  }
  b.push_back(0);
}
// A response header + the question for `q` (type A), `answers` records to follow.
Bytes response(const std::string& q, unsigned answers, unsigned flags = 0x8180) {
  Bytes b;
  u16(b, 0x1234);
  u16(b, flags);
  u16(b, 1);
  u16(b, answers);
  u16(b, 0);
  u16(b, 0);
  name(b, q);
  u16(b, 1);
  u16(b, 1);
  return b;
}
// A record owned by the question's name (a pointer to offset 12).
void record(Bytes& b, unsigned type, const Bytes& rdata, bool pointer = true, const std::string& owner = "") {
  if (pointer) u16(b, 0xc00c);
  else name(b, owner);
  u16(b, type);
  u16(b, 1);
  u16(b, 0);
  u16(b, 60);
  u16(b, unsigned(rdata.size()));
  b.insert(b.end(), rdata.begin(), rdata.end());
}

}  // namespace

TEST_CASE("an A and an AAAA answer name the question's host") {
  Bytes m = response("Files.Example.NET", 2);
  record(m, 1, {203, 0, 113, 9});
  record(m, 28, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  auto a = decode_dns_response(m.data(), m.size());
  REQUIRE(a);
  CHECK(a->name == "files.example.net");
  CHECK(a->addresses == std::vector<std::string>{"203.0.113.9", "2001:db8::1"});
}

TEST_CASE("a CNAME chain leads to the addresses; records of other names are ignored") {
  Bytes m = response("registry.example.com", 3);
  Bytes cname;
  name(cname, "cdn.example.net");
  record(m, 5, cname);
  record(m, 1, {10, 0, 0, 1}, false, "unrelated.example.org");
  record(m, 1, {198, 51, 100, 7}, false, "cdn.example.net");
  auto a = decode_dns_response(m.data(), m.size());
  REQUIRE(a);
  CHECK(a->name == "registry.example.com");
  CHECK(a->addresses == std::vector<std::string>{"198.51.100.7"});
}

TEST_CASE("over TCP the message follows its 16-bit length") {
  Bytes m = response("example.org", 1);
  record(m, 1, {192, 0, 2, 1});
  Bytes tcp;
  u16(tcp, unsigned(m.size()));
  tcp.insert(tcp.end(), m.begin(), m.end());
  auto a = decode_dns_response(tcp.data(), tcp.size(), true);
  REQUIRE(a);
  CHECK(a->addresses == std::vector<std::string>{"192.0.2.1"});
  // Half a message (the rest comes in a later read) is not decoded.
  CHECK_FALSE(decode_dns_response(tcp.data(), tcp.size() - 3, true));
  CHECK_FALSE(decode_dns_response(m.data(), m.size(), true));
}

TEST_CASE("queries, errors, empty answers and malformed messages give nothing") {
  Bytes ok = response("example.org", 1);
  record(ok, 1, {192, 0, 2, 1});
  REQUIRE(decode_dns_response(ok.data(), ok.size()));

  Bytes query = ok;
  query[2] &= 0x7f;  // QR = 0
  CHECK_FALSE(decode_dns_response(query.data(), query.size()));
  Bytes nx = ok;
  nx[3] |= 3;  // NXDOMAIN
  CHECK_FALSE(decode_dns_response(nx.data(), nx.size()));
  Bytes none = response("example.org", 0);
  CHECK_FALSE(decode_dns_response(none.data(), none.size()));
  for (size_t cut = 0; cut < ok.size(); ++cut) CHECK_FALSE(decode_dns_response(ok.data(), cut));

  // A compression pointer to itself, and one pointing forward: refused, not followed forever.
  Bytes loop = response("example.org", 1);
  u16(loop, 0xc000 | unsigned(loop.size()));
  CHECK_FALSE(decode_dns_response(loop.data(), loop.size()));
  Bytes fwd = response("example.org", 1);
  u16(fwd, 0xc000 | unsigned(fwd.size() + 2));
  u16(fwd, 0);
  CHECK_FALSE(decode_dns_response(fwd.data(), fwd.size()));
  // An A record of the wrong length is not an address.
  Bytes badlen = response("example.org", 1);
  record(badlen, 1, {192, 0, 2});
  CHECK_FALSE(decode_dns_response(badlen.data(), badlen.size()));
}
