// An event log (events.otlp.jsonl): its hash chain is checked first (a broken chain is a bad
// file, ingested not at all), then the programs run (process spans) and the network
// destinations (hallmark.network.connect events) are taken from it, each tied to its run
// (cicd.pipeline.run.id of the resource of the spans in the same trace; on the spans themselves in
// logs written before it moved to the resource) and step (cicd.pipeline.task.name).
#include "document.hpp"

#include "hallmark/telemetry/event_log.hpp"
#include "hallmark/telemetry/signals.hpp"
#include "hallmark/util/hex.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

namespace hallmark::evidence {

using nlohmann::json;

namespace {

std::string attr(const json& attrs, const char* key) {
  if (!attrs.is_array()) return {};
  for (const auto& kv : attrs) {
    if (!kv.is_object() || kv.value("key", "") != key || !kv.contains("value") || !kv["value"].is_object()) continue;
    const json& v = kv["value"];
    if (v.contains("stringValue") && v["stringValue"].is_string()) return v["stringValue"].get<std::string>();
    if (v.contains("intValue"))
      return v["intValue"].is_string() ? v["intValue"].get<std::string>() : v["intValue"].dump();
  }
  return {};
}

struct SpanInfo {
  std::string parent, task, exe, trace;
};

template <class F>
void each(const json& j, const char* outer, const char* scope, const char* items, F f) {
  if (!j.contains(outer) || !j[outer].is_array()) return;
  for (const auto& r : j[outer]) {
    if (!r.is_object() || !r.contains(scope) || !r[scope].is_array()) continue;
    for (const auto& s : r[scope])
      if (s.is_object() && s.contains(items) && s[items].is_array())
        for (const auto& item : s[items])
          if (item.is_object()) f(item, r.contains("resource") ? r["resource"] : json());
  }
}

}  // namespace

Result<Document> read_event_log(const std::filesystem::path& file, const std::string& text) {
  HALLMARK_TRY(verify_event_chain(file));
  Document d;
  d.path = file;
  d.kind = "events";
  d.sha256 = sha256_hex(text);
  std::map<std::string, std::string> run_of_trace;
  std::map<std::string, SpanInfo> spans;
  std::vector<json> connects;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) return make_error(file.string() + ": a line is not JSON");
    each(j, "resourceSpans", "scopeSpans", "spans", [&](const json& s, const json& resource) {
      const json& a = s.contains("attributes") ? s["attributes"] : json();
      std::string trace = s.value("traceId", ""), run = attr(a, "cicd.pipeline.run.id");
      if (run.empty() && resource.is_object() && resource.contains("attributes"))
        run = attr(resource["attributes"], "cicd.pipeline.run.id");
      if (!run.empty() && !trace.empty()) run_of_trace.emplace(trace, run);
      spans[s.value("spanId", "")] = {s.value("parentSpanId", ""), attr(a, "cicd.pipeline.task.name"),
                                      attr(a, "process.executable.path"), trace};
    });
    each(j, "resourceLogs", "scopeLogs", "logRecords", [&](const json& l, const json&) {
      if (l.value("eventName", "") == event_name::kNetworkConnect) connects.push_back(l);
    });
  }
  auto run_of = [&](const std::string& trace) {
    auto it = run_of_trace.find(trace);
    return it == run_of_trace.end() ? std::string() : it->second;
  };
  for (const auto& [id, s] : spans) {
    if (s.exe.empty()) continue;
    std::string task = s.task;
    // A process span's step is the nearest ancestor span that names one.
    std::string p = s.parent;
    for (int depth = 0; task.empty() && !p.empty() && depth < 64; ++depth) {
      auto it = spans.find(p);
      if (it == spans.end() || it->first == id) break;
      task = it->second.task;
      p = it->second.parent;
    }
    d.execs.push_back({run_of(s.trace), task, s.exe, ""});
  }
  for (const auto& l : connects) {
    const json& a = l.contains("attributes") ? l["attributes"] : json();
    std::string port = attr(a, "server.port");
    d.egress.push_back({run_of(l.value("traceId", "")), attr(a, "cicd.pipeline.task.name"), attr(a, "server.address"),
                        std::strtoll(port.c_str(), nullptr, 10), ""});
  }
  return d;
}

}  // namespace hallmark::evidence
