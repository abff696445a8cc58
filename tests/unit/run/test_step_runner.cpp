// run_step as a library call: a real command in a temp workspace, no process of hallmark's own.
#include "hallmark/run/step_runner.hpp"
#include "hallmark/store/record_dir.hpp"
#include "step_phases.hpp"

#include "hmtest.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace hallmark;
namespace fs = std::filesystem;

namespace {

using hmtest::TempDir;

// A hermetic environment: no CI variables of the host, telemetry off.
RunOptions options_in(const fs::path& ws, std::vector<std::string> argv) {
  RunOptions o;
  o.argv = std::move(argv);
  o.workspace = ws;
  o.record_dir_flag = (ws / ".hallmark").string();
  o.telemetry.enabled = false;
  return o;
}

const EnvMap kEnv = {{"PATH", "/usr/bin:/bin"}, {"HOME", "/nonexistent"}};

bool has_path(const std::vector<FileEntry>& v, const std::string& p) {
  for (const auto& e : v)
    if (e.path == p) return true;
  return false;
}

}  // namespace

TEST_SUITE_BEGIN("run");

TEST_CASE("run::options_are_checked_before_anything_runs") {
  CHECK_FALSE(check_run_options(RunOptions{}).ok());
  RunOptions bad;
  bad.argv = {"true"};
  bad.digests = "md5";
  CHECK_FALSE(check_run_options(bad).ok());
  bad.digests = "sha256,sha512";
  CHECK(check_run_options(bad).ok());
  CHECK(default_step_name({"/usr/bin/make", "-j"}) == "make");
  CHECK(default_step_name({"./build.sh"}) == "build.sh");
  CHECK(default_step_name({}) == "step");
}

TEST_CASE("run::step_records_materials_products_and_status") {
  TempDir t;
  std::ofstream(t.path / "in.txt") << "input\n";
  RunScratch scratch;
  Diagnostics diag;
  auto out =
      run_step(options_in(t.path, {"/bin/sh", "-c", "cd \"$0\" && cat in.txt >out.txt; exit 3", t.path.string()}), kEnv,
               diag, &scratch);
  CHECK(out.exit_code == 3);
  CHECK(out.command_ran);
  CHECK(diag.lines() == std::vector<std::string>{});
  REQUIRE_FALSE(out.record_file.empty());
  CHECK(fs::exists(out.record_file));
  const StepRecord& r = out.record;
  CHECK(r.name == "sh");
  CHECK(r.exit_code == 3);
  CHECK(has_path(r.materials, "in.txt"));
  CHECK_FALSE(has_path(r.materials, "out.txt"));
  CHECK(has_path(r.products, "out.txt"));
  CHECK_FALSE(has_path(r.products, "in.txt"));  // unchanged: a material, not a product
  CHECK(scratch.before.has_value());            // the caller's scratch holds the walks
  // The record is the run's, read back as written.
  RecordDir dir(t.path / ".hallmark");
  auto steps = dir.read_steps();
  REQUIRE(steps.ok());
  REQUIRE(steps->size() == 1);
  CHECK((*steps)[0].run_id == r.run_id);
  CHECK((*steps)[0].products.size() == r.products.size());
  std::vector<std::string> phases;
  for (const auto& [name, ms] : out.phases) phases.push_back(name);
  CHECK(phases == std::vector<std::string>{"context", "materials", "command", "products", "record"});
}

TEST_CASE("run::command_not_found_is_127_and_recorded") {
  TempDir t;
  Diagnostics diag;
  auto out = run_step(options_in(t.path, {"no-such-command-hallmark-test"}), kEnv, diag);
  CHECK(out.exit_code == 127);
  CHECK(out.record.spawn_error == "not found");
  // The command's failure, said as a shell says it; not hallmark's (no error, so not 125 under --strict).
  REQUIRE(diag.size() == 1);
  CHECK(diag.entries()[0] == Diagnostic{"no-such-command-hallmark-test", "command not found", Severity::note});
  CHECK_FALSE(out.record_file.empty());
}

