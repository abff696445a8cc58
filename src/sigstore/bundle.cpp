#include "hallmark/sigstore/bundle.hpp"

#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <string>

namespace hallmark::sigstore {

using nlohmann::json;

namespace {

constexpr std::string_view kOldPrefix = "application/vnd.dev.sigstore.bundle+json;version=";
constexpr std::string_view kNewPrefix = "application/vnd.dev.sigstore.bundle.v";

// 1, 2 or 3 for "0.1".."0.3" in either spelling; 0 for anything else.
int minor_of(std::string_view media_type) {
  std::string_view v;
  if (media_type.substr(0, kOldPrefix.size()) == kOldPrefix) {
    v = media_type.substr(kOldPrefix.size());
  } else if (media_type.substr(0, kNewPrefix.size()) == kNewPrefix && media_type.size() > kNewPrefix.size() + 5 &&
             media_type.substr(media_type.size() - 5) == "+json") {
    v = media_type.substr(kNewPrefix.size(), media_type.size() - kNewPrefix.size() - 5);
  } else {
    return 0;
  }
  if (v == "0.1") return 1;
  if (v == "0.2") return 2;
  if (v == "0.3") return 3;
  return 0;
}

struct Reader {
  const std::string& origin;
  Error err(const std::string& field, const std::string& why) const {
    return make_error(origin + ": " + field + ": " + why);
  }
  const json* get(const json& j, const char* key) const { return j.is_object() && j.contains(key) ? &j[key] : nullptr; }
  Result<const json*> obj(const json& j, const char* key, const std::string& path) const {
    const json* v = get(j, key);
    if (!v) return err(path + "." + key, "missing");
    if (!v->is_object()) return err(path + "." + key, "must be an object");
    return v;
  }
  Result<std::string> str(const json& j, const char* key, const std::string& path, bool allow_empty = false) const {
    const json* v = get(j, key);
    if (!v) return err(path + "." + key, "missing");
    if (!v->is_string() || (!allow_empty && v->get_ref<const std::string&>().empty()))
      return err(path + "." + key, "must be a non-empty string");
    return v->get<std::string>();
  }
  Result<std::string> b64(const json& j, const char* key, const std::string& path, bool allow_empty = false) const {
    auto s = str(j, key, path, allow_empty);
    if (!s) return s.error();
    // protojson (Go's base64 decoder) skips line breaks, and `base64` wraps its output.
    std::erase_if(*s, [](char c) { return c == '\n' || c == '\r'; });
    auto raw = base64_decode(*s);
    if (!raw || (!allow_empty && raw->empty())) return err(path + "." + key, "not valid base64");
    return *raw;
  }
  // protobuf JSON writes int64 as a decimal string; a number is accepted too. Never negative.
  Result<int64_t> uint(const json& j, const char* key, const std::string& path) const {
    const json* v = get(j, key);
    if (!v) return err(path + "." + key, "missing");
    int64_t n = -1;
    if (v->is_number_unsigned()) {
      if (v->get<uint64_t>() > uint64_t(INT64_MAX)) return err(path + "." + key, "out of range");
      n = v->get<int64_t>();
    } else if (v->is_string()) {
      const std::string& s = v->get_ref<const std::string&>();
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec != std::errc() || p != s.data() + s.size() || s.empty()) n = -1;
    }
    if (n < 0) return err(path + "." + key, "must be a non-negative integer");
    return n;
  }
};

Result<InclusionProof> read_proof(const Reader& rd, const json& j, const std::string& path) {
  InclusionProof p;
  auto idx = rd.uint(j, "logIndex", path);
  if (!idx) return idx.error();
  p.log_index = *idx;
  auto size = rd.uint(j, "treeSize", path);
  if (!size) return size.error();
  p.tree_size = *size;
  auto root = rd.b64(j, "rootHash", path);
  if (!root) return root.error();
  p.root_hash = *root;
  const json* hashes = rd.get(j, "hashes");
  if (hashes && !hashes->is_array()) return rd.err(path + ".hashes", "must be an array");
  if (hashes)
    for (size_t i = 0; i < hashes->size(); ++i) {
      auto h = base64_decode((*hashes)[i].is_string() ? (*hashes)[i].get<std::string>() : std::string("!"));
      if (!h || h->size() != 32)
        return rd.err(path + ".hashes[" + std::to_string(i) + "]", "not a base64 SHA-256 hash");
      p.hashes.push_back(*h);
    }
  // Proofs in older bundles have no checkpoint; tlog.cpp then relies on the SET alone.
  if (rd.get(j, "checkpoint")) {
    auto cp = rd.obj(j, "checkpoint", path);
    if (!cp) return cp.error();
    auto env = rd.str(**cp, "envelope", path + ".checkpoint");
    if (!env) return env.error();
    p.checkpoint = *env;
  }
  return p;
}

Result<TlogEntry> read_entry(const Reader& rd, const json& j, const std::string& path, int minor) {
  TlogEntry e;
  if (!j.is_object()) return rd.err(path, "must be an object");
  auto idx = rd.uint(j, "logIndex", path);
  if (!idx) return idx.error();
  e.log_index = *idx;
  auto id = rd.obj(j, "logId", path);
  if (!id) return id.error();
  auto key = rd.b64(**id, "keyId", path + ".logId");
  if (!key) return key.error();
  e.log_id = *key;
  auto kv = rd.obj(j, "kindVersion", path);
  if (!kv) return kv.error();
  auto kind = rd.str(**kv, "kind", path + ".kindVersion");
  if (!kind) return kind.error();
  auto version = rd.str(**kv, "version", path + ".kindVersion");
  if (!version) return version.error();
  e.kind = *kind;
  e.version = *version;
  if (rd.get(j, "integratedTime")) {
    auto t = rd.uint(j, "integratedTime", path);
    if (!t) return t.error();
    e.integrated_time = *t;
  }
  if (const json* promise = rd.get(j, "inclusionPromise")) {
    auto set = rd.b64(*promise, "signedEntryTimestamp", path + ".inclusionPromise");
    if (!set) return set.error();
    e.signed_entry_timestamp = *set;
  }
  if (const json* proof = rd.get(j, "inclusionProof")) {
    auto p = read_proof(rd, *proof, path + ".inclusionProof");
    if (!p) return p.error();
    e.inclusion_proof = std::move(*p);
  }
  auto body = rd.b64(j, "canonicalizedBody", path);
  if (!body) return body.error();
  e.canonicalized_body = *body;
  // v0.1 bundles carry the promise; from v0.2 the inclusion proof is required (the spec's rule).
  if (minor == 1 && e.signed_entry_timestamp.empty())
    return rd.err(path + ".inclusionPromise", "missing (required in v0.1 bundles)");
  if (minor >= 2 && !e.inclusion_proof) return rd.err(path + ".inclusionProof", "missing (required from v0.2 bundles)");
  return e;
}

Status read_material(const Reader& rd, const json& vm, Bundle& b) {
  int kinds = 0;
  if (const json* c = rd.get(vm, "certificate")) {
    ++kinds;
    auto der = rd.b64(*c, "rawBytes", "verificationMaterial.certificate");
    if (!der) return der.error();
    b.certificates.push_back(*der);
  }
  if (const json* chain = rd.get(vm, "x509CertificateChain")) {
    ++kinds;
    b.has_certificate_chain = true;
    const json* certs = rd.get(*chain, "certificates");
    if (!certs || !certs->is_array() || certs->empty())
      return rd.err("verificationMaterial.x509CertificateChain.certificates", "missing or empty");
    for (size_t i = 0; i < certs->size(); ++i) {
      auto der = rd.b64((*certs)[i], "rawBytes",
                        "verificationMaterial.x509CertificateChain.certificates[" + std::to_string(i) + "]");
      if (!der) return der.error();
      b.certificates.push_back(*der);
    }
  }
  if (const json* pk = rd.get(vm, "publicKey")) {
    ++kinds;
    if (!pk->is_object()) return rd.err("verificationMaterial.publicKey", "must be an object");
    b.has_public_key = true;
    if (const json* hint = rd.get(*pk, "hint"); hint && hint->is_string()) b.public_key_hint = hint->get<std::string>();
  }
  if (kinds != 1)
    return rd.err("verificationMaterial", "needs exactly one of certificate, x509CertificateChain, publicKey");
  if (b.minor_version >= 3 && b.has_certificate_chain)
    return rd.err("verificationMaterial.x509CertificateChain", "not allowed in v0.3 bundles (use certificate)");
  return ok_status();
}

Status read_content(const Reader& rd, const json& j, Bundle& b) {
  const json* ms = rd.get(j, "messageSignature");
  const json* dsse = rd.get(j, "dsseEnvelope");
  if (bool(ms) == bool(dsse)) return rd.err("(content)", "needs exactly one of messageSignature, dsseEnvelope");
  if (ms) {
    if (const json* md = rd.get(*ms, "messageDigest")) {
      auto alg = rd.str(*md, "algorithm", "messageSignature.messageDigest");
      if (!alg) return alg.error();
      auto d = rd.b64(*md, "digest", "messageSignature.messageDigest");
      if (!d) return d.error();
      if (*alg != "SHA2_256" && *alg != "SHA2_384" && *alg != "SHA2_512")
        return rd.err("messageSignature.messageDigest.algorithm",
                      "unknown \"" + *alg + "\" (want SHA2_256, SHA2_384, SHA2_512)");
      b.message_digest_algorithm = *alg;
      b.message_digest = *d;
    }
    auto sig = rd.b64(*ms, "signature", "messageSignature");
    if (!sig) return sig.error();
    b.signature = *sig;
    return ok_status();
  }
  b.is_dsse = true;
  auto type = rd.str(*dsse, "payloadType", "dsseEnvelope");
  if (!type) return type.error();
  auto payload = rd.b64(*dsse, "payload", "dsseEnvelope");
  if (!payload) return payload.error();
  b.payload_type = *type;
  b.payload = *payload;
  const json* sigs = rd.get(*dsse, "signatures");
  if (!sigs || !sigs->is_array() || sigs->size() != 1)
    return rd.err("dsseEnvelope.signatures", "a bundle's envelope must carry exactly one signature");
  auto sig = rd.b64((*sigs)[0], "sig", "dsseEnvelope.signatures[0]");
  if (!sig) return sig.error();
  BundleSignature s;
  s.sig = *sig;
  if (const json* k = rd.get((*sigs)[0], "keyid"); k && k->is_string()) s.keyid = k->get<std::string>();
  b.dsse_signatures.push_back(std::move(s));
  return ok_status();
}

}  // namespace

