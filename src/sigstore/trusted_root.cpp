#include "hallmark/sigstore/trusted_root.hpp"

#include "evidence.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

namespace hallmark::sigstore {

using nlohmann::json;
using namespace internal;

std::string LogInstance::origin_host() const {
  std::string s = base_url;
  if (auto p = s.find("://"); p != std::string::npos) s.erase(0, p + 3);
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

const LogInstance* TrustedRoot::tlog_by_id(std::string_view log_id) const {
  for (const auto& l : tlogs)
    if (l.log_id == log_id) return &l;
  return nullptr;
}

namespace {

// Field access that names the path on failure: every error says which field and why.
struct Reader {
  const std::string& origin;
  Error err(const std::string& field, const std::string& why) const {
    return make_error(origin + ": " + field + ": " + why);
  }
  Result<std::string> str(const json& j, const char* key, const std::string& path) const {
    if (!j.is_object() || !j.contains(key)) return err(path + "." + key, "missing");
    if (!j[key].is_string() || j[key].get_ref<const std::string&>().empty())
      return err(path + "." + key, "must be a non-empty string");
    return j[key].get<std::string>();
  }
  Result<std::string> b64(const json& j, const char* key, const std::string& path) const {
    auto s = str(j, key, path);
    if (!s) return s.error();
    auto raw = base64_decode(*s);
    if (!raw || raw->empty()) return err(path + "." + key, "not valid base64");
    return *raw;
  }
  Result<TimeRange> range(const json& j, const std::string& path) const {
    if (!j.is_object() || !j.contains("validFor")) return err(path + ".validFor", "missing");
    const json& v = j["validFor"];
    auto start = str(v, "start", path + ".validFor");
    if (!start) return start.error();
    TimeRange r;
    auto t = parse_rfc3339(*start);
    if (!t) return err(path + ".validFor.start", "not an RFC 3339 time: " + *start);
    r.start = *t;
    if (v.contains("end") && !v["end"].is_null()) {
      auto e = str(v, "end", path + ".validFor");
      if (!e) return e.error();
      auto te = parse_rfc3339(*e);
      if (!te || *te < r.start) return err(path + ".validFor.end", "not an RFC 3339 time after the start: " + *e);
      r.end = *te;
    }
    return r;
  }
};

Result<LogInstance> read_log(const Reader& rd, const json& j, const std::string& path) {
  LogInstance l;
  if (!j.is_object()) return rd.err(path, "must be an object");
  auto url = rd.str(j, "baseUrl", path);
  if (!url) return url.error();
  l.base_url = *url;
  if (!j.contains("publicKey")) return rd.err(path + ".publicKey", "missing");
  const json& pk = j["publicKey"];
  auto raw = rd.b64(pk, "rawBytes", path + ".publicKey");
  if (!raw) return raw.error();
  l.key = pkey_from_der(*raw);
  if (!l.key) return rd.err(path + ".publicKey.rawBytes", "not a public key (DER SubjectPublicKeyInfo)");
  auto details = rd.str(pk, "keyDetails", path + ".publicKey");
  if (!details) return details.error();
  l.key_details = *details;
  auto range = rd.range(pk, path + ".publicKey");
  if (!range) return range.error();
  l.valid_for = *range;
  if (!j.contains("logId")) return rd.err(path + ".logId", "missing");
  auto id = rd.b64(j["logId"], "keyId", path + ".logId");
  if (!id) return id.error();
  l.log_id = *id;
  return l;
}

Result<CertificateAuthority> read_authority(const Reader& rd, const json& j, const std::string& path) {
  CertificateAuthority ca;
  if (!j.is_object()) return rd.err(path, "must be an object");
  if (j.contains("uri") && j["uri"].is_string()) ca.uri = j["uri"].get<std::string>();
  if (!j.contains("certChain") || !j["certChain"].is_object() || !j["certChain"].contains("certificates") ||
      !j["certChain"]["certificates"].is_array() || j["certChain"]["certificates"].empty())
    return rd.err(path + ".certChain.certificates", "missing or empty");
  size_t i = 0;
  for (const auto& c : j["certChain"]["certificates"]) {
    std::string p = path + ".certChain.certificates[" + std::to_string(i++) + "]";
    auto der = rd.b64(c, "rawBytes", p);
    if (!der) return der.error();
    auto x = x509_from_der(*der);
    if (!x) return rd.err(p + ".rawBytes", "not a DER X.509 certificate");
    ca.chain.push_back(std::move(x));
  }
  auto range = rd.range(j, path);
  if (!range) return range.error();
  ca.valid_for = *range;
  return ca;
}

}  // namespace

Result<TrustedRoot> trusted_root_from_json(std::string_view text, const std::string& origin) {
  json j = json::parse(text, nullptr, false);
  Reader rd{origin};
  if (j.is_discarded() || !j.is_object()) return rd.err("(document)", "not a JSON object");
  auto mt = rd.str(j, "mediaType", "");
  if (!mt) return mt.error();
  if (*mt != kTrustedRootMediaType)
    return rd.err(".mediaType", "unsupported \"" + *mt + "\" (want " + kTrustedRootMediaType + ")");
  TrustedRoot root;
  auto logs = [&](const char* key, std::vector<LogInstance>& out) -> Status {
    if (!j.contains(key)) return ok_status();
    if (!j[key].is_array()) return rd.err(std::string(".") + key, "must be an array");
    for (size_t i = 0; i < j[key].size(); ++i) {
      auto l = read_log(rd, j[key][i], std::string(key) + "[" + std::to_string(i) + "]");
      if (!l) return l.error();
      out.push_back(std::move(*l));
    }
    return ok_status();
  };
  auto cas = [&](const char* key, std::vector<CertificateAuthority>& out) -> Status {
    if (!j.contains(key)) return ok_status();
    if (!j[key].is_array()) return rd.err(std::string(".") + key, "must be an array");
    for (size_t i = 0; i < j[key].size(); ++i) {
      auto ca = read_authority(rd, j[key][i], std::string(key) + "[" + std::to_string(i) + "]");
      if (!ca) return ca.error();
      out.push_back(std::move(*ca));
    }
    return ok_status();
  };
  HALLMARK_TRY(logs("tlogs", root.tlogs));
  HALLMARK_TRY(logs("ctlogs", root.ctlogs));
  HALLMARK_TRY(cas("certificateAuthorities", root.certificate_authorities));
  HALLMARK_TRY(cas("timestampAuthorities", root.timestamp_authorities));
  if (root.tlogs.empty() && root.timestamp_authorities.empty())
    return rd.err("tlogs", "a trusted root needs at least one transparency log or timestamp authority");
  return root;
}

Result<TrustedRoot> load_trusted_root(const std::filesystem::path& path) {
  auto text = read_file(path, size_t(16) << 20);
  if (!text) return make_error("trusted root: " + text.message());
  return trusted_root_from_json(*text, path.string());
}

}  // namespace hallmark::sigstore
