// The log entry must describe this bundle, or a valid entry for another artifact could vouch for
// it. The canonicalized body is Rekor's JSON for the entry kind; every kind names the signed
// digest, the signature and the verifier (the signing certificate or public key).
#include "evidence.hpp"

#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

namespace hallmark::sigstore::internal {

using nlohmann::json;

namespace {

std::string str_at(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return {};
    cur = &(*cur)[k];
  }
  return cur->is_string() ? cur->get<std::string>() : std::string{};
}

const json* at(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return nullptr;
    cur = &(*cur)[k];
  }
  return cur;
}

std::string b64(const std::string& s) { return base64_decode(s).value_or(std::string{}); }

// The verifier in the entry (PEM certificate, PEM public key, or DER of either) is the bundle's.
bool same_verifier(std::string_view pem_or_der, const EntryExpectation& x) {
  if (pem_or_der.empty()) return false;
  bool pem = pem_or_der.find("-----BEGIN") != std::string_view::npos;
  if (x.leaf) {
    X509Ptr c = pem ? x509_from_pem(pem_or_der) : x509_from_der(pem_or_der);
    return c && X509_cmp(c.get(), x.leaf) == 0;
  }
  if (x.key) {
    PkeyPtr k = pem ? pkey_from_pem(pem_or_der) : pkey_from_der(pem_or_der);
    if (!k && pem)
      if (X509Ptr c = x509_from_pem(pem_or_der)) return EVP_PKEY_eq(X509_get0_pubkey(c.get()), x.key) == 1;
    return k && EVP_PKEY_eq(k.get(), x.key) == 1;
  }
  return false;
}

Status expect(bool ok, const std::string& what) {
  return ok ? ok_status() : make_error("the log entry's " + what + " does not match the bundle");
}

// hashedrekord: the digest signed (the artifact's, or for DSSE the PAE's) and the signature.
Status hashedrekord(const json& body, const std::string& version, const EntryExpectation& x) {
  std::string signed_digest = x.dsse ? sha256(dsse_pae(x.payload_type, x.payload)) : x.artifact_sha256;
  if (version == "0.0.1") {
    if (x.dsse) return make_error("a hashedrekord 0.0.1 entry cannot log a DSSE envelope");
    if (str_at(body, {"spec", "data", "hash", "algorithm"}) != "sha256")
      return make_error("the log entry's hash algorithm is not sha256");
    HALLMARK_TRY(expect(from_hex(str_at(body, {"spec", "data", "hash", "value"})).value_or("") == signed_digest,
                        "artifact digest"));
    HALLMARK_TRY(expect(b64(str_at(body, {"spec", "signature", "content"})) == x.signature, "signature"));
    return expect(same_verifier(b64(str_at(body, {"spec", "signature", "publicKey", "content"})), x),
                  "certificate or key");
  }
  const json* spec = at(body, {"spec", "hashedRekordV002"});
  if (!spec) return make_error("the log entry has no spec.hashedRekordV002");
  if (str_at(*spec, {"data", "algorithm"}) != "SHA2_256")
    return make_error("the log entry's digest algorithm is not SHA2_256");
  HALLMARK_TRY(
      expect(b64(str_at(*spec, {"data", "digest"})) == signed_digest, x.dsse ? "PAE digest" : "artifact digest"));
  HALLMARK_TRY(expect(b64(str_at(*spec, {"signature", "content"})) == x.signature, "signature"));
  std::string v = b64(str_at(*spec, {"signature", "verifier", "x509Certificate", "rawBytes"}));
  if (v.empty()) v = b64(str_at(*spec, {"signature", "verifier", "publicKey", "rawBytes"}));
  return expect(same_verifier(v, x), "certificate or key");
}

// dsse 0.0.1 / 0.0.2 and intoto 0.0.2: the payload's hash and the envelope's signature.
Status envelope_entry(const json& body, const std::string& kind, const std::string& version,
                      const EntryExpectation& x) {
  if (!x.dsse) return make_error("a " + kind + " entry cannot log a message signature");
  std::string payload_hash, sig, verifier;
  if (kind == "dsse" && version == "0.0.1") {
    if (str_at(body, {"spec", "payloadHash", "algorithm"}) != "sha256")
      return make_error("the log entry's payload hash is not sha256");
    payload_hash = from_hex(str_at(body, {"spec", "payloadHash", "value"})).value_or("");
    const json* sigs = at(body, {"spec", "signatures"});
    if (!sigs || !sigs->is_array() || sigs->size() != 1)
      return make_error("the log entry must list exactly one signature");
    sig = b64(str_at((*sigs)[0], {"signature"}));
    verifier = b64(str_at((*sigs)[0], {"verifier"}));
  } else if (kind == "dsse" && version == "0.0.2") {
    const json* spec = at(body, {"spec", "dsseV002"});
    if (!spec) return make_error("the log entry has no spec.dsseV002");
    if (str_at(*spec, {"payloadHash", "algorithm"}) != "SHA2_256")
      return make_error("the log entry's payload hash is not SHA2_256");
    payload_hash = b64(str_at(*spec, {"payloadHash", "digest"}));
    const json* sigs = at(*spec, {"signatures"});
    if (!sigs || !sigs->is_array() || sigs->size() != 1)
      return make_error("the log entry must list exactly one signature");
    sig = b64(str_at((*sigs)[0], {"content"}));
    verifier = b64(str_at((*sigs)[0], {"verifier", "x509Certificate", "rawBytes"}));
    if (verifier.empty()) verifier = b64(str_at((*sigs)[0], {"verifier", "publicKey", "rawBytes"}));
  } else if (kind == "intoto" && version == "0.0.2") {
    // Rekor's intoto 0.0.2 stores the envelope's base64 fields base64-encoded once more.
    if (str_at(body, {"spec", "content", "payloadHash", "algorithm"}) != "sha256")
      return make_error("the log entry's payload hash is not sha256");
    payload_hash = from_hex(str_at(body, {"spec", "content", "payloadHash", "value"})).value_or("");
    const json* sigs = at(body, {"spec", "content", "envelope", "signatures"});
    if (!sigs || !sigs->is_array() || sigs->size() != 1)
      return make_error("the log entry must list exactly one signature");
    sig = b64(b64(str_at((*sigs)[0], {"sig"})));
    verifier = b64(str_at((*sigs)[0], {"publicKey"}));
  } else {
    return make_error("unsupported log entry kind " + kind + " " + version);
  }
  HALLMARK_TRY(expect(payload_hash == sha256(x.payload), "payload hash"));
  HALLMARK_TRY(expect(sig == x.signature, "envelope signature"));
  return expect(same_verifier(verifier, x), "certificate or key");
}

}  // namespace

Status match_entry_body(const TlogEntry& entry, const EntryExpectation& x) {
  json body = json::parse(entry.canonicalized_body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return make_error("the log entry's canonicalized body is not JSON");
  std::string kind = str_at(body, {"kind"}), version = str_at(body, {"apiVersion"});
  if (kind != entry.kind || version != entry.version)
    return make_error("the log entry's body is " + kind + " " + version + " but kindVersion says " + entry.kind + " " +
                      entry.version);
  if (kind == "hashedrekord" && (version == "0.0.1" || version == "0.0.2")) return hashedrekord(body, version, x);
  return envelope_entry(body, kind, version, x);
}

}  // namespace hallmark::sigstore::internal
