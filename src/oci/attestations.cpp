#include "hallmark/oci/attestations.hpp"

#include "hallmark/util/hex.hpp"

#include <algorithm>
#include <cctype>

namespace hallmark::oci {

using nlohmann::json;

std::optional<std::string> cosign_keyless_bundle(const StoredAttestation& layer) {
  auto cert = layer.annotations.find("dev.sigstore.cosign/certificate");
  auto rekor = layer.annotations.find("dev.sigstore.cosign/bundle");
  if (cert == layer.annotations.end() || rekor == layer.annotations.end()) return std::nullopt;
  // PEM's body is the base64 of the DER the bundle wants.
  std::string der_b64;
  const std::string& pem = cert->second;
  size_t begin = pem.find("-----BEGIN CERTIFICATE-----"), end = pem.find("-----END CERTIFICATE-----");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return std::nullopt;
  for (size_t i = begin + 27; i < end; ++i)
    if (!std::isspace(static_cast<unsigned char>(pem[i]))) der_b64 += pem[i];
  json set = json::parse(rekor->second, nullptr, false);
  json envelope = json::parse(layer.content, nullptr, false);
  if (!set.is_object() || !envelope.is_object() || !set.contains("Payload") || !set["Payload"].is_object())
    return std::nullopt;
  const json& p = set["Payload"];
  auto str = [](const json& j, const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  auto num = [](const json& j, const char* k) {
    return j.contains(k) && j[k].is_number_integer() ? std::to_string(j[k].get<int64_t>()) : std::string();
  };
  auto log_id = from_hex(str(p, "logID"));
  auto body = base64_decode(str(p, "body"));
  if (!log_id || !body) return std::nullopt;
  json entry_body = json::parse(*body, nullptr, false);
  if (!entry_body.is_object()) return std::nullopt;
  json bundle = {
      {"mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1"},
      {"verificationMaterial",
       {{"x509CertificateChain", {{"certificates", json::array({{{"rawBytes", der_b64}}})}}},
        {"tlogEntries",
         json::array({{{"logIndex", num(p, "logIndex")},
                       {"logId", {{"keyId", base64_encode(*log_id)}}},
                       {"kindVersion", {{"kind", str(entry_body, "kind")}, {"version", str(entry_body, "apiVersion")}}},
                       {"integratedTime", num(p, "integratedTime")},
                       {"inclusionPromise", {{"signedEntryTimestamp", str(set, "SignedEntryTimestamp")}}},
                       {"canonicalizedBody", str(p, "body")}}})}}},
      {"dsseEnvelope", envelope}};
  return bundle.dump();
}

std::string cosign_attestation_tag(const std::string& digest) { return "sha256-" + digest.substr(7) + ".att"; }
std::string referrers_fallback_tag(const std::string& digest) { return "sha256-" + digest.substr(7); }

namespace {

constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
const std::string kEmptyJson = "{}";

// cosign's static config: an image config whose rootfs lists the layers (so tools that expect an
// image see a consistent one) and nothing else.
std::string cosign_config(const std::vector<Descriptor>& layers) {
  json diff_ids = json::array();
  for (const auto& l : layers) diff_ids.push_back(l.digest);
  json c = {{"architecture", ""},
            {"config", json::object()},
            {"created", "0001-01-01T00:00:00Z"},
            {"history", json::array({{{"created", "0001-01-01T00:00:00Z"}}})},
            {"os", ""},
            {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  return c.dump();
}

Result<std::vector<Descriptor>> manifest_layers(const Manifest& m) {
  auto parsed = parse_image_manifest(m.bytes, m.digest);
  if (!parsed) return parsed.error();
  return std::move(parsed->second);
}

}  // namespace

Status push_cosign_attestation(RegistryClient& registry, const std::string& subject_digest,
                               const std::string& envelope_json, const std::string& predicate_type) {
  std::string tag = cosign_attestation_tag(subject_digest);
  auto existing = registry.get_manifest(tag);
  if (!existing) return existing.error();
  std::vector<Descriptor> layers;
  if (*existing) {
    auto l = manifest_layers(**existing);
    if (!l)
      return make_error("the existing " + tag + " is not an image manifest hallmark can append to: " + l.message());
    layers = std::move(*l);
  }
  Descriptor layer{kDsseLayer, sha256_digest(envelope_json), int64_t(envelope_json.size()), "", {}, nullptr};
  layer.annotations = {{"dev.cosignproject.cosign/signature", ""}, {"predicateType", predicate_type}};
  bool present =
      std::any_of(layers.begin(), layers.end(), [&](const Descriptor& d) { return d.digest == layer.digest; });
  if (present) return ok_status();
  HALLMARK_TRY(registry.upload_blob(envelope_json));
  layers.push_back(layer);
  std::string config = cosign_config(layers);
  HALLMARK_TRY(registry.upload_blob(config));
  json m = {{"schemaVersion", 2},
            {"mediaType", kOciManifest},
            {"config", {{"mediaType", kOciConfig}, {"digest", sha256_digest(config)}, {"size", config.size()}}},
            {"layers", json::array()}};
  for (const auto& l : layers) m["layers"].push_back(l.to_json());
  auto put = registry.put_manifest(tag, m.dump(), kOciManifest);
  if (!put) return put.error();
  return ok_status();
}

Result<std::string> push_referrer_bundle(RegistryClient& registry, const Descriptor& subject,
                                         const std::string& bundle_json, const std::string& predicate_type,
                                         const std::string& created) {
  HALLMARK_TRY(registry.upload_blob(kEmptyJson));
  HALLMARK_TRY(registry.upload_blob(bundle_json));
  json subj = {{"mediaType", subject.media_type}, {"digest", subject.digest}, {"size", subject.size}};
  json annotations = {{"dev.sigstore.bundle.content", "dsse-envelope"},
                      {"dev.sigstore.bundle.predicateType", predicate_type},
                      {"org.opencontainers.image.created", created}};
  json m = {{"schemaVersion", 2},
            {"mediaType", kOciManifest},
            {"artifactType", kSigstoreBundleArtifact},
            {"config", {{"mediaType", kOciEmpty}, {"digest", sha256_digest(kEmptyJson)}, {"size", 2}}},
            {"layers", json::array({{{"mediaType", kSigstoreBundleArtifact},
                                     {"digest", sha256_digest(bundle_json)},
                                     {"size", bundle_json.size()}}})},
            {"subject", subj},
            {"annotations", annotations}};
  std::string bytes = m.dump();
  std::string digest = sha256_digest(bytes);
  auto put = registry.put_manifest(digest, bytes, kOciManifest);
  if (!put) return put.error();
  if (put->subject_accepted) return std::string("referrers API");
  auto api = registry.referrers(subject.digest);
  if (!api) return api.error();
  if (*api) return std::string("referrers API");
  // The referrers tag schema: an index at sha256-<hex> listing every referrer; append to it.
  std::string tag = referrers_fallback_tag(subject.digest);
  auto existing = registry.get_manifest(tag);
  if (!existing) return existing.error();
  json index = {{"schemaVersion", 2}, {"mediaType", kOciIndex}, {"manifests", json::array()}};
  if (*existing) {
    json old = json::parse((*existing)->bytes, nullptr, false);
    if (!old.is_object() || !old.contains("manifests") || !old["manifests"].is_array())
      return make_error("tag " + tag + " exists but is not a referrers index; not overwritten");
    index = old;
  }
  for (const auto& e : index["manifests"])
    if (e.is_object() && e.value("digest", "") == digest) return "tag " + tag;
  index["manifests"].push_back({{"mediaType", kOciManifest},
                                {"digest", digest},
                                {"size", bytes.size()},
                                {"artifactType", kSigstoreBundleArtifact},
                                {"annotations", annotations}});
  auto put_index = registry.put_manifest(tag, index.dump(), kOciIndex);
  if (!put_index) return put_index.error();
  return "tag " + tag;
}

namespace {

// The DSSE layers of a cosign attestation manifest.
void dsse_layers(const std::function<Result<std::string>(const Descriptor&)>& fetch, const Manifest& m,
                 const std::string& where, FoundAttestations& out, Diagnostics& diag) {
  auto layers = manifest_layers(m);
  if (!layers) {
    diag.warn(where, layers.message());
    return;
  }
  for (size_t i = 0; i < layers->size(); ++i) {
    const Descriptor& d = (*layers)[i];
    if (d.media_type != kDsseLayer) continue;
    auto blob = fetch(d);
    std::string label = where + " layer " + std::to_string(i) + " (" + d.digest + ")";
    if (!blob) {
      diag.warn(label, blob.message());
      continue;
    }
    out.items.push_back(StoredAttestation{label, std::move(*blob), false, d.annotations});
  }
}

void bundle_referrer(RegistryClient& registry, const Descriptor& ref, FoundAttestations& out, Diagnostics& diag) {
  std::string where = "referrer " + ref.digest;
  auto m = registry.get_manifest(ref.digest);
  if (!m || !*m) {
    diag.warn(where, m ? std::string("manifest unknown") : m.message());
    return;
  }
  auto layers = manifest_layers(**m);
  if (!layers) {
    diag.warn(where, layers.message());
    return;
  }
  for (const auto& d : *layers) {
    if (d.media_type != kSigstoreBundleArtifact) continue;
    auto blob = registry.get_small_blob(d);
    if (!blob) {
      diag.warn(where, blob.message());
      continue;
    }
    out.items.push_back(StoredAttestation{where, std::move(*blob), true, ref.annotations});
  }
}

}  // namespace

Result<FoundAttestations> fetch_registry_attestations(RegistryClient& registry, const std::string& subject_digest,
                                                      Diagnostics& diag) {
  FoundAttestations out;
  std::string tag = cosign_attestation_tag(subject_digest);
  auto att = registry.get_manifest(tag);
  if (!att) return att.error();
  if (*att)
    dsse_layers([&](const Descriptor& d) { return registry.get_small_blob(d); }, **att, "cosign tag " + tag, out, diag);
  auto refs = registry.referrers(subject_digest);
  if (!refs) return refs.error();
  json index;
  if (*refs) {
    index = **refs;
  } else {
    auto fallback = registry.get_manifest(referrers_fallback_tag(subject_digest));
    if (!fallback) return fallback.error();
    if (*fallback) index = json::parse((*fallback)->bytes, nullptr, false);
  }
  if (index.is_object() && index.contains("manifests") && index["manifests"].is_array())
    for (size_t i = 0; i < index["manifests"].size(); ++i) {
      auto d = Descriptor::from_json(index["manifests"][i], "referrers of " + subject_digest);
      if (!d) {
        diag.warn("", d.message());
        continue;
      }
      if (d->artifact_type == kSigstoreBundleArtifact) bundle_referrer(registry, *d, out, diag);
    }
  return out;
}

Result<FoundAttestations> fetch_layout_attestations(ImageSource& layout, Diagnostics& diag) {
  FoundAttestations out;
  for (const auto& d : layout.layout_attestations()) {
    auto bytes = layout.fetch_small(d);
    std::string where = "layout atts " + d.digest;
    if (!bytes) {
      diag.warn(where, bytes.message());
      continue;
    }
    dsse_layers([&](const Descriptor& l) { return layout.fetch_small(l); }, Manifest{kOciManifest, d.digest, *bytes},
                where, out, diag);
  }
  return out;
}

}  // namespace hallmark::oci
