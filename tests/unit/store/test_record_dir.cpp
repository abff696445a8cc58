#include "hallmark/store/record_dir.hpp"
#include "hallmark/util/atomic_file.hpp"

#include "hmtest.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <thread>
#include <unistd.h>

using namespace hallmark;
namespace fs = std::filesystem;

namespace {
using hmtest::TempDir;

StepRecord sample(const std::string& name, const std::string& started, const std::string& run_id) {
  StepRecord r;
  r.name = name;
  r.run_id = run_id;
  r.started = started;
  r.argv = {"make", "-j"};
  FileEntry e;
  e.path = "src/a.c";
  e.size = 3;
  e.digests["sha256"] = std::string(64, 'a');
  r.materials.push_back(e);
  return r;
}
}  // namespace

TEST_SUITE_BEGIN("store");

TEST_CASE("store::locate") {
  EnvMap env;
  CHECK(RecordDir::locate("/ws", "", env) == fs::path("/ws/.hallmark"));
  env["HALLMARK_DIR"] = "/custom";
  CHECK(RecordDir::locate("/ws", "", env) == fs::path("/custom"));
  CHECK(RecordDir::locate("/ws", "/flag", env) == fs::path("/flag"));
}

TEST_CASE("store::run_lifecycle") {
  TempDir t;
  RecordDir dir(t.path / ".hallmark");
  CHECK_FALSE(dir.current_run().ok());
  auto r1 = dir.open_run("", "", "");
  REQUIRE(r1.ok());
  CHECK(r1->trace_id.size() == 32);
  auto again = dir.open_run("", "", "");
  REQUIRE(again.ok());
  CHECK(again->id == r1->id);  // outside CI, steps join the open run

  REQUIRE(dir.write_step(sample("build", "2026-11-26T10:00:00.000Z", r1->id)).ok());
  REQUIRE(dir.write_step(sample("test", "2026-11-26T10:00:01.000Z", r1->id)).ok());
  auto steps = dir.read_steps();
  REQUIRE(steps.ok());
  REQUIRE(steps->size() == 2);
  CHECK((*steps)[0].name == "build");
  CHECK((*steps)[0].materials[0].digests["sha256"] == std::string(64, 'a'));

  // Closing moves the next step into a new run; the old one is archived, not lost.
  REQUIRE(dir.close_run().ok());
  auto r2 = dir.open_run("", "", "");
  REQUIRE(r2.ok());
  CHECK(r2->id != r1->id);
  CHECK(dir.read_steps()->empty());
  CHECK(fs::exists(t.path / ".hallmark" / "runs" / r1->id / "steps"));
  CHECK(fs::exists(t.path / ".hallmark" / "runs" / r1->id / "run.json"));

  // A different CI run id starts a new run too; the same one joins it.
  auto ci1 = dir.open_run("123-1", "github-actions", std::string(32, 'b'));
  REQUIRE(ci1.ok());
  CHECK(ci1->id == "123-1");
  CHECK(ci1->trace_id == std::string(32, 'b'));
  CHECK(dir.open_run("123-1", "github-actions", "")->id == "123-1");
  CHECK(dir.open_run("123-2", "github-actions", "")->id == "123-2");
}

TEST_CASE("store::corrupt_files_named") {
  TempDir t;
  RecordDir dir(t.path);
  REQUIRE(dir.open_run("", "", "").ok());
  REQUIRE(write_file_atomic(t.path / "steps" / "x.json", "{not json").ok());
  auto steps = dir.read_steps();
  REQUIRE_FALSE(steps.ok());
  CHECK(steps.message().find("x.json") != std::string::npos);
  REQUIRE(write_file_atomic(t.path / "run.json", "[]").ok());
  auto run = dir.current_run();
  REQUIRE_FALSE(run.ok());
  CHECK(run.message().find("run.json") != std::string::npos);
}

TEST_CASE("store::parallel_open_agrees") {
  TempDir t;
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      RecordDir dir(t.path);
      auto r = dir.open_run("", "", "");
      if (r.ok()) ids[i] = r->id;
      (void)dir.write_step(sample(std::string("s").append(std::to_string(i)), "2026-11-26T10:00:00.000Z", ids[i]));
    });
  for (auto& th : threads) th.join();
  for (const auto& id : ids) CHECK(id == ids[0]);
  CHECK(RecordDir(t.path).read_steps()->size() == 8);
}

