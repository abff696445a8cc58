#include "hallmark/attest/image.hpp"

#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/provenance.hpp"
#include "hallmark/sbom/image.hpp"
#include "hallmark/oci/attestations.hpp"
#include "hallmark/oci/registry.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/time.hpp"

namespace hallmark {

namespace {

struct ResolvedRef {
  oci::ImageRef ref;
  oci::Descriptor subject;  // the manifest or index the reference names
};

Result<ResolvedRef> resolve_subject(const std::string& reference, const oci::SourceOptions& so,
                                    std::unique_ptr<oci::ImageSource>* keep = nullptr) {
  auto ref = oci::parse_image_ref(reference);
  if (!ref) return ref.error();
  auto source = oci::open_image_source(*ref, so);
  if (!source) return source.error();
  auto top = (*source)->top_manifest();
  if (!top) return top.error();
  ResolvedRef out{*ref, oci::Descriptor{top->media_type, top->digest, int64_t(top->bytes.size()), "", {}, nullptr}};
  if (keep) *keep = std::move(*source);
  return out;
}

oci::RegistryClient client_for(const oci::ImageRef& ref, const oci::SourceOptions& so) {
  oci::RegistryOptions ro;
  ro.env = so.env;
  ro.insecure_registries = so.insecure_registries;
  return oci::RegistryClient(ref.api_host(), ref.repository, ro);
}

std::string output_name(const oci::ImageRef& ref) {
  std::string name = ref.transport == oci::Transport::registry ? ref.repository : ref.path;
  while (!name.empty() && name.back() == '/') name.pop_back();
  name = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return (name.empty() ? std::string("image") : name) + ".intoto.jsonl";
}

}  // namespace

Result<ImageAttestOutcome> attest_image(const ImageAttestOptions& o, const std::string& version, Diagnostics& diag) {
  auto r = resolve_subject(o.reference, o.source);
  if (!r) return r.error();
  if (o.push && r->ref.transport != oci::Transport::registry)
    return make_error("--push needs a registry reference (HOST/REPO:TAG), not " + r->ref.to_string());
  AttestOptions a = o.attest;
  a.image_name = r->ref.name();
  a.image_sha256 = r->subject.digest.substr(7);
  if (a.output.empty()) a.output = output_name(r->ref);
  a.bundle = false;  // the .intoto.jsonl is what gets pushed; bundles are made from its envelopes
  if (a.sbom)
    a.image_bom = [&o](Diagnostics& found) -> Result<sbom::Bom> {
      sbom::ImageBomOptions io;
      io.reference = o.reference;
      io.source = o.source;
      auto b = sbom::build_image_bom(io, found);
      if (!b) return b.error();
      return std::move(b->bom);
    };
  ImageAttestOutcome out;
  out.image = o.reference;
  out.digest = r->subject.digest;
  auto attested = attest_run(a, version, diag);
  if (!attested) return attested.error();
  out.attest = std::move(*attested);
  // A refused run (a failed step) wrote nothing: nothing to push either.
  if (!o.push || !out.attest.refused.empty()) return out;

  auto text = read_file(out.attest.output, kMaxEnvelopeBytes);
  if (!text) return text.error();
  auto doc = parse_provenance(*text, out.attest.output.string());
  if (!doc) return doc.error();
  oci::RegistryClient registry = client_for(r->ref, o.source);
  std::string created = format_rfc3339_s(std::chrono::system_clock::now());
  for (const auto& env : doc->envelopes) {
    auto statement = nlohmann::json::parse(env.payload, nullptr, false);
    std::string predicate = statement.is_object() ? statement.value("predicateType", "") : "";
    std::string envelope_json = to_json(env).dump();
    HALLMARK_TRY(oci::push_cosign_attestation(registry, r->subject.digest, envelope_json, predicate));
    out.pushed.push_back(r->ref.name() + ":" + oci::cosign_attestation_tag(r->subject.digest) + " (" + predicate + ")");
    auto bundle = sigstore_bundle(env, out.attest.keyid);
    if (!bundle) return bundle.error();
    auto how = oci::push_referrer_bundle(registry, r->subject, bundle->dump(), predicate, created);
    if (how) out.pushed.push_back("referrer via " + *how + " (" + predicate + ")");
    else diag.warn("", "the Sigstore bundle referrer was not stored: " + how.message());
  }
  return out;
}

Result<ImageVerifyResult> verify_image(const ImageVerifyOptions& o, Diagnostics& diag) {
  std::unique_ptr<oci::ImageSource> source;
  auto r = resolve_subject(o.reference, o.source, &source);
  if (!r) return r.error();
  ImageVerifyResult out;
  out.image = r->ref.name();
  out.digest = r->subject.digest;
  out.tag = r->ref.digest.empty() ? r->ref.tag : "";
  oci::FoundAttestations found;
  if (r->ref.transport == oci::Transport::registry) {
    oci::RegistryClient registry = client_for(r->ref, o.source);
    auto f = oci::fetch_registry_attestations(registry, r->subject.digest, diag);
    if (!f) return f.error();
    found = std::move(*f);
  } else {
    auto f = oci::fetch_layout_attestations(*source, diag);
    if (!f) return f.error();
    found = std::move(*f);
  }
  std::vector<AttestationDocument> documents;
  for (auto& a : found.items) {
    out.found.push_back(a.where);
    // cosign's keyless form: the DSSE layer with its certificate and Rekor entry in annotations.
    std::string text = a.bundle ? std::move(a.content) : oci::cosign_keyless_bundle(a).value_or(std::move(a.content));
    documents.push_back({std::move(text), a.where});
  }
  auto v = verify_documents(o.verify, r->subject.digest.substr(7), documents);
  if (!v) return v.error();
  out.result = std::move(*v);
  if (out.result.envelope_index >= 0) out.attestation = documents[size_t(out.result.envelope_index)].where;
  return out;
}

nlohmann::json ImageVerifyResult::to_json() const {
  nlohmann::json j = result.to_json();
  j.erase("artifactSha256");
  j.erase("provenance");
  j.erase("format");
  j["image"] = image;
  j["digest"] = digest;
  j["tag"] = tag;
  j["attestation"] = attestation;
  j["attestationsFound"] = found;
  return j;
}

std::vector<std::string> ImageVerifyResult::lines() const {
  std::vector<std::string> out;
  std::string named = image + (tag.empty() ? "" : ":" + tag + " -> ") + (tag.empty() ? "@" : "") + digest;
  if (result.passed) {
    // SLSA v1 runDetails.builder.id, else v0.2's builder.id.
    const nlohmann::json predicate = result.statement.value("predicate", nlohmann::json::object());
    std::string builder = predicate.value("runDetails", nlohmann::json::object())
                              .value("builder", nlohmann::json::object())
                              .value("id", "");
    if (builder.empty()) builder = predicate.value("builder", nlohmann::json::object()).value("id", "");
    out.push_back("PASSED: " + named + " attested by " + attestation + ", signed by " + result.keyid + ", builder " +
                  builder + "; " + std::to_string(result.checks.size()) + " checks passed (" +
                  std::to_string(found.size()) + " attestation(s) found)");
    return out;
  }
  out.push_back("FAILED: " + named + ": no attestation meets every requirement (" + std::to_string(found.size()) +
                " found" + (attestation.empty() ? "" : "; closest: " + attestation) + ")");
  for (const auto& c : result.checks)
    if (!c.passed) out.push_back("FAILED: " + c.check + ": expected " + c.expected + ", got " + c.actual);
  return out;
}

}  // namespace hallmark
