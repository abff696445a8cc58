#include "hallmark/util/json_text.hpp"
#include "hallmark/attest/provenance.hpp"

#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/glob.hpp"
#include "hallmark/util/hex.hpp"
#include "hallmark/util/uri.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <system_error>

namespace hallmark {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

json digest_json(const FileEntry& e) { return statement_digest(e); }

// The products as they stand at the end of the run: a later step's product replaces an
// earlier one at the same path, and a path a later step deleted is gone.
std::map<std::string, FileEntry> final_products(const std::vector<StepRecord>& steps) {
  std::map<std::string, FileEntry> out;
  for (const auto& s : steps) {
    for (const auto& gone : s.deleted) out.erase(gone);
    for (const auto& p : s.products)
      if (p.kind == FileKind::regular && !p.digests.empty()) out[p.path] = p;
  }
  return out;
}

const GitContext* first_git(const std::vector<StepRecord>& steps) {
  for (const auto& s : steps)
    if (s.git) return &*s.git;
  return nullptr;
}

const CiContext* first_ci(const std::vector<StepRecord>& steps) {
  for (const auto& s : steps)
    if (s.ci) return &*s.ci;
  return nullptr;
}

std::string relative_cwd(const StepRecord& s) {
  if (s.workspace.empty() || s.cwd.empty()) return s.cwd;
  std::error_code ec;
  auto rel = std::filesystem::path(s.cwd).lexically_relative(s.workspace);
  if (rel.empty() || rel.native().rfind("..", 0) == 0) return s.cwd;
  return rel.generic_string();
}

void collect_cyclonedx_purls(const json& components, std::set<std::string>& out) {
  if (!components.is_array()) return;
  for (const auto& c : components) {
    if (!c.is_object()) continue;
    if (c.contains("purl") && c["purl"].is_string()) out.insert(c["purl"].get<std::string>());
    if (c.contains("components")) collect_cyclonedx_purls(c["components"], out);
  }
}

// The SBOM's media type and the purls it lists, so `verify --policy` can check denied
// components from the signed statement alone.
std::pair<std::string, std::vector<std::string>> inspect_sbom(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  std::set<std::string> purls;
  std::string media;
  if (j.is_object() && j.value("bomFormat", std::string()) == "CycloneDX") {
    media = kMediaCycloneDx;
    if (j.contains("components")) collect_cyclonedx_purls(j["components"], purls);
  } else if (j.is_object() && j.contains("spdxVersion")) {
    media = kMediaSpdx;
    if (j.contains("packages") && j["packages"].is_array())
      for (const auto& p : j["packages"]) {
        if (!p.is_object() || !p.contains("externalRefs") || !p["externalRefs"].is_array()) continue;
        for (const auto& r : p["externalRefs"])
          if (r.is_object() && r.value("referenceType", std::string()) == "purl" && r.contains("referenceLocator") &&
              r["referenceLocator"].is_string())
            purls.insert(r["referenceLocator"].get<std::string>());
      }
  }
  return {media, std::vector<std::string>(purls.begin(), purls.end())};
}

// docs/record-format.md: what changed in the record dir that hallmark did not write.
json tampering_json(const std::vector<RecordTampering>& v) {
  json a = json::array();
  for (const auto& t : v) {
    json x = {{"path", t.path}, {"change", t.change}, {"detectedBy", t.detected_by}};
    if (t.pid) x["pid"] = t.pid;
    if (!t.exe.empty()) x["exe"] = t.exe;
    a.push_back(std::move(x));
  }
  return a;
}

json step_annotations(const StepRecord& r) {
  json a = {{"step", r.name}, {"exitCode", r.exit_code}, {"startedOn", r.started}, {"finishedOn", r.finished}};
  if (r.signal) a["signal"] = r.signal;
  if (r.git) a["gitDirty"] = r.git->dirty;  // policy requireCleanSource
  if (r.trace) {
    std::set<std::string> dest;
    json hosts = json::object();  // destination -> the name the step resolved it from
    for (const auto& c : r.trace->network)
      if (c.family == "inet" || c.family == "inet6") {
        std::string d = c.family == "inet6" ? "[" + c.address + "]:" + std::to_string(c.port)
                                            : c.address + ":" + std::to_string(c.port);
        if (!c.host.empty()) hosts[d] = c.host;
        dest.insert(std::move(d));
      }
    a["traced"] = true;
    a["networkDestinations"] = std::vector<std::string>(dest.begin(), dest.end());
    if (!hosts.empty()) a["networkHosts"] = std::move(hosts);  // policy: hostnames match too
  }
  if (!r.record_tampering.empty()) a["recordTampering"] = tampering_json(r.record_tampering);
  // What the step did that its baseline never had (docs/detection.md), signed with the rest.
  if (!r.anomalies.empty()) {
    json an = json::array();
    for (const auto& x : r.anomalies)
      an.push_back({{"kind", x.kind}, {"value", x.value}, {"baselineRuns", x.baseline_runs}});
    a["anomalies"] = std::move(an);
  }
  return a;
}

std::string default_ref(const GitContext* git, const CiContext* ci) {
  if (ci && !ci->ref.empty()) return ci->ref;
  if (!git) return {};
  if (!git->branch.empty()) return "refs/heads/" + git->branch;
  if (!git->tags.empty()) return "refs/tags/" + git->tags.front();
  return git->commit;
}

}  // namespace