TEST_CASE("store::step_outliving_its_run_stays_out_of_the_next") {
  TempDir t;
  RecordDir dir(t.path);
  auto r1 = dir.open_run("", "", "");
  REQUIRE(r1.ok());
  REQUIRE(dir.write_step(sample("build", "2026-11-26T10:00:00.000Z", r1->id)).ok());
  // `attest` closes the run while a second step is still running.
  REQUIRE(dir.close_run().ok());
  auto late = dir.write_step(sample("slow", "2026-11-26T10:00:01.000Z", r1->id));
  REQUIRE_FALSE(late.ok());
  CHECK(late.message().find("was closed") != std::string::npos);
  CHECK(late.message().find("late-steps") != std::string::npos);
  auto closed_steps = dir.read_steps();
  REQUIRE(closed_steps.ok());
  CHECK(closed_steps->size() == 1);  // the attested run is unchanged

  // The next step starts a new run; a step of the old run finishing now stays out of it.
  auto r2 = dir.open_run("", "", "");
  REQUIRE(r2.ok());
  REQUIRE(r2->id != r1->id);
  auto later = dir.write_step(sample("slower", "2026-11-26T10:00:02.000Z", r1->id));
  REQUIRE_FALSE(later.ok());
  CHECK(later.message().find("ended") != std::string::npos);
  CHECK(dir.read_steps()->empty());
  size_t kept = 0;
  for (const auto& e : fs::directory_iterator(t.path / "runs" / r1->id / "late-steps")) kept += e.is_regular_file();
  CHECK(kept == 2);  // nothing is lost
  CHECK_FALSE(dir.write_step(sample("x", "2026-11-26T10:00:03.000Z", "")).ok());
  CHECK_FALSE(dir.write_step(sample("x", "2026-11-26T10:00:03.000Z", "..")).ok());
}

TEST_CASE("store::read_steps_only_the_current_run") {
  TempDir t;
  RecordDir dir(t.path);
  auto run = dir.open_run("", "", "");
  REQUIRE(run.ok());
  REQUIRE(dir.write_step(sample("build", "2026-11-26T10:00:00.000Z", run->id)).ok());
  // A record of another run in steps/ (written by an older hallmark, or copied in).
  REQUIRE(write_file_atomic(t.path / "steps" / "0-foreign.json",
                            to_record_text(sample("foreign", "2026-11-26T09:00:00.000Z", "other-run")))
              .ok());
  auto steps = dir.read_steps();
  REQUIRE(steps.ok());
  REQUIRE(steps->size() == 1);
  CHECK((*steps)[0].name == "build");
  auto stored = dir.read_run_steps();
  REQUIRE(stored.ok());
  REQUIRE(stored->size() == 1);
  CHECK((*stored)[0].file.parent_path() == t.path / "steps");
}

TEST_CASE("store::failed_lock_is_an_error") {
  TempDir t;
  RecordDir dir(t.path);
  auto run = dir.open_run("", "", "");
  REQUIRE(run.ok());
  // A lock file that cannot be opened: closing or writing without the lock must fail.
  fs::remove(t.path / ".lock");
  fs::create_directory(t.path / ".lock");
  auto closed = dir.close_run();
  REQUIRE_FALSE(closed.ok());
  CHECK(closed.message().find(".lock") != std::string::npos);
  CHECK_FALSE(dir.current_run()->closed);
  auto written = dir.write_step(sample("build", "2026-11-26T10:00:00.000Z", run->id));
  REQUIRE_FALSE(written.ok());
  CHECK(written.message().find(".lock") != std::string::npos);
  CHECK(dir.step_files().empty());
}

TEST_CASE("store::generated_ids_sort_by_time") {
  auto t0 = std::chrono::system_clock::now();
  std::string a = generate_run_id(t0);
  std::string b = generate_run_id(t0 + std::chrono::milliseconds(1));
  CHECK(a < b);
  // Same millisecond: distinct (the random part), still one length.
  CHECK(generate_run_id(t0) != a);
  CHECK(a.size() == std::string("20261126T102145123Z-").size() + 12);
}

TEST_SUITE_END();
