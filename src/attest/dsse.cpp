#include "hallmark/util/json_text.hpp"
#include "hallmark/attest/dsse.hpp"

#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

namespace hallmark {

using nlohmann::json;

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

Result<DsseEnvelope> sign_dsse(std::string_view payload_type, std::string payload, const SigningKey& key) {
  auto sig = sign_message(key, dsse_pae(payload_type, payload));
  if (!sig) return sig.error();
  DsseEnvelope env;
  env.payload_type = std::string(payload_type);
  env.payload = std::move(payload);
  env.signatures.push_back({key.keyid(), std::move(*sig)});
  return env;
}

json to_json(const DsseEnvelope& e) {
  json sigs = json::array();
  for (const auto& s : e.signatures) {
    json one = json::object();
    if (!s.keyid.empty()) one["keyid"] = s.keyid;
    one["sig"] = base64_encode(s.sig);
    sigs.push_back(std::move(one));
  }
  return json{{"payload", base64_encode(e.payload)}, {"payloadType", e.payload_type}, {"signatures", sigs}};
}

std::string dsse_to_line(const DsseEnvelope& e) { return dump_json(to_json(e)); }

Result<DsseEnvelope> dsse_from_json(const json& j) {
  if (!j.is_object()) return make_error("DSSE envelope is not a JSON object");
  for (const char* f : {"payload", "payloadType", "signatures"})
    if (!j.contains(f)) return make_error(std::string("DSSE envelope lacks the field \"") + f + "\"");
  if (!j["payload"].is_string()) return make_error("DSSE payload is not a string");
  if (!j["payloadType"].is_string()) return make_error("DSSE payloadType is not a string");
  if (!j["signatures"].is_array()) return make_error("DSSE signatures is not an array");
  DsseEnvelope e;
  auto payload = base64_decode(j["payload"].get<std::string>());
  if (!payload) return make_error("DSSE payload is not valid base64");
  e.payload = std::move(*payload);
  e.payload_type = j["payloadType"].get<std::string>();
  size_t i = 0;
  for (const auto& s : j["signatures"]) {
    if (!s.is_object() || !s.contains("sig") || !s["sig"].is_string())
      return make_error("DSSE signatures[" + std::to_string(i) + "] lacks a string \"sig\"");
    auto sig = base64_decode(s["sig"].get<std::string>());
    if (!sig) return make_error("DSSE signatures[" + std::to_string(i) + "].sig is not valid base64");
    DsseSignature one;
    one.sig = std::move(*sig);
    if (s.contains("keyid") && s["keyid"].is_string()) one.keyid = s["keyid"].get<std::string>();
    e.signatures.push_back(std::move(one));
    ++i;
  }
  return e;
}

Result<json> sigstore_bundle(const DsseEnvelope& envelope, const std::string& keyid) {
  if (envelope.signatures.size() != 1)
    return make_error("a Sigstore bundle's DSSE envelope must carry exactly one signature, not " +
                      std::to_string(envelope.signatures.size()));
  return json{{"mediaType", kSigstoreBundleV03},
              {"verificationMaterial", {{"publicKey", {{"hint", keyid}}}, {"tlogEntries", json::array()}}},
              {"dsseEnvelope", to_json(envelope)}};
}

const char* to_string(ProvenanceFormat f) {
  switch (f) {
  case ProvenanceFormat::envelope: return "DSSE envelope";
  case ProvenanceFormat::jsonl: return ".intoto.jsonl";
  case ProvenanceFormat::bundle: return "Sigstore bundle";
  }
  return "?";
}

namespace {

Result<DsseEnvelope> envelope_of(const json& doc, const std::string& origin, bool* is_bundle) {
  if (doc.is_object() && doc.contains("dsseEnvelope")) {
    *is_bundle = true;
    std::string mt = doc.value("mediaType", std::string());
    if (mt.rfind("application/vnd.dev.sigstore.bundle", 0) != 0)
      return make_error(origin + ": unexpected Sigstore bundle mediaType \"" + mt + "\"");
    auto env = dsse_from_json(doc["dsseEnvelope"]);
    if (!env) return make_error(origin + ": " + env.message());
    if (env->signatures.size() != 1)
      return make_error(origin + ": a Sigstore bundle's envelope must carry exactly one signature, found " +
                        std::to_string(env->signatures.size()));
    return env;
  }
  auto env = dsse_from_json(doc);
  if (!env) return make_error(origin + ": " + env.message());
  return env;
}

}  // namespace

Result<ProvenanceDocument> parse_provenance(std::string_view text, const std::string& origin) {
  if (text.size() > kMaxEnvelopeBytes)
    return make_error(origin + " is larger than 64 MB; refusing to parse it as provenance");
  ProvenanceDocument out;
  bool is_bundle = false;
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded()) {
    auto env = envelope_of(whole, origin, &is_bundle);
    if (!env) return env.error();
    bool jsonl_name = origin.size() > 6 && origin.compare(origin.size() - 6, 6, ".jsonl") == 0;
    out.format = is_bundle    ? ProvenanceFormat::bundle
                 : jsonl_name ? ProvenanceFormat::jsonl
                              : ProvenanceFormat::envelope;
    out.envelopes.push_back(std::move(*env));
    return out;
  }
  // Not one JSON document: an .intoto.jsonl file, one envelope (or bundle) per line.
  out.format = ProvenanceFormat::jsonl;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json doc = json::parse(line, nullptr, false);
    std::string where = origin + ":" + std::to_string(line_no);
    if (doc.is_discarded()) return make_error(where + ": not a JSON DSSE envelope");
    auto env = envelope_of(doc, where, &is_bundle);
    if (!env) return env.error();
    out.envelopes.push_back(std::move(*env));
  }
  if (out.envelopes.empty()) return make_error(origin + " holds no DSSE envelope");
  return out;
}

}  // namespace hallmark
