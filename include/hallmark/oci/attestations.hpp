// Where attestations of an image live, in the conventions cosign and the OCI 1.1 spec set:
//  - cosign's tag scheme: the manifest at tag `sha256-<hex>.att` in the image's repository, one
//    layer per DSSE envelope (mediaType application/vnd.dsse.envelope.v1+json, annotations
//    "dev.cosignproject.cosign/signature" and "predicateType"); attesting again appends a layer;
//  - OCI 1.1 referrers: a manifest whose `subject` is the image, artifactType
//    application/vnd.dev.sigstore.bundle.v0.3+json, its one layer a Sigstore bundle (cosign's
//    bundle spec). Found through the referrers API, or the `sha256-<hex>` tag (an index) that
//    registries without the API are given instead (distribution-spec "referrers tag schema");
//  - `cosign save` layouts: index.json entries annotated kind=dev.cosignproject.cosign/atts.
#pragma once

#include "hallmark/util/diagnostics.hpp"
#include "hallmark/oci/image.hpp"
#include "hallmark/oci/registry.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hallmark::oci {

inline constexpr const char* kDsseLayer = "application/vnd.dsse.envelope.v1+json";
inline constexpr const char* kSigstoreBundleArtifact = "application/vnd.dev.sigstore.bundle.v0.3+json";

// A stored attestation as found: `where` says which (for the user), `content` is the DSSE
// envelope JSON or the Sigstore bundle JSON, `bundle` tells which.
struct StoredAttestation {
  std::string where;
  std::string content;
  bool bundle = false;
  std::map<std::string, std::string> annotations;
};

// cosign's keyless attestation (`cosign attest` without a key): a DSSE layer whose annotations
// carry the Fulcio certificate (dev.sigstore.cosign/certificate, PEM) and the Rekor entry with
// its signed entry timestamp (dev.sigstore.cosign/bundle). Rewritten as the Sigstore bundle v0.1
// it is equivalent to, so one verifier checks both; nullopt when the annotations are not there.
std::optional<std::string> cosign_keyless_bundle(const StoredAttestation& layer);

// The cosign tag of an image digest: "sha256-<hex>.att"; the referrers fallback tag: "sha256-<hex>".
std::string cosign_attestation_tag(const std::string& digest);
std::string referrers_fallback_tag(const std::string& digest);

// Appends `envelope_json` as a layer of the `.att` manifest (kept when already there).
Status push_cosign_attestation(RegistryClient& registry, const std::string& subject_digest,
                               const std::string& envelope_json, const std::string& predicate_type);

// Pushes a referrer holding `bundle_json`; through the fallback tag when the registry has no
// referrers API. Returns how it was stored ("referrers API" or "tag sha256-...").
Result<std::string> push_referrer_bundle(RegistryClient& registry, const Descriptor& subject,
                                         const std::string& bundle_json, const std::string& predicate_type,
                                         const std::string& created);

// Every attestation stored for `subject_digest`, from all three places (the layout only for a
// layout source). Unreadable individual entries are skipped with a warning in `diag`; an
// unreachable registry is an error.
struct FoundAttestations {
  std::vector<StoredAttestation> items;
};
Result<FoundAttestations> fetch_registry_attestations(RegistryClient& registry, const std::string& subject_digest,
                                                      Diagnostics& diag);
Result<FoundAttestations> fetch_layout_attestations(ImageSource& layout, Diagnostics& diag);

}  // namespace hallmark::oci
