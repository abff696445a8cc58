#include "hallmark/detect/detect.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

using namespace hallmark;
namespace fs = std::filesystem;

TEST_SUITE_BEGIN("detect");

namespace {

BehaviourContext ctx() {
  BehaviourContext c;
  c.workspace = "/work/ws";
  c.temp_dirs = {"/tmp", "/tmp/runner-tmp"};
  c.home = "/home/ci";
  return c;
}

StepRecord traced_step() {
  StepRecord r;
  r.name = "install";
  r.workspace = "/work/ws";
  r.env.vars = {{"PATH", "/usr/bin"}, {"HOME", "/home/ci"}};
  TraceSection t;
  ProcessRecord sh;
  sh.pid = 100;
  sh.exe = "/usr/bin/sh";
  sh.exe_sha256 = "aa";
  ProcessRecord node = sh;
  node.pid = 101;
  node.exe = "/usr/bin/node";
  node.exe_sha256 = "bb";
  for (int i = 0; i < 50; ++i) t.processes.push_back(i % 2 ? sh : node);
  t.network.push_back(Connection{"inet", "10.0.0.5", 443, true, 101, "tcp", ""});
  t.network.push_back(Connection{"inet", "127.0.0.1", 41234, true, 101, "tcp", ""});  // ephemeral test server
  t.network.push_back(Connection{"unix", "/run/x.sock", 0, true, 101, "", ""});
  t.files.push_back(FileAccess{"/tmp/tmp.AbC123xy/scratch.o", {"write", "create"}, true, 100, ""});
  t.files.push_back(FileAccess{"/home/ci/.npm/_cacache/content-v2/sha512/0a1b2c3d4e5f6a7b", {"create"}, true, 101, ""});
  t.files.push_back(FileAccess{"out/app.js", {"write"}, true, 101, ""});
  r.trace = t;
  return r;
}

Baseline baseline_of(const std::vector<BehaviourValue>& v, int64_t runs) {
  Baseline b;
  b.runs = runs;
  for (const auto& [k, val] : v) b.values[k].insert(val);
  return b;
}

bool has(const std::vector<Anomaly>& v, const std::string& kind, const std::string& value) {
  for (const auto& a : v)
    if (a.kind == kind && a.value == value) return true;
  return false;
}

}  // namespace

TEST_CASE("detect::normalise_path") {
  auto c = ctx();
  CHECK(normalise_path("/usr/bin/cc", c) == "/usr/bin/cc");
  CHECK(normalise_path("/work/ws/node_modules/.bin/x", c) == "$WORKSPACE/node_modules/.bin/x");
  CHECK(normalise_path("build/app", c) == "$WORKSPACE/build/app");
  CHECK(normalise_path("/tmp/tmp.Xk2j9aQ1/payload", c) == "$TMPDIR/*/payload");
  CHECK(normalise_path("/tmp/runner-tmp/cc-171234.s", c) == "$TMPDIR/cc-*.s");
  CHECK(normalise_path("/home/ci/.cache/go-build/0a1b2c3d4e5f6a7b8c9d", c) == "$HOME/.cache/go-build/*");
  // Ordinary names with a few digits stay as they are.
  CHECK(normalise_path("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", c) == "/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
}

TEST_CASE("detect::identical runs raise nothing") {
  StepRecord r = traced_step();
  auto now = step_behaviour(r, ctx());
  CHECK(has(std::vector<Anomaly>{}, "", "") == false);
  // The unix socket and the temp scratch file are no behaviour; the ephemeral port is normalised.
  for (const auto& [k, v] : now) {
    CHECK(v.find("/run/x.sock") == std::string::npos);
    CHECK(v.find("scratch.o") == std::string::npos);
  }
  CHECK(std::count(now.begin(), now.end(), BehaviourValue{"egress", "127.0.0.1:ephemeral"}) == 1);
  CHECK(std::count(now.begin(), now.end(),
                   BehaviourValue{"write_outside", "$HOME/.npm/_cacache/content-v2/sha512/*"}) == 1);
  CHECK(compare_behaviour(now, baseline_of(now, 10)).empty());
  // Another ephemeral port, another temp name: still nothing.
  r.trace->network[1].port = 45678;
  r.trace->files[0].path = "/tmp/tmp.ZZ99zz11/scratch.o";
  CHECK(compare_behaviour(step_behaviour(r, ctx()), baseline_of(now, 10)).empty());
}

TEST_CASE("detect::an install script calling out and running a dropped binary is flagged") {
  StepRecord clean = traced_step();
  Baseline b = baseline_of(step_behaviour(clean, ctx()), 10);
  StepRecord bad = traced_step();
  bad.trace->network.push_back(Connection{"inet", "127.0.0.2", 8443, false, 101, "tcp", ""});
  ProcessRecord dropped;
  dropped.exe = "/tmp/tmp.Qw12Er34/payload";
  dropped.exe_sha256 = "cc";
  bad.trace->processes.push_back(dropped);
  bad.env.vars["NPM_TOKEN_EXFIL"] = "x";
  auto a = compare_behaviour(step_behaviour(bad, ctx()), b);
  CHECK(has(a, "egress", "127.0.0.2:8443"));
  CHECK(has(a, "exec", "$TMPDIR/*/payload"));
  CHECK(has(a, "env", "NPM_TOKEN_EXFIL"));
  CHECK(a.size() == 3);
  for (const auto& x : a) CHECK(x.baseline_runs == 10);
  CHECK(a.front().kind == "egress");  // kinds in their fixed order
  CHECK(a.front().message == "connected to 127.0.0.2:8443");
}

TEST_CASE("detect::a changed toolchain binary is a toolchain anomaly") {
  StepRecord clean = traced_step();
  Baseline b = baseline_of(step_behaviour(clean, ctx()), 3);
  StepRecord r = traced_step();
  for (auto& p : r.trace->processes)
    if (p.exe == "/usr/bin/node") p.exe_sha256 = "dd";
  auto a = compare_behaviour(step_behaviour(r, ctx()), b);
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == "toolchain");
  CHECK(a[0].value == "/usr/bin/node dd");
  CHECK(a[0].message.find("changed digest") != std::string::npos);
}

