#include "hallmark/attest/policy.hpp"

#include "json_path.hpp"

#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/glob.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace hallmark {

using nlohmann::json;

namespace {

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string list_or_none(const std::vector<std::string>& v) { return v.empty() ? "(none)" : join(v); }

bool any_match(const std::vector<std::string>& patterns, const std::string& value) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return wildcard_match(p, value); });
}

using attest::internal::at_path;
using attest::internal::string_at;

// The run's byproducts, or an empty array.
const json& byproducts_of(const json& statement) {
  static const json empty = json::array();
  const json* b = at_path(statement, {"predicate", "runDetails", "byproducts"});
  return b && b->is_array() ? *b : empty;
}

Result<std::vector<std::string>> string_list(const json& j, const std::string& key, const std::string& origin) {
  if (!j.is_array()) return make_error(origin + ": \"" + key + "\" must be an array of strings");
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (!v.is_string()) return make_error(origin + ": \"" + key + "\" must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

std::optional<int64_t> parse_duration_seconds(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (n > (int64_t(1) << 40)) return std::nullopt;
    n = n * 10 + (text[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string unit = text.substr(i);
  if (unit.empty() || unit == "s") return n;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  return std::nullopt;
}

std::string normalize_repo_uri(std::string uri) {
  if (uri.rfind("git+", 0) == 0) uri.erase(0, 4);
  while (!uri.empty() && uri.back() == '/') uri.pop_back();
  if (uri.size() > 4 && uri.compare(uri.size() - 4, 4, ".git") == 0) uri.resize(uri.size() - 4);
  return uri;
}

Result<Policy> policy_from_json(const std::string& text, const std::string& origin) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error("policy " + origin + " is not a JSON object (see docs/policy.md)");
  Policy p;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();  // (clang 14 cannot capture a structured binding)
    const json& value = item.value();
    auto strings = [&](std::vector<std::string>& into) -> Status {
      auto l = string_list(value, key, "policy " + origin);
      if (!l) return l.error();
      into = std::move(*l);
      return ok_status();
    };
    auto boolean = [&](bool& into) -> Status {
      if (!value.is_boolean()) return make_error("policy " + origin + ": \"" + key + "\" must be true or false");
      into = value.get<bool>();
      return ok_status();
    };
    // An empty allow-list reads as "allow all" to some and "allow none" to others: refuse it.
    auto allow_list = [&](std::vector<std::string>& into) -> Status {
      HALLMARK_TRY(strings(into));
      if (into.empty())
        return make_error("policy " + origin + ": \"" + key +
                          "\" is an empty list: name what is allowed, or remove the key to allow anything");
      return ok_status();
    };
    Status st = ok_status();
    if (key == "version" || key == "$schema" || key == "description") {
      if (key == "version" && !(value.is_number_integer() && value.get<int>() == 1))
        return make_error("policy " + origin + ": unsupported \"version\" (this hallmark reads version 1)");
    } else if (key == "allowedBuilders") st = allow_list(p.allowed_builders);
    else if (key == "allowedSourceRepos") st = allow_list(p.allowed_source_repos);
    else if (key == "allowedSourceRefs") st = allow_list(p.allowed_source_refs);
    else if (key == "allowFailedSteps") st = boolean(p.allow_failed_steps);
    else if (key == "requireCleanSource") st = boolean(p.require_clean_source);
    else if (key == "forbidRecordTampering") st = boolean(p.forbid_record_tampering);
    else if (key == "requireTraced") {
      if (value.is_boolean()) {
        st = boolean(p.require_traced);
      } else {
        st = strings(p.require_traced_steps);
        if (st && p.require_traced_steps.empty())
          return make_error("policy " + origin +
                            ": \"requireTraced\" is an empty list: write true for every step, or name the steps");
        p.require_traced = st.ok();
      }
    } else if (key == "requiredSteps") st = strings(p.required_steps);
    else if (key == "requiredStepsInOrder") st = boolean(p.required_steps_in_order);
    else if (key == "requiredStepsSucceeded") st = boolean(p.required_steps_succeeded);
    else if (key == "requireSbom") st = boolean(p.require_sbom);
    else if (key == "deniedNetworkDestinations") st = strings(p.denied_network_destinations);
    else if (key == "allowedNetworkDestinations") st = allow_list(p.allowed_network_destinations);
    else if (key == "deniedComponents") st = strings(p.denied_components);
    else if (key == "maxAge") {
      std::optional<int64_t> secs;
      if (value.is_number_integer() && value.get<int64_t>() > 0) secs = value.get<int64_t>();
      else if (value.is_string()) secs = parse_duration_seconds(value.get<std::string>());
      if (!secs)
        return make_error("policy " + origin + ": \"maxAge\" must be seconds or a duration like \"24h\" or \"7d\"");
      p.max_age_seconds = secs;
    } else {
      return make_error("policy " + origin + ": unknown key \"" + key + "\" (see docs/policy.md)");
    }
    if (!st) return st.error();
  }
  for (auto& r : p.allowed_source_repos) r = normalize_repo_uri(r);
  return p;
}

Result<Policy> load_policy(const std::filesystem::path& path) {
  auto text = read_file(path, 1 << 20);
  if (!text) return text.error();
  return policy_from_json(*text, path.string());
}

StatementSource statement_source(const json& st) {
  StatementSource out;
  const json* src = at_path(st, {"predicate", "buildDefinition", "externalParameters", "source"});
  if (src && src->is_object()) {
    out.uri = string_at(*src, {"uri"});
    out.ref = string_at(*src, {"ref"});
  } else if (src && src->is_string()) {
    std::string s = src->get<std::string>();
    // "git+https://host/repo@refs/tags/v1": the ref follows the last '@' after the host part.
    size_t scheme = s.find("://");
    size_t at = s.rfind('@');
    if (at != std::string::npos && (scheme == std::string::npos || at > s.find('/', scheme + 3))) {
      out.uri = s.substr(0, at);
      out.ref = s.substr(at + 1);
    } else {
      out.uri = s;
    }
  }
  return out;
}

namespace {

using Checks = std::vector<CheckResult>;

void add(Checks& out, const char* check, bool ok, std::string expected, std::string actual) {
  out.push_back({check, ok, std::move(expected), std::move(actual)});
}

// What the statement's step-record byproducts say about each step (annotations written by
// provenance.cpp); a field a builder did not write is absent, never guessed.
struct StepFacts {
  std::string name;
  std::optional<int64_t> exit_code;
  bool traced = false;
  const json* network = nullptr;  // annotations.networkDestinations when traced
  const json* hosts = nullptr;    // annotations.networkHosts: destination -> resolved name
  std::optional<int64_t> git_dirty;
};

std::vector<StepFacts> step_facts(const json& st) {
  std::vector<StepFacts> out;
  for (const auto& b : byproducts_of(st)) {
    StepFacts f;
    f.name = string_at(b, {"annotations", "step"});
    if (f.name.empty()) continue;
    if (const json* c = at_path(b, {"annotations", "exitCode"}); c && c->is_number_integer())
      f.exit_code = c->get<int64_t>();
    const json* t = at_path(b, {"annotations", "traced"});
    f.traced = t && t->is_boolean() && t->get<bool>();
    if (const json* n = at_path(b, {"annotations", "networkDestinations"}); n && n->is_array()) {
      f.network = n;
      f.traced = true;
    }
    if (const json* h = at_path(b, {"annotations", "networkHosts"}); h && h->is_object()) f.hosts = h;
    if (const json* d = at_path(b, {"annotations", "gitDirty"}); d && d->is_number_integer())
      f.git_dirty = d->get<int64_t>();
    out.push_back(std::move(f));
  }
  return out;
}

std::string exit_text(const StepFacts& f) {
  return f.name + " exited " + (f.exit_code ? std::to_string(*f.exit_code) : std::string("(unknown)"));
}

bool failed(const StepFacts& f) { return !f.exit_code || *f.exit_code != 0; }

void check_sources(const Policy& p, const json& st, Checks& out) {
  if (!p.allowed_builders.empty()) {
    std::string id = string_at(st, {"predicate", "runDetails", "builder", "id"});
    add(out, "policy.allowedBuilders", any_match(p.allowed_builders, id),
        "builder.id one of " + join(p.allowed_builders), id.empty() ? "(none)" : id);
  }
  StatementSource source = statement_source(st);
  const std::string& repo = source.uri;
  const std::string& ref = source.ref;
  if (!p.allowed_source_repos.empty()) {
    std::string norm = normalize_repo_uri(repo);
    add(out, "policy.allowedSourceRepos", !repo.empty() && any_match(p.allowed_source_repos, norm),
        "source repo one of " + join(p.allowed_source_repos), repo.empty() ? "(none)" : norm);
  }
  if (!p.allowed_source_refs.empty())
    add(out, "policy.allowedSourceRefs", !ref.empty() && any_match(p.allowed_source_refs, ref),
        "source ref one of " + join(p.allowed_source_refs), ref.empty() ? "(none)" : ref);
}

// requiredSteps and the rules about them each run and print their line, even when a required
// step is missing: a deploy gate should list every reason at once.
void check_required_steps(const Policy& p, const json& st, const std::vector<StepFacts>& facts, Checks& out) {
  if (p.required_steps.empty()) return;
  std::vector<std::string> names;
  if (const json* steps = at_path(st, {"predicate", "buildDefinition", "externalParameters", "steps"});
      steps && steps->is_array())
    for (const auto& s : *steps)
      if (s.is_object() && s.contains("name") && s["name"].is_string()) names.push_back(s["name"].get<std::string>());
  std::vector<std::string> missing;
  for (const auto& r : p.required_steps)
    if (std::find(names.begin(), names.end(), r) == names.end()) missing.push_back(r);
  add(out, "policy.requiredSteps", missing.empty(), "steps " + join(p.required_steps),
      "steps " + list_or_none(names) + (missing.empty() ? "" : " (missing " + join(missing) + ")"));
  if (p.required_steps_in_order) {
    // First occurrence of each required step must come in the policy's order.
    std::vector<std::string> seen;
    for (const auto& n : names)
      if (std::find(p.required_steps.begin(), p.required_steps.end(), n) != p.required_steps.end() &&
          std::find(seen.begin(), seen.end(), n) == seen.end())
        seen.push_back(n);
    add(out, "policy.requiredStepsInOrder", seen == p.required_steps, "order " + join(p.required_steps, " -> "),
        "order " + (seen.empty() ? std::string("(none)") : join(seen, " -> ")));
  }
  if (p.required_steps_succeeded) {
    std::vector<std::string> bad;
    for (const auto& f : facts)
      if (std::find(p.required_steps.begin(), p.required_steps.end(), f.name) != p.required_steps.end() && failed(f))
        bad.push_back(exit_text(f));
    // A missing step is requiredSteps' failure; this rule judges the steps that ran.
    add(out, "policy.requiredStepsSucceeded", bad.empty(), "required steps exit 0",
        !bad.empty()      ? join(bad)
        : missing.empty() ? "all exit 0"
                          : "all present exit 0");
  }
}

// Without "allowFailedSteps": true, a step that failed anywhere in the run fails verify: a
// release built by a pipeline whose tests failed is not one to deploy by default.
void check_failed_steps(const Policy& p, const std::vector<StepFacts>& facts, Checks& out) {
  if (p.allow_failed_steps) return;
  std::vector<std::string> bad;
  for (const auto& f : facts)
    if (failed(f)) bad.push_back(exit_text(f));
  if (facts.empty()) return;  // no step records among the byproducts: nothing recorded to judge
  add(out, "stepsSucceeded", bad.empty(), "every recorded step exited 0 (a policy may set \"allowFailedSteps\": true)",
      bad.empty() ? "all exit 0" : join(bad));
}

void check_traced_and_clean(const Policy& p, const std::vector<StepFacts>& facts, Checks& out) {
  if (p.require_traced) {
    std::vector<std::string> untraced;
    if (p.require_traced_steps.empty()) {
      for (const auto& f : facts)
        if (!f.traced) untraced.push_back(f.name);
    } else {
      for (const auto& want : p.require_traced_steps) {
        auto it = std::find_if(facts.begin(), facts.end(), [&](const StepFacts& f) { return f.name == want; });
        if (it == facts.end()) untraced.push_back(want + " (not in the run)");
        else if (!it->traced) untraced.push_back(want);
      }
    }
    std::string which = p.require_traced_steps.empty() ? "every step" : "steps " + join(p.require_traced_steps);
    add(out, "policy.requireTraced", untraced.empty() && !facts.empty(), which + " traced (hallmark run --trace)",
        facts.empty()      ? "no step records among the byproducts"
        : untraced.empty() ? "traced"
                           : "untraced: " + join(untraced));
  }
  if (p.require_clean_source) {
    std::vector<std::string> dirty;
    for (const auto& f : facts)
      if (!f.git_dirty) dirty.push_back(f.name + " (no git context)");
      else if (*f.git_dirty != 0)
        dirty.push_back(f.name + " (" + std::to_string(*f.git_dirty) + " tracked files changed)");
    add(out, "policy.requireCleanSource", dirty.empty() && !facts.empty(), "a clean git tree at every step",
        facts.empty()   ? "no step records among the byproducts"
        : dirty.empty() ? "clean"
                        : join(dirty));
  }
}

void check_max_age(const Policy& p, const json& st, SystemTime now, Checks& out) {
  if (!p.max_age_seconds) return;
  std::string when = string_at(st, {"predicate", "runDetails", "metadata", "finishedOn"});
  if (when.empty()) when = string_at(st, {"predicate", "runDetails", "metadata", "startedOn"});
  auto t = parse_rfc3339(when);
  std::string expected = "finished within " + std::to_string(*p.max_age_seconds) + " s";
  if (!t) {
    add(out, "policy.maxAge", false, expected, when.empty() ? "no finishedOn" : "unparseable finishedOn " + when);
    return;
  }
  auto age = std::chrono::duration_cast<std::chrono::seconds>(now - *t).count();
  add(out, "policy.maxAge", age <= *p.max_age_seconds, expected,
      "finished " + when + " (" + std::to_string(age) + " s ago)");
}

void check_sbom(const Policy& p, const json& st, Checks& out) {
  if (!p.require_sbom) return;
  std::vector<std::string> sboms;
  for (const auto& b : byproducts_of(st)) {
    std::string media = string_at(b, {"mediaType"});
    const json* flag = at_path(b, {"annotations", "sbom"});
    if (media.find("cyclonedx") != std::string::npos || media.find("spdx") != std::string::npos ||
        (flag && flag->is_boolean() && flag->get<bool>()))
      sboms.push_back(string_at(b, {"name"}));
  }
  add(out, "policy.requireSbom", !sboms.empty(), "an SBOM among the byproducts",
      sboms.empty() ? "no SBOM byproduct" : "SBOM " + join(sboms));
}

// The names a destination ("addr:port") is matched by: itself, its address, and the host name
// the step resolved it from (with and without the port).
std::vector<std::string> destination_forms(const std::string& dest, const json* hosts) {
  std::vector<std::string> forms{dest, dest.substr(0, dest.rfind(':'))};
  if (hosts)
    if (auto h = hosts->find(dest); h != hosts->end() && h->is_string() && !h->get<std::string>().empty()) {
      forms.push_back(h->get<std::string>() + dest.substr(dest.rfind(':')));
      forms.push_back(h->get<std::string>());
    }
  return forms;
}

// deniedNetworkDestinations (no connection matches) and allowedNetworkDestinations (every one
// matches). Untraced steps cannot be judged: a FAILED line when the policy requires tracing,
// else a WARNING line. Never silence, which would read as "no denied connection".
void check_network(const Policy& p, const std::vector<StepFacts>& facts, Checks& out) {
  struct Rule {
    const char* name;
    const std::vector<std::string>& patterns;
    bool deny;
  };
  for (const Rule& rule : {Rule{"policy.deniedNetworkDestinations", p.denied_network_destinations, true},
                           Rule{"policy.allowedNetworkDestinations", p.allowed_network_destinations, false}}) {
    if (rule.patterns.empty()) continue;
    std::vector<std::string> hits, untraced;
    for (const auto& f : facts) {
      if (!f.network) {
        untraced.push_back(f.name);
        continue;
      }
      for (const auto& d : *f.network) {
        if (!d.is_string()) continue;
        std::string dest = d.get<std::string>();
        auto forms = destination_forms(dest, f.hosts);
        bool matched =
            std::any_of(forms.begin(), forms.end(), [&](const std::string& v) { return any_match(rule.patterns, v); });
        if (matched == rule.deny)
          hits.push_back(f.name + " -> " + dest + (forms.size() > 2 ? " (" + forms.back() + ")" : ""));
      }
    }
    std::string expected = (rule.deny ? "no connection to " : "connections only to ") + join(rule.patterns);
    if (!hits.empty() || (untraced.empty() && !facts.empty())) {
      add(out, rule.name, hits.empty(), expected,
          hits.empty() ? (rule.deny ? "none" : "every connection allowed")
                       : (rule.deny ? "" : "not allowed: ") + join(hits));
      continue;
    }
    std::string actual =
        facts.empty() ? "no step records to judge" : "steps not traced, connections unknown: " + join(untraced);
    // An allow-list claims every connection is known: unknown ones fail it. A deny-list only
    // warns (docs/policy.md), unless tracing is required.
    if (p.require_traced || !rule.deny) add(out, rule.name, false, expected + " in traced steps", actual);
    else out.push_back({rule.name, true, expected, actual, true});
  }
}

// Findings in step byproducts (seen by the tracer, or by the step's seal check) and in attest's
// own "record-dir" byproduct. Without the rule they are a WARNING line, never silence.
void check_record_tampering(const Policy& p, const json& st, Checks& out) {
  std::vector<std::string> hits;
  for (const auto& b : byproducts_of(st)) {
    const json* t = at_path(b, {"annotations", "recordTampering"});
    if (!t || !t->is_array()) continue;
    std::string where = string_at(b, {"annotations", "step"});
    for (const auto& x : *t)
      if (x.is_object())
        hits.push_back((where.empty() ? "" : where + ": ") + x.value("path", std::string("?")) + " " +
                       x.value("change", std::string("changed")) + " (" + x.value("detectedBy", std::string("?")) +
                       ")");
  }
  const std::string expected = "no change to the record dir that hallmark did not make";
  if (p.forbid_record_tampering)
    add(out, "policy.forbidRecordTampering", hits.empty(), expected, hits.empty() ? "none" : join(hits));
  else if (!hits.empty())
    out.push_back({"policy.forbidRecordTampering", true, expected + " (not required)", join(hits), true});
}

void check_components(const Policy& p, const json& st, Checks& out) {
  if (p.denied_components.empty()) return;
  std::set<std::string> hits;
  bool have_components = false;
  auto consider = [&](const std::string& id) {
    if (!id.empty() && any_match(p.denied_components, id)) hits.insert(id);
  };
  for (const auto& b : byproducts_of(st)) {
    const json* comps = at_path(b, {"annotations", "components"});
    if (!comps || !comps->is_array()) continue;
    have_components = true;
    for (const auto& c : *comps)
      if (c.is_string()) consider(c.get<std::string>());
  }
  if (const json* deps = at_path(st, {"predicate", "buildDefinition", "resolvedDependencies"});
      deps && deps->is_array())
    for (const auto& d : *deps) {
      consider(string_at(d, {"uri"}));
      consider(string_at(d, {"name"}));
    }
  if (have_components || !hits.empty()) {
    std::vector<std::string> denied(hits.begin(), hits.end());
    add(out, "policy.deniedComponents", hits.empty(), "none of " + join(p.denied_components),
        hits.empty() ? "none" : join(denied));
    out.back().offending = std::move(denied);
  } else
    out.push_back({"policy.deniedComponents", true, "none of " + join(p.denied_components),
                   "no SBOM components among the byproducts to judge", true});
}

}  // namespace

std::vector<CheckResult> evaluate_policy(const Policy& p, const json& st, SystemTime now) {
  std::vector<CheckResult> out;
  std::vector<StepFacts> facts = step_facts(st);
  check_sources(p, st, out);
  check_required_steps(p, st, facts, out);
  check_failed_steps(p, facts, out);
  check_traced_and_clean(p, facts, out);
  check_max_age(p, st, now, out);
  check_sbom(p, st, out);
  check_network(p, facts, out);
  check_components(p, st, out);
  check_record_tampering(p, st, out);
  return out;
}

}  // namespace hallmark