TEST_CASE("run::strict_turns_hallmark_failures_into_125") {
  TempDir t;
  // A record dir that cannot be created: a regular file in its way.
  std::ofstream(t.path / "blocker") << "x";
  RunOptions o = options_in(t.path, {"true"});
  o.record_dir_flag = (t.path / "blocker" / "records").string();
  Diagnostics lax_diag;
  auto lax = run_step(o, kEnv, lax_diag);
  CHECK(lax_diag.has_errors());
  CHECK(lax.exit_code == 0);  // the command's status: hallmark's failure is reported, not returned
  o.strict = true;
  // The same sink again: only this step's errors count for --strict, and this one has its own.
  auto strict = run_step(o, kEnv, lax_diag);
  CHECK(lax_diag.count(Severity::error) == 2);
  CHECK(strict.exit_code == kStrictFailureExit);
}

// The phases one at a time: the two walks with the test as the "command" in between, then
// persist, which writes the record, the signed link and the seal.
TEST_CASE("run::phases_walk_diff_and_persist_without_a_command") {
  using namespace hallmark::run::internal;
  TempDir t;
  std::ofstream(t.path / "keep.txt") << "k";
  std::ofstream(t.path / "gone.txt") << "g";
  RunOptions o = options_in(t.path, {"build"});
  auto key = generate_key(KeyType::ecdsa_p256);
  REQUIRE(key.ok());
  o.link_key = std::move(*key);
  RunScratch scratch;
  RunOutcome out;
  Diagnostics diag;
  StepContext s(o, kEnv, scratch, out, diag);
  gather_context(s);
  REQUIRE(s.run.has_value());
  CHECK(out.record.run_id == s.run->id);
  CHECK(out.record.name == "build");
  walk_materials(s);
  REQUIRE(scratch.before.has_value());
  std::ofstream(t.path / "new.txt") << "n";
  fs::remove(t.path / "gone.txt");
  walk_products(s);
  CHECK(has_path(out.record.products, "new.txt"));
  CHECK_FALSE(has_path(out.record.products, "keep.txt"));
  CHECK(out.record.deleted == std::vector<std::string>{"gone.txt"});
  CHECK(has_path(out.record.materials, "gone.txt"));
  bool hook_saw_products = false;
  o.before_record = [&](StepRecord& r) { hook_saw_products = has_path(r.products, "new.txt"); };
  persist(s);
  CHECK(hook_saw_products);
  CHECK_FALSE(diag.has_errors());
  REQUIRE_FALSE(out.record_file.empty());
  CHECK(fs::exists(out.record_file));
  REQUIRE_FALSE(out.link_file.empty());
  CHECK(out.link_file.parent_path() == t.path / ".hallmark" / "links");
  CHECK(fs::file_size(out.link_file) > 0);
  CHECK(fs::exists(t.path / ".hallmark" / "seal.json"));
}

// Without a run (the record dir could not be opened) persist writes nothing, signs nothing, and
// the failure is hallmark's: 125 under --strict whatever the command returned.
TEST_CASE("run::persist_without_a_run_records_nothing") {
  using namespace hallmark::run::internal;
  TempDir t;
  std::ofstream(t.path / "blocker") << "x";
  RunOptions o = options_in(t.path, {"build"});
  o.record_dir_flag = (t.path / "blocker" / "records").string();
  o.strict = true;
  auto key = generate_key(KeyType::ecdsa_p256);
  REQUIRE(key.ok());
  o.link_key = std::move(*key);
  RunScratch scratch;
  RunOutcome out;
  out.exit_code = 3;
  Diagnostics diag;
  StepContext s(o, kEnv, scratch, out, diag);
  gather_context(s);
  CHECK_FALSE(s.run.has_value());
  CHECK(s.hallmark_failed());
  persist(s);
  CHECK(out.record_file.empty());
  CHECK(out.link_file.empty());
  CHECK(out.exit_code == kStrictFailureExit);
}

TEST_SUITE_END();