TEST_CASE("detect::no baseline: no anomaly") {
  StepRecord r = traced_step();
  CHECK(compare_behaviour(step_behaviour(r, ctx()), Baseline{}).empty());
}

TEST_CASE("detect::parse_anomaly_kinds") {
  CHECK(parse_anomaly_kinds("").value().empty());
  CHECK(parse_anomaly_kinds("all").value().size() == 6);
  CHECK(parse_anomaly_kinds("egress,exec").value() == std::set<std::string>{"egress", "exec"});
  auto bad = parse_anomaly_kinds("egress,dns");
  REQUIRE(!bad.ok());
  CHECK(bad.message().find("'dns'") != std::string::npos);
}

TEST_CASE("detect::baseline_key") {
  StepRecord r;
  r.name = "build";
  r.workspace = "/w";
  CHECK(baseline_key(r).pipeline == "/w");
  r.git = GitContext{};
  r.git->remote_url = "https://example.com/o/r.git";
  CHECK(baseline_key(r).pipeline == "https://example.com/o/r.git /w");
  r.ci = CiContext{};
  r.ci->repository_url = "https://github.com/o/r";
  r.ci->pipeline = "CI";
  CHECK(baseline_key(r).pipeline == "https://github.com/o/r#CI");
  CHECK(baseline_key(r).step == "build");
}

TEST_CASE("detect::baselines in the store keep the last N runs") {
  fs::path dir = fs::temp_directory_path() / ("hallmark-detect-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  StoreLocation where;
  where.kind = StoreLocation::Kind::sqlite;
  where.sqlite_path = dir / "e.db";
  auto store = EvidenceStore::open(where);
  REQUIRE(store.ok());
  BaselineKey key{"p", "s"};
  CHECK(load_baseline(**store, key, 10).value().runs == 0);
  for (int i = 0; i < 12; ++i) {
    std::string t = "2026-01-01T00:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "Z";
    REQUIRE(
        add_to_baseline(**store, key, "run" + std::to_string(i), t, {{"exec", "/bin/v" + std::to_string(i)}}, 11).ok());
  }
  // Adding the same run again changes nothing.
  REQUIRE(add_to_baseline(**store, key, "run11", "2026-01-01T00:00:11Z", {{"exec", "/bin/other"}}, 11).ok());
  auto b = load_baseline(**store, key, 10);
  REQUIRE(b.ok());
  CHECK(b->runs == 10);
  CHECK(!b->has("exec", "/bin/v1"));  // older than the last 10
  CHECK(b->has("exec", "/bin/v2"));
  CHECK(b->has("exec", "/bin/v11"));
  CHECK(!b->has("exec", "/bin/other"));
  CHECK(load_baseline(**store, key, 20).value().runs == 11);  // keep = 11: run0 is gone
  auto shown = show_baselines(**store, "", "", 10);
  REQUIRE(shown.ok());
  REQUIRE(shown->rows.size() == 1);
  CHECK(shown->rows[0][2] == "11");
  CHECK(reset_baselines(**store, "p", "").value() == 11);
  CHECK(load_baseline(**store, key, 10).value().runs == 0);
  store->reset();
  fs::remove_all(dir);
}
