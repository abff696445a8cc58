#include "hallmark/attest/github.hpp"

#include "json_path.hpp"

#include "hallmark/attest/provenance.hpp"

namespace hallmark {

using attest::internal::string_at;

bool is_slsa_provenance(std::string_view t) { return t == kSlsaProvenanceV1 || t == kSlsaProvenanceV02; }

std::string provenance_builder_id(const nlohmann::json& st) {
  std::string v1 = string_at(st, {"predicate", "runDetails", "builder", "id"});
  return v1.empty() ? string_at(st, {"predicate", "builder", "id"}) : v1;
}

std::string canonical_repo(std::string uri) {
  if (uri.rfind("git+", 0) == 0) uri.erase(0, 4);
  for (const char* scheme : {"https://", "http://"})
    if (uri.rfind(scheme, 0) == 0) uri.erase(0, std::string(scheme).size());
  if (auto at = uri.find('@'); at != std::string::npos) uri.resize(at);
  while (!uri.empty() && uri.back() == '/') uri.pop_back();
  if (uri.size() > 4 && uri.compare(uri.size() - 4, 4, ".git") == 0) uri.resize(uri.size() - 4);
  return uri;
}

bool versioned_tag_matches(const std::string& prefix, const std::string& tag) {
  auto parts = [](std::string s) {
    std::vector<std::string> out;
    if (!s.empty() && s[0] == 'v') s.erase(0, 1);
    if (auto cut = s.find_first_of("-+"); cut != std::string::npos) s.resize(cut);
    size_t start = 0;
    for (;;) {
      size_t dot = s.find('.', start);
      out.push_back(s.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return out;
  };
  if (prefix.empty() || prefix[0] != 'v' || tag.empty() || tag[0] != 'v') return false;
  auto want = parts(prefix), have = parts(tag);
  if (want.size() > have.size() || want.size() > 3) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (want[i].empty() || want[i] != have[i] || want[i].find_first_not_of("0123456789") != std::string::npos)
      return false;
  return true;
}

namespace {

// The source the provenance names, as "uri" and "ref": v1 externalParameters (ours or GitHub's
// workflow.repository/ref) or v0.2 invocation.configSource ("git+https://...@refs/...").
std::pair<std::string, std::string> provenance_source(const nlohmann::json& st) {
  StatementSource s = statement_source(st);
  if (!s.uri.empty()) return {s.uri, s.ref};
  std::string repo = string_at(st, {"predicate", "buildDefinition", "externalParameters", "workflow", "repository"});
  if (!repo.empty())
    return {repo, string_at(st, {"predicate", "buildDefinition", "externalParameters", "workflow", "ref"})};
  std::string uri = string_at(st, {"predicate", "invocation", "configSource", "uri"});
  auto at = uri.rfind('@');
  return {uri, at == std::string::npos ? std::string{} : uri.substr(at + 1)};
}

std::string or_none(const std::string& s) { return s.empty() ? "(none)" : s; }

}  // namespace

std::vector<CheckResult> github_checks(const BuildRequirement& want, const sigstore::CertificateClaims& c,
                                       const nlohmann::json& st) {
  std::vector<CheckResult> out;
  if (!want.builder_id.empty()) {
    bool with_ref = want.builder_id.find('@') != std::string::npos;
    std::string actual = c.build_signer_uri;
    std::string compared = with_ref ? actual : actual.substr(0, actual.find('@'));
    out.push_back(
        {"github.builderId", !actual.empty() && compared == want.builder_id, want.builder_id, or_none(actual)});
  }
  if (!want.source_uri.empty()) {
    std::string w = canonical_repo(want.source_uri);
    out.push_back({"github.sourceUri", !c.source_repository_uri.empty() && canonical_repo(c.source_repository_uri) == w,
                   w, "certificate " + or_none(c.source_repository_uri)});
    if (!st.is_null()) {
      std::string uri = provenance_source(st).first;
      out.push_back(
          {"provenance.sourceUri", !uri.empty() && canonical_repo(uri) == w, w, "provenance " + or_none(uri)});
    }
  }
  const std::string& ref = c.source_repository_ref;
  if (!want.source_branch.empty())
    out.push_back({"github.sourceBranch", ref == "refs/heads/" + want.source_branch || ref == want.source_branch,
                   "refs/heads/" + want.source_branch, or_none(ref)});
  if (!want.source_tag.empty())
    out.push_back({"github.sourceTag", ref == "refs/tags/" + want.source_tag || ref == want.source_tag,
                   "refs/tags/" + want.source_tag, or_none(ref)});
  if (!want.source_versioned_tag.empty())
    out.push_back({"github.sourceVersionedTag",
                   ref.rfind("refs/tags/", 0) == 0 && versioned_tag_matches(want.source_versioned_tag, ref.substr(10)),
                   "a tag with semver prefix " + want.source_versioned_tag, or_none(ref)});
  return out;
}

}  // namespace hallmark
