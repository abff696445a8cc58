// The run report (include/hallmark/detect/report.hpp, docs/detection.md).
#include "hallmark/detect/report.hpp"

#include "hallmark/util/time.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

namespace hallmark {

namespace {

constexpr size_t kMaxRows = 500;  // per table: the record has the rest

std::string esc(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) switch (c) {
    case '&': o += "&amp;"; break;
    case '<': o += "&lt;"; break;
    case '>': o += "&gt;"; break;
    case '"': o += "&quot;"; break;
    default: o += c;
    }
  return o;
}

int64_t ms_of(const std::string& t) {
  auto p = parse_rfc3339(t);
  return p ? unix_nanos(*p) / 1000000 : 0;
}

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string status_of(const StepRecord& r) {
  if (!r.spawn_error.empty()) return r.spawn_error;
  if (r.signal) return "signal " + std::to_string(r.signal);
  return "exit " + std::to_string(r.exit_code);
}

std::string short_hex(const std::string& h) { return h.size() > 16 ? h.substr(0, 16) + "…" : h; }

const char* kStyle = R"CSS(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;color:#1b1f24;padding:0 1em}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.6em 0 .4em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}code,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.ok{color:#1a7f37}.bad{color:#cf222e;font-weight:600}.muted{color:#57606a}
.alert{border:2px solid #cf222e;background:#fff5f5;border-radius:6px;padding:.6em 1em;margin:1em 0}
.alert h2{border:0;margin:.2em 0;color:#cf222e}.clean{border:2px solid #1a7f37;background:#f3fff5;border-radius:6px;padding:.6em 1em}
.kind{display:inline-block;background:#cf222e;color:#fff;border-radius:3px;padding:0 5px;font-size:12px}
.new{color:#cf222e;font-weight:600}svg{display:block;margin:.3em 0}svg text{font:11px system-ui,sans-serif}
)CSS";

struct Lane {
  int64_t end = 0;
};

// Processes packed into lanes (first lane whose last process ended before this one started).
std::string gantt(const StepRecord& r) {
  const auto& ps = r.trace->processes;
  if (ps.empty()) return {};
  int64_t t0 = ms_of(r.started), t1 = std::max(ms_of(r.finished), t0 + 1);
  std::vector<size_t> order(ps.size());
  std::vector<std::pair<int64_t, int64_t>> span(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    order[i] = i;
    int64_t s = ms_of(ps[i].started), e = ms_of(ps[i].finished);
    if (s == 0) s = t0;
    if (e < s) e = s;
    span[i] = {s, e};
    t1 = std::max(t1, e);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return span[a].first < span[b].first; });
  std::vector<int64_t> lane_end;
  std::vector<size_t> lane_of(ps.size());
  for (size_t i : order) {
    size_t l = 0;
    while (l < lane_end.size() && lane_end[l] > span[i].first) ++l;
    if (l == lane_end.size()) lane_end.push_back(0);
    lane_end[l] = std::max(span[i].second, span[i].first + 1);
    lane_of[i] = l;
  }
  const double width = 1000, row = 6;
  double scale = width / double(t1 - t0);
  size_t lanes = lane_end.size();
  std::string o = "<svg width=\"100%\" viewBox=\"0 0 1000 " + fmt(lanes * row + 14) +
                  "\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"processes of " + esc(r.name) + "\">";
  o += "<text x=\"0\" y=\"11\">0 ms</text><text x=\"1000\" y=\"11\" text-anchor=\"end\">" + std::to_string(t1 - t0) +
       " ms</text>";
  for (size_t i = 0; i < ps.size(); ++i) {
    const auto& p = ps[i];
    bool failed = p.exit_code > 0 || p.signal != 0;
    std::string name = p.exe.empty() ? (p.argv.empty() ? "?" : p.argv[0]) : p.exe;
    o += "<rect x=\"" + fmt((span[i].first - t0) * scale) + "\" y=\"" + fmt(14 + lane_of[i] * row) + "\" width=\"" +
         fmt(std::max(0.5, (span[i].second - span[i].first) * scale)) + "\" height=\"5\" fill=\"" +
         (failed ? "#cf222e" : "#0969da") + "\"><title>" + esc(name.substr(name.rfind('/') + 1)) + " " +
         std::to_string(span[i].second - span[i].first) + " ms</title></rect>";
  }
  o += "</svg>";
  return o;
}

}  // namespace

namespace {

// A section's table, or the note that it has nothing; past kMaxRows rows (`n` counted them all)
// the rest is left to the step records.
void table_or_note(std::string& o, const std::string& rows, const char* header, const char* empty, size_t n) {
  if (rows.empty()) o += std::string("<p class=\"muted\">") + empty + "</p>";
  else o += std::string("<table><tr>") + header + "</tr>" + rows + "</table>";
  if (n > kMaxRows) o += "<p class=\"muted\">" + std::to_string(n - kMaxRows) + " more in the step records.</p>";
}

bool step_failed(const StepRecord& s) { return s.exit_code != 0 || !s.spawn_error.empty(); }

void head_section(std::string& o, const RunInfo& run, const std::vector<StepRecord>& steps, size_t anomalies) {
  size_t failed = 0;
  for (const auto& s : steps) failed += step_failed(s) ? 1 : 0;
  o += "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
       "content=\"width=device-width\"><title>hallmark run " +
       esc(run.id) + "</title><style>" + kStyle + "</style></head><body>";
  o += "<h1>hallmark run <code>" + esc(run.id) + "</code></h1><p class=\"muted\">started " + esc(run.started) + " · " +
       std::to_string(steps.size()) + " steps · " +
       (failed ? "<span class=\"bad\">" + std::to_string(failed) + " failed</span>"
               : "<span class=\"ok\">all succeeded</span>") +
       " · " + (anomalies ? "<span class=\"bad\">" + std::to_string(anomalies) + " anomalies</span>" : "no anomalies") +
       "</p>";
}

// Anomalies first: what a person must look at.
void anomalies_section(std::string& o, const std::vector<StepRecord>& steps, size_t anomalies) {
  if (!anomalies) {
    o += "<section class=\"clean\" id=\"anomalies\">No anomalies: every step behaved as in its baseline (or has "
         "none yet).</section>";
    return;
  }
  o += "<section class=\"alert\" id=\"anomalies\"><h2>Anomalies: behaviour the baseline never had</h2><table><tr>"
       "<th>step</th><th>kind</th><th>what</th><th>baseline</th></tr>";
  for (const auto& s : steps)
    for (const auto& a : s.anomalies)
      o += "<tr><td>" + esc(s.name) + "</td><td><span class=\"kind\">" + esc(a.kind) + "</span></td><td>" +
           esc(a.message) + "</td><td>not seen in " + std::to_string(a.baseline_runs) + " runs</td></tr>";
  o += "</table></section>";
}

void timeline_section(std::string& o, const std::vector<StepRecord>& steps) {
  int64_t t0 = 0, t1 = 0;
  for (const auto& s : steps) {
    int64_t a = ms_of(s.started), b = ms_of(s.finished);
    if (a && (!t0 || a < t0)) t0 = a;
    t1 = std::max(t1, b);
  }
  o += "<h2 id=\"timeline\">Timeline</h2>";
  if (!t0 || t1 <= t0) return;
  double scale = 760.0 / double(t1 - t0);
  o += "<svg width=\"100%\" viewBox=\"0 0 1000 " + std::to_string(steps.size() * 20 + 4) +
       "\" role=\"img\" aria-label=\"steps\">";
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& s = steps[i];
    double x = 230 + (ms_of(s.started) - t0) * scale, w = std::max(1.0, (ms_of(s.finished) - ms_of(s.started)) * scale);
    o += "<text x=\"0\" y=\"" + std::to_string(i * 20 + 15) + "\">" + esc(s.name.substr(0, 32)) + "</text><rect x=\"" +
         fmt(x) + "\" y=\"" + std::to_string(i * 20 + 4) + "\" width=\"" + fmt(w) + "\" height=\"14\" fill=\"" +
         (step_failed(s)        ? "#cf222e"
          : s.anomalies.empty() ? "#2da44e"
                                : "#bf8700") +
         "\"><title>" + esc(s.name) + ": " + esc(status_of(s)) + ", " + std::to_string(s.duration_ms) +
         " ms</title></rect>";
  }
  o += "</svg>";
}

// Steps and exit statuses, then each traced step's processes as a Gantt chart.
void steps_section(std::string& o, const std::vector<StepRecord>& steps) {
  o += "<h2 id=\"steps\">Steps</h2><table><tr><th>step</th><th>status</th><th>duration</th><th>materials</th>"
       "<th>products</th><th>processes</th><th>anomalies</th></tr>";
  for (const auto& s : steps)
    o += "<tr><td>" + esc(s.name) + "</td><td class=\"" + (step_failed(s) ? "bad" : "ok") + "\">" + esc(status_of(s)) +
         "</td><td>" + std::to_string(s.duration_ms) + " ms</td><td>" + std::to_string(s.materials.size()) +
         "</td><td>" + std::to_string(s.products.size()) + "</td><td>" +
         (s.trace ? std::to_string(s.trace->processes.size()) : std::string("<span class=\"muted\">untraced</span>")) +
         "</td><td" + (s.anomalies.empty() ? ">0" : " class=\"bad\">" + std::to_string(s.anomalies.size())) +
         "</td></tr>";
  o += "</table>";
  for (const auto& s : steps)
    if (s.trace && !s.trace->processes.empty()) o += "<h3>" + esc(s.name) + ": processes</h3>" + gantt(s);
}

void egress_section(std::string& o, const std::vector<StepRecord>& steps) {
  o += "<h2 id=\"egress\">Network destinations</h2>";
  std::string rows;
  size_t n = 0;
  for (const auto& s : steps) {
    if (!s.trace) continue;
    std::unordered_map<int64_t, std::string> exe_of;
    for (const auto& p : s.trace->processes) exe_of[p.pid] = p.exe;
    std::set<std::string> seen;
    for (const auto& c : s.trace->network) {
      if (c.family != "inet" && c.family != "inet6") continue;
      std::string dest = (c.family == "inet6" ? "[" + c.address + "]" : c.address) + ":" + std::to_string(c.port);
      std::string exe = exe_of.count(c.pid) ? exe_of[c.pid] : "";
      if (!seen.insert(dest + "\n" + exe).second || ++n > kMaxRows) continue;
      bool is_new = false;
      for (const auto& a : s.anomalies)
        is_new = is_new ||
                 (a.kind == "egress" && (a.value == dest || (!c.host.empty() && a.value.rfind(c.host + ":", 0) == 0)));
      rows += "<tr><td>" + esc(s.name) + "</td><td class=\"mono\">" + esc(c.host) + "</td><td class=\"mono\">" +
              esc(dest) + "</td><td>" + (c.transport.empty() ? "" : esc(c.transport)) + "</td><td class=\"mono\">" +
              esc(exe) + "</td><td>" + (c.success ? "" : "refused/failed") + "</td><td" +
              (is_new ? " class=\"new\">new" : ">") + "</td></tr>";
    }
  }
  table_or_note(
      o, rows,
      "<th>step</th><th>host</th><th>address</th><th>transport</th><th>process</th><th>result</th><th>baseline</th>",
      "None recorded (untraced steps record no connections).", n);
}

void programs_section(std::string& o, const std::vector<StepRecord>& steps) {
  o += "<h2 id=\"programs\">Programs run</h2>";
  std::string rows;
  size_t n = 0;
  for (const auto& s : steps) {
    if (!s.trace) continue;
    std::map<std::string, std::pair<std::string, int64_t>> by;
    for (const auto& p : s.trace->processes)
      if (!p.exe.empty()) {
        auto& e = by[p.exe];
        if (e.first.empty()) e.first = p.exe_sha256;
        ++e.second;
      }
    std::set<std::string> new_exec;
    for (const auto& a : s.anomalies)
      if (a.kind == "exec" || a.kind == "toolchain") new_exec.insert(a.message);
    for (const auto& [exe, v] : by) {
      if (++n > kMaxRows) continue;
      bool is_new = false;
      for (const auto& m : new_exec) is_new = is_new || m.find(exe.substr(exe.rfind('/') + 1)) != std::string::npos;
      rows += "<tr><td>" + esc(s.name) + "</td><td class=\"mono\">" + esc(exe) + "</td><td class=\"mono\">" +
              esc(short_hex(v.first)) + "</td><td>" + std::to_string(v.second) + "</td><td" +
              (is_new ? " class=\"new\">new" : ">") + "</td></tr>";
    }
  }
  table_or_note(o, rows, "<th>step</th><th>program</th><th>sha256</th><th>processes</th><th>baseline</th>",
                "None recorded (untraced steps record no programs).", n);
}

void artifacts_section(std::string& o, const std::vector<StepRecord>& steps) {
  o += "<h2 id=\"artifacts\">Artifacts</h2>";
  std::string rows;
  size_t n = 0;
  for (const auto& s : steps)
    for (const auto& p : s.products) {
      if (++n > kMaxRows) continue;
      auto it = p.digests.find("sha256");
      rows += "<tr><td>" + esc(s.name) + "</td><td class=\"mono\">" + esc(p.path) + "</td><td class=\"mono\">" +
              (it == p.digests.end() ? std::string() : "sha256:" + esc(it->second)) + "</td><td>" +
              std::to_string(p.size) + "</td></tr>";
    }
  table_or_note(o, rows, "<th>step</th><th>path</th><th>digest</th><th>bytes</th>", "No products.", n);
  o += "<p class=\"muted\">Verification: <code>hallmark attest</code> signs these; <code>hallmark verify</code> checks "
       "an "
       "artifact against the provenance.</p>";
}

// Dependencies against the baseline.
void dependencies_section(std::string& o, const std::vector<StepRecord>& steps) {
  o += "<h2 id=\"sbom\">Dependencies: diff against the baseline</h2>";
  std::string rows;
  for (const auto& s : steps)
    for (const auto& a : s.anomalies)
      if (a.kind == "dependency")
        rows += "<tr><td>" + esc(s.name) + "</td><td class=\"mono new\">+ " + esc(a.value) + "</td></tr>";
  table_or_note(o, rows, "<th>step</th><th>new component</th>", "No component outside the baseline.", 0);
}

}  // namespace

std::string render_report_html(const RunInfo& run, const std::vector<StepRecord>& steps) {
  std::string o;
  o.reserve(64 << 10);
  size_t anomalies = 0;
  for (const auto& s : steps) anomalies += s.anomalies.size();
  head_section(o, run, steps, anomalies);
  anomalies_section(o, steps, anomalies);
  timeline_section(o, steps);
  steps_section(o, steps);
  egress_section(o, steps);
  programs_section(o, steps);
  artifacts_section(o, steps);
  dependencies_section(o, steps);
  o += "<p class=\"muted\">hallmark report · the step records are the evidence; this page is a view of "
       "them.</p></body></html>\n";
  return o;
}

}  // namespace hallmark