json statement_digest(const FileEntry& e) {
  json out = json::object();
  for (const auto& [alg, value] : e.digests) {
    std::string key = alg;
    if (e.kind == FileKind::dirhash) key = "hallmarkDirHash:" + alg;  // not a digest of any one file
    else if (alg == "gitoid:sha1") key = "gitBlob";
    out[key] = lower(value);
  }
  return out;
}

std::string git_source_uri(const std::string& remote_url, const std::string& ref, const std::string& repo_root) {
  std::string uri = remote_url.rfind("git+", 0) == 0 ? remote_url : "git+" + remote_uri(remote_url, repo_root);
  if (!ref.empty()) uri += "@" + ref;
  return uri;
}

std::string statement_payload(const json& statement) { return dump_json(statement); }

namespace {

// The run's products that --subject selects (all without it); each glob must match one.
Result<json> provenance_subject(const std::vector<StepRecord>& steps, const ProvenanceOptions& o, Provenance& out) {
  json subject = json::array();
  std::vector<bool> glob_used(o.subject_globs.size(), false);
  for (const auto& [path, entry] : final_products(steps)) {
    bool wanted = o.subject_globs.empty();
    for (size_t i = 0; i < o.subject_globs.size(); ++i)
      if (glob_match(o.subject_globs[i], path)) wanted = glob_used[i] = true;
    if (!wanted) continue;
    subject.push_back({{"name", path}, {"digest", digest_json(entry)}});
    out.subject_names.push_back(path);
  }
  for (size_t i = 0; i < o.subject_globs.size(); ++i)
    if (!glob_used[i])
      return make_error("--subject " + o.subject_globs[i] +
                        " matches no product of the run (`hallmark steps` lists them)");
  if (subject.empty())
    return make_error("the run has no products to attest: no step created or changed a file (use --products)");
  return subject;
}

// Where the source came from: git first, the CI's variables when git knows nothing.
struct Source {
  const GitContext* git;
  const CiContext* ci;
  std::string remote, ref, root, commit;
};

Source source_of(const std::vector<StepRecord>& steps) {
  Source s{first_git(steps), first_ci(steps), "", "", "", ""};
  s.remote = s.git && !s.git->remote_url.empty() ? s.git->remote_url : (s.ci ? s.ci->repository_url : "");
  s.ref = default_ref(s.git, s.ci);
  s.root = s.git && !s.git->remote_url.empty() ? s.git->root : std::string();
  s.commit = s.git && !s.git->commit.empty() ? s.git->commit : (s.ci ? s.ci->commit : "");
  return s;
}

json external_parameters(const std::vector<StepRecord>& steps, const Source& src) {
  json step_params = json::array();
  for (const auto& s : steps) step_params.push_back({{"name", s.name}, {"command", s.argv}, {"cwd", relative_cwd(s)}});
  json external = {{"pipeline", src.ci && !src.ci->pipeline.empty() ? src.ci->pipeline : "local"},
                   {"steps", step_params}};
  if (!src.remote.empty() || !src.ref.empty()) {
    json source = json::object();
    if (!src.remote.empty()) source["uri"] = git_source_uri(src.remote, "", src.root);
    if (!src.ref.empty()) source["ref"] = src.ref;
    external["source"] = source;
  }
  return external;
}

json internal_parameters(const std::vector<StepRecord>& steps, const Source& src, const ProvenanceOptions& o) {
  json internal = json::object();
  if (const CiContext* ci = src.ci) {
    json c = {{"platform", ci->platform}};
    for (auto [k, v] : {std::pair{"job", &ci->job},
                        {"runId", &ci->run_id},
                        {"runAttempt", &ci->run_attempt},
                        {"trigger", &ci->trigger},
                        {"actor", &ci->actor}})
      if (!v->empty()) c[k] = *v;
    if (!ci->selected.empty()) c["variables"] = ci->selected;
    internal["ci"] = c;
  }
  std::set<std::string> algorithms;
  for (const auto& s : steps) algorithms.insert(s.digest_algorithms.begin(), s.digest_algorithms.end());
  internal["hallmark"] = {{"digestAlgorithms", std::vector<std::string>(algorithms.begin(), algorithms.end())},
                          {"materialsInline", o.materials_inline},
                          {"recordSchema", StepRecord::kSchema}};
  if (src.git)
    internal["git"] = {{"dirty", src.git->dirty}, {"untracked", src.git->untracked}, {"shallow", src.git->shallow}};
  return internal;
}

// The source commit, the traced toolchain, and the materials: inline, or (the default) as the
// materials list attest writes beside the provenance, whose entry count `*listed` receives.
json resolved_dependencies(const std::vector<StepRecord>& steps, const Source& src, const ProvenanceOptions& o,
                           Provenance& out, size_t* listed) {
  json deps = json::array();
  if (!src.remote.empty() && !src.commit.empty())
    deps.push_back(
        {{"uri", git_source_uri(src.remote, src.ref, src.root)}, {"digest", {{"gitCommit", lower(src.commit)}}}});
  else if (!src.commit.empty())  // a repository without a remote still has its commit
    deps.push_back({{"name", "source"}, {"digest", {{"gitCommit", lower(src.commit)}}}});
  std::map<std::string, const FileEntry*> toolchain;
  for (const auto& s : steps)
    if (s.trace)
      for (const auto& t : s.trace->toolchain) toolchain.emplace(t.path, &t);
  for (const auto& [path, t] : toolchain) {
    json d = {{"name", path}, {"uri", file_uri(path)}, {"annotations", {{"toolchain", true}}}};
    if (!t->digests.empty()) d["digest"] = digest_json(*t);
    deps.push_back(std::move(d));
  }
  // Materials that the run itself produced are not dependencies: they are build outputs seen
  // again by a later step (a test step's walk includes the build's products).
  std::set<std::pair<std::string, std::string>> produced;
  for (const auto& s : steps)
    for (const auto& p : s.products)
      produced.insert({p.path, p.digests.count("sha256") ? lower(p.digests.at("sha256")) : ""});
  std::map<std::string, json> materials;
  for (const auto& s : steps)
    for (const auto& m : s.materials) {
      if (m.digests.empty()) continue;
      std::string sha = m.digests.count("sha256") ? lower(m.digests.at("sha256")) : "";
      if (produced.count({m.path, sha})) continue;
      materials.emplace(m.path, json{{"name", m.path}, {"digest", digest_json(m)}});
    }
  *listed = 0;
  if (o.materials_inline) {
    for (auto& [_, m] : materials) deps.push_back(std::move(m));
  } else {
    json list = json::array();
    for (auto& [_, m] : materials) list.push_back(std::move(m));
    out.materials_list = dump_json(list, 1) + "\n";
    *listed = list.size();
  }
  return deps;
}

json run_metadata(const std::vector<StepRecord>& steps, const CiContext* ci, const ProvenanceOptions& o) {
  std::string started = o.run_started, finished;
  for (const auto& s : steps) {
    if (!s.started.empty() && (started.empty() || s.started < started)) started = s.started;
    if (s.finished > finished) finished = s.finished;
  }
  std::string invocation = ci && !ci->run_url.empty() ? ci->run_url : "";
  if (invocation.empty() && ci && !ci->run_id.empty())
    invocation = ci->platform + ":" + ci->run_id + (ci->run_attempt.empty() ? "" : "/" + ci->run_attempt);
  if (invocation.empty()) invocation = "hallmark:run/" + o.run_id;
  json metadata = {{"invocationId", invocation}};
  if (!started.empty()) metadata["startedOn"] = started;
  if (!finished.empty()) metadata["finishedOn"] = finished;
  return metadata;
}

// The step records, SBOMs, event log (its chain head), record-dir findings and materials list.
Result<json> byproducts_of(const ProvenanceOptions& o, const Provenance& out, size_t materials_listed) {
  json byproducts = json::array();
  for (const auto& f : o.step_files) {
    auto text = read_file(f.path);
    if (!text) return text.error();
    json b = {{"name", f.name}, {"digest", {{"sha256", sha256_hex(*text)}}}, {"mediaType", kMediaStepRecord}};
    json parsed = json::parse(*text, nullptr, false);
    if (!parsed.is_discarded())
      if (auto rec = step_record_from_json(parsed); rec.ok()) b["annotations"] = step_annotations(*rec);
    byproducts.push_back(std::move(b));
  }
  for (const auto& f : o.sboms) {
    auto text = read_file(f.path);
    if (!text) return text.error();
    auto [media, purls] = inspect_sbom(*text);
    if (media.empty() && f.media_type.empty())
      return make_error(f.path.string() +
                        " is neither a CycloneDX nor an SPDX JSON SBOM (write one with hallmark sbom)");
    json b = {{"name", f.name}, {"digest", {{"sha256", sha256_hex(*text)}}}};
    b["mediaType"] = !f.media_type.empty() ? f.media_type : !media.empty() ? media : "application/json";
    b["annotations"] = {{"sbom", true}, {"components", purls}};
    byproducts.push_back(std::move(b));
  }
  std::error_code ec;
  if (!o.telemetry_log.empty() && std::filesystem::is_regular_file(o.telemetry_log, ec)) {
    auto text = read_file(o.telemetry_log);
    if (!text) return text.error();
    if (!text->empty()) {
      // The chain head pins every line of the event log (docs/telemetry.md); `verify --events`
      // compares the log it is given with this value.
      auto head = event_chain_head(o.telemetry_log);
      if (!head) return head.error();
      byproducts.push_back({{"name", o.telemetry_log.filename().string()},
                            {"digest", {{"sha256", sha256_hex(*text)}}},
                            {"mediaType", kMediaOtlpJsonl},
                            {"annotations", {{"chainHead", *head}}}});
    }
  }
  if (!o.record_tampering.empty())
    byproducts.push_back({{"name", "record-dir"},
                          {"uri", file_uri(std::filesystem::absolute(o.telemetry_log.parent_path()).string())},
                          {"annotations", {{"recordTampering", tampering_json(o.record_tampering)}}}});
  // The list is a file attest writes after the build: a byproduct, not something the build used.
  if (!o.materials_inline)
    byproducts.push_back({{"name", o.materials_list_name},
                          {"digest", {{"sha256", sha256_hex(out.materials_list)}}},
                          {"mediaType", kMediaMaterials},
                          {"annotations", {{"count", materials_listed}}}});
  return byproducts;
}

}  // namespace

