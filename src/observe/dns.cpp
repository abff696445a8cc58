#include "hallmark/observe/dns.hpp"

#include <arpa/inet.h>

#include <cctype>

namespace hallmark {

namespace {

constexpr uint16_t kTypeA = 1, kTypeAAAA = 28, kClassIN = 1;

class Reader {
public:
  Reader(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  bool u16(size_t at, uint16_t& v) const {
    if (at + 2 > n_) return false;
    v = uint16_t(d_[at] << 8 | d_[at + 1]);
    return true;
  }
  // The name at `at` (following compression pointers, each strictly backwards, so no loop) and
  // the offset just past it in the message.
  bool name(size_t at, std::string& out, size_t& next) const {
    out.clear();
    bool jumped = false;
    size_t limit = at;  // a pointer must point before the label that holds it
    for (int labels = 0; labels < 128; ++labels) {
      if (at >= n_) return false;
      uint8_t len = d_[at];
      if (len == 0) {
        if (!jumped) next = at + 1;
        return out.size() <= 253;
      }
      if ((len & 0xc0) == 0xc0) {
        if (at + 2 > n_) return false;
        size_t target = size_t(len & 0x3f) << 8 | d_[at + 1];
        if (target >= limit) return false;
        if (!jumped) next = at + 2;
        jumped = true;
        at = limit = target;
        continue;
      }
      if (len & 0xc0) return false;  // the extended label types are obsolete
      if (at + 1 + len > n_) return false;
      if (!out.empty()) out += '.';
      for (size_t i = 0; i < len; ++i) out += char(std::tolower(d_[at + 1 + i]));
      at += 1 + len;
    }
    return false;
  }

private:
  const uint8_t* d_;
  size_t n_;
};

}  // namespace

std::optional<DnsAnswer> decode_dns_response(const uint8_t* data, size_t size, bool tcp) {
  if (tcp) {
    if (size < 2) return std::nullopt;
    size_t len = size_t(data[0]) << 8 | data[1];
    if (len + 2 > size) return std::nullopt;  // the rest of the message is in a later read
    data += 2;
    size = len;
  }
  Reader r(data, size);
  uint16_t flags, qd, an;
  if (size < 12 || !r.u16(2, flags) || !r.u16(4, qd) || !r.u16(6, an)) return std::nullopt;
  const bool response = flags & 0x8000;
  const unsigned opcode = (flags >> 11) & 0xf, rcode = flags & 0xf;
  if (!response || opcode != 0 || rcode != 0 || qd != 1 || an == 0) return std::nullopt;
  DnsAnswer out;
  size_t at = 12;
  if (!r.name(at, out.name, at)) return std::nullopt;
  at += 4;  // qtype, qclass
  // The answer section: the question's name, perhaps through CNAMEs, to addresses. Records of
  // an alias are accepted once the alias was named by a CNAME of the chain.
  std::vector<std::string> names{out.name};
  std::string owner, target;
  for (unsigned i = 0; i < an; ++i) {
    uint16_t type, cls, rdlen;
    if (!r.name(at, owner, at) || !r.u16(at, type) || !r.u16(at + 2, cls) || !r.u16(at + 8, rdlen)) return std::nullopt;
    const size_t rdata = at + 10;
    if (rdata + rdlen > size) return std::nullopt;
    at = rdata + rdlen;
    if (cls != kClassIN) continue;
    bool ours = false;
    for (const auto& n : names) ours = ours || n == owner;
    if (!ours) continue;
    if (type == 5) {  // CNAME
      size_t ignored;
      if (r.name(rdata, target, ignored)) names.push_back(target);
    } else if ((type == kTypeA && rdlen == 4) || (type == kTypeAAAA && rdlen == 16)) {
      char text[INET6_ADDRSTRLEN] = {};
      if (::inet_ntop(type == kTypeA ? AF_INET : AF_INET6, data + rdata, text, sizeof text))
        out.addresses.emplace_back(text);
    }
  }
  if (out.addresses.empty() || out.name.empty()) return std::nullopt;
  return out;
}

}  // namespace hallmark
