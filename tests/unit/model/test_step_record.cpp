#include "hallmark/model/step_record.hpp"
#include "hallmark/util/json_text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace hallmark;
using nlohmann::json;

namespace {
FileEntry entry(std::string path, FileKind kind = FileKind::regular) {
  FileEntry e;
  e.path = std::move(path);
  e.kind = kind;
  if (kind == FileKind::regular || kind == FileKind::dirhash) {
    e.size = 42;
    e.digests["sha256"] = std::string(64, 'a');
    e.digests["sha512"] = std::string(128, 'b');
  }
  if (kind == FileKind::symlink) e.link_target = "../x \"quoted\"";
  if (kind == FileKind::dirhash) e.file_count = 7;
  return e;
}

StepRecord full_record() {
  StepRecord r;
  r.name = "build";
  r.run_id = "run-1";
  r.argv = {"make", "-j", "CFLAGS=-O2 \"x\"\n"};
  r.cwd = "/w";
  r.workspace = "/w";
  r.started = "2026-11-26T10:00:00.000Z";
  r.finished = "2026-11-26T10:00:01.000Z";
  r.duration_ms = 1000;
  r.exit_code = 2;
  r.host.hostname = "h";
  r.digest_algorithms = {"sha256", "sha512"};
  r.materials = {entry("a.c"), entry("link", FileKind::symlink), entry("node_modules", FileKind::dirhash),
                 entry("fifo", FileKind::fifo), entry("tab\there\x01")};
  r.products = {entry("out/a.o")};
  r.deleted = {"gone.txt"};
  r.warnings = {{"secret.key", "unreadable: Permission denied"}};
  GitContext g;
  g.commit = std::string(40, 'c');
  g.tags = {"v1"};
  r.git = g;
  r.env.vars["PATH"] = "/usr/bin";
  r.env.redacted = {"GITHUB_TOKEN"};
  TraceSection t;
  t.toolchain = {entry("/usr/bin/cc")};
  t.materials = {entry("a.c")};
  t.summary.processes = 3;
  r.trace = t;
  return r;
}
}  // namespace

TEST_SUITE_BEGIN("model");

TEST_CASE("model::record_text_is_the_dom_document") {
  StepRecord r = full_record();
  json written = json::parse(to_record_text(r));
  CHECK(written == to_json(r));
  auto back = step_record_from_json(written);
  REQUIRE(back.ok());
  CHECK(back->materials.size() == 5);
  CHECK(back->materials[4].path == "tab\there\x01");
  CHECK(back->materials[1].link_target == "../x \"quoted\"");
  REQUIRE(back->trace.has_value());
  CHECK(back->trace->toolchain.size() == 1);
  CHECK(back->trace->summary.processes == 3);

  // Empty lists and no optional sections.
  StepRecord empty;
  empty.name = "x";
  CHECK(json::parse(to_record_text(empty)) == to_json(empty));
}

TEST_CASE("model::record_text_one_line_per_entry") {
  StepRecord r = full_record();
  std::string text = to_record_text(r);
  CHECK(text.find("\n  {\"path\":\"a.c\",\"size\":42,\"digests\":{\"sha256\":\"") != std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("model::record_text_in_pieces_is_the_same_text") {
  StepRecord r = full_record();
  for (int i = 0; i < 5000; ++i) r.materials.push_back(entry("src/dir/file-" + std::to_string(i) + ".c"));
  std::string whole = to_record_text(r);
  REQUIRE(whole.size() > 3 * (256u << 10));
  std::string joined;
  size_t pieces = 0;
  write_record_text(r, [&](std::string_view piece) {
    joined.append(piece);
    ++pieces;
  });
  CHECK(pieces > 3);
  CHECK(joined == whole);
}

TEST_CASE("model::invalid_utf8_names_do_not_throw") {
  // A Linux file name is any bytes but '/' and NUL: the DOM's dump() throws on these.
  StepRecord r;
  r.name = "x";
  r.materials = {entry("bad\xff"
                       "name"),
                 entry("ok-\xc3\xa9")};
  r.argv = {"echo", "\xc0\xaf"};
  std::string text;
  REQUIRE_NOTHROW(text = to_record_text(r));
  json j = json::parse(text);
  CHECK(j["materials"][0]["path"] == "bad\xef\xbf\xbdname");
  CHECK(j["materials"][1]["path"] == "ok-\xc3\xa9");
  CHECK(j["argv"][1] == "\xef\xbf\xbd\xef\xbf\xbd");
  CHECK_FALSE(is_valid_utf8("bad\xff"));
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a UTF-16 surrogate
  CHECK(is_valid_utf8("ok-\xc3\xa9 \xf0\x9f\x98\x80"));
  CHECK(dump_json(json("a\xff")) == "\"a\xef\xbf\xbd\"");
}

TEST_CASE("model::every_member_round_trips") {
  // Every member set away from its default: the DOM, the record text and the reader must all
  // carry each one (one field list drives the three; src/model/step_record.cpp makes a member
  // missing from it a compile error).
  StepRecord r = full_record();
  r.signal = 9;
  r.spawn_error = "not found";
  r.rusage = {1.5, 0.25, 2048};
  r.host = {"h", "Linux", "6.1", "x86_64", 1000};
  r.hallmark_version = "9.9.9";
  CiContext ci;
  ci.platform = "gitlab-ci";
  ci.run_id = "77";
  ci.selected["CI_JOB_ID"] = "5";
  r.ci = ci;
  ProcessRecord p;
  p.pid = 10;
  p.exe = "/usr/bin/cc";
  p.argv = {"cc", "-c"};
  r.trace->processes = {p};
  r.trace->files = {{"a.c", {"read"}, true, 10, std::string(64, 'd')}};
  r.trace->network = {{"inet", "127.0.0.1", 80, true, 10, "tcp", "example.org"}};
  r.trace->products = {entry("out/a.o")};
  r.trace->summary.read_opens = "fanotify";

  json j = to_json(r);
  CHECK(j.size() == 24);  // 23 members + _type
  CHECK(j["trace"].size() == 7);
  for (const auto& [key, value] : j.items()) {
    CAPTURE(key);
    CHECK_FALSE(value.is_null());
  }
  auto back = step_record_from_json(json::parse(to_record_text(r)));
  REQUIRE(back.ok());
  CHECK(to_json(*back) == j);
  CHECK(to_record_text(*back) == to_record_text(r));
  CHECK(back->spawn_error == "not found");
  CHECK(back->ci->selected.at("CI_JOB_ID") == "5");
  CHECK(back->trace->network[0].transport == "tcp");
  CHECK(back->trace->network[0].host == "example.org");

  // Optional members left out are absent, not null; a required one missing is an error.
  StepRecord bare;
  bare.name = "x";
  json b = to_json(bare);
  CHECK_FALSE(b.contains("spawn_error"));
  CHECK_FALSE(b.contains("git"));
  CHECK_FALSE(b.contains("trace"));
  b.erase("name");
  auto unnamed = step_record_from_json(b);
  REQUIRE_FALSE(unnamed.ok());
  CHECK(unnamed.message().find("'name'") != std::string::npos);
  json bad_trace = to_json(bare);
  bad_trace["trace"] = 5;
  CHECK_FALSE(step_record_from_json(bad_trace).ok());
}

TEST_SUITE_END();