Result<Provenance> build_provenance(const std::vector<StepRecord>& steps, const ProvenanceOptions& o) {
  if (steps.empty())
    return make_error("the current pipeline run has no steps: wrap build steps with `hallmark run` first");
  Provenance out;
  auto subject = provenance_subject(steps, o, out);
  if (!subject) return subject.error();
  const Source src = source_of(steps);
  size_t materials_listed = 0;
  json deps = resolved_dependencies(steps, src, o, out, &materials_listed);
  auto byproducts = byproducts_of(o, out, materials_listed);
  if (!byproducts) return byproducts.error();
  std::string builder_id = o.builder_id;
  if (builder_id.empty() && src.ci) builder_id = src.ci->builder_id;
  if (builder_id.empty()) builder_id = kLocalBuilderId;

  out.statement = {{"_type", kStatementV1},
                   {"subject", *subject},
                   {"predicateType", kSlsaProvenanceV1},
                   {"predicate",
                    {{"buildDefinition",
                      {{"buildType", kHallmarkBuildTypeV1},
                       {"externalParameters", external_parameters(steps, src)},
                       {"internalParameters", internal_parameters(steps, src, o)},
                       {"resolvedDependencies", deps}}},
                     {"runDetails",
                      {{"builder", {{"id", builder_id}, {"version", {{"hallmark", o.hallmark_version}}}}},
                       {"metadata", run_metadata(steps, src.ci, o)},
                       {"byproducts", *byproducts}}}}}};
  return out;
}

}  // namespace hallmark