bool looks_like_bundle(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("mediaType") || !j["mediaType"].is_string()) return false;
  const std::string& mt = j["mediaType"].get_ref<const std::string&>();
  return mt.rfind("application/vnd.dev.sigstore.bundle", 0) == 0;
}

Result<Bundle> parse_bundle(std::string_view text, const std::string& origin) {
  Reader rd{origin};
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return rd.err("(document)", "not valid JSON (truncated?)");
  if (!j.is_object()) return rd.err("(document)", "not a JSON object");
  Bundle b;
  auto mt = rd.str(j, "mediaType", "");
  if (!mt) return mt.error();
  b.media_type = *mt;
  b.minor_version = minor_of(b.media_type);
  if (b.minor_version == 0)
    return rd.err(".mediaType",
                  "unsupported bundle version \"" + b.media_type + "\" (hallmark reads v0.1, v0.2, v0.3)");
  auto vm = rd.obj(j, "verificationMaterial", "");
  if (!vm) return vm.error();
  HALLMARK_TRY(read_material(rd, **vm, b));
  if (const json* entries = rd.get(**vm, "tlogEntries")) {
    if (!entries->is_array()) return rd.err("verificationMaterial.tlogEntries", "must be an array");
    for (size_t i = 0; i < entries->size(); ++i) {
      auto e =
          read_entry(rd, (*entries)[i], "verificationMaterial.tlogEntries[" + std::to_string(i) + "]", b.minor_version);
      if (!e) return e.error();
      b.tlog_entries.push_back(std::move(*e));
    }
  }
  if (const json* tvd = rd.get(**vm, "timestampVerificationData")) {
    if (const json* ts = rd.get(*tvd, "rfc3161Timestamps")) {
      if (!ts->is_array())
        return rd.err("verificationMaterial.timestampVerificationData.rfc3161Timestamps", "must be an array");
      for (size_t i = 0; i < ts->size(); ++i) {
        auto der =
            rd.b64((*ts)[i], "signedTimestamp",
                   "verificationMaterial.timestampVerificationData.rfc3161Timestamps[" + std::to_string(i) + "]");
        if (!der) return der.error();
        b.rfc3161_timestamps.push_back(*der);
      }
    }
  }
  HALLMARK_TRY(read_content(rd, j, b));
  return b;
}

}  // namespace hallmark::sigstore
