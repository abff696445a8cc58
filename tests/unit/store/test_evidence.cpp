// The evidence store against both backends: every query test runs on SQLite and on the real
// PostgreSQL server that tests/unit/store/with_postgres.sh starts (HALLMARK_TEST_PG).
#include "hallmark/attest/dsse.hpp"
#include "hallmark/attest/provenance.hpp"
#include "hallmark/attest/signing.hpp"
#include "hallmark/evidence/evidence.hpp"
#include "hallmark/store/record_dir.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"
#include "backend.hpp"

#include "hmtest.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <unistd.h>

using namespace hallmark;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using hmtest::TempDir;

// A fresh PostgreSQL database per call, on the server the wrapper started.
std::string fresh_pg_url() {
  static std::atomic<int> n{0};
  const char* base = std::getenv("HALLMARK_TEST_PG");
  REQUIRE_MESSAGE(base, "HALLMARK_TEST_PG is not set: run through tests/unit/store/with_postgres.sh");
  auto admin = evidence::open_postgres(base);
  REQUIRE_MESSAGE(admin.ok(), admin.message());
  std::string db = "t" + std::to_string(::getpid()) + "_" + std::to_string(n++);
  REQUIRE((*admin)->exec_script("CREATE DATABASE " + db).ok());
  std::string url = base;
  url.replace(url.find("/evidence?"), 10, "/" + db + "?");
  return url;
}

std::unique_ptr<EvidenceStore> open_store(const std::string& url) {
  auto where = resolve_store(url, {});
  REQUIRE_MESSAGE(where.ok(), where.message());
  auto s = EvidenceStore::open(*where);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return std::move(*s);
}

// Both stores, fresh: SQLite in `dir`, PostgreSQL on the test server.
std::vector<std::string> both_stores(const TempDir& dir) {
  return {"sqlite://" + (dir.path / "evidence.db").string(), fresh_pg_url()};
}

const std::string kArtifactSha = sha256_hex("the artifact");
const std::string kCurlSha = std::string(64, 'c');

// A record dir with a build step (traced: cc and curl run, one HTTPS connection) and a package
// step producing dist/app.tar.gz; a signed provenance of it; a CycloneDX SBOM of the artifact.
struct Evidence {
  fs::path record, provenance, sbom;
  SigningKey key = *generate_key(KeyType::ed25519);
  std::string run_id;
};

Evidence make_evidence(const fs::path& root, const std::string& repo = "https://github.com/acme/app.git") {
  Evidence e;
  e.record = root / ".hallmark";
  RecordDir rd(e.record);
  auto run = rd.open_run("", "", "");
  REQUIRE(run.ok());
  e.run_id = run->id;
  StepRecord build;
  build.name = "build";
  build.run_id = run->id;
  build.started = "2026-11-01T10:00:00.000Z";
  build.finished = "2026-11-01T10:00:05.000Z";
  build.git = GitContext{};
  build.git->commit = std::string(40, 'b');
  build.git->remote_url = repo;
  TraceSection t;
  t.processes.push_back({});
  t.processes.back().exe = "/usr/bin/cc";
  t.processes.back().exe_sha256 = std::string(64, 'd');
  t.processes.push_back({});
  t.processes.back().exe = "/usr/bin/curl";
  t.processes.back().exe_sha256 = kCurlSha;
  Connection c;
  c.family = "inet";
  c.address = "93.184.216.34";
  c.port = 443;
  t.network.push_back(c);
  build.trace = t;
  StepRecord package = build;
  package.name = "package";
  package.started = "2026-11-01T10:00:06.000Z";
  package.finished = "2026-11-01T10:00:07.000Z";
  package.trace.reset();
  FileEntry product;
  product.path = "dist/app.tar.gz";
  product.digests["sha256"] = kArtifactSha;
  package.products.push_back(product);
  REQUIRE(rd.write_step(build).ok());
  REQUIRE(rd.write_step(package).ok());

  json bom = {
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.6"},
      {"version", 1},
      {"metadata",
       {{"component",
         {{"type", "file"},
          {"name", "dist/app.tar.gz"},
          {"hashes", {{{"alg", "SHA-256"}, {"content", kArtifactSha}}}}}}}},
      {"components",
       {{{"type", "library"}, {"name", "lodash"}, {"version", "4.17.21"}, {"purl", "pkg:npm/lodash@4.17.21"}},
        {{"type", "library"}, {"name", "left-pad"}, {"version", "1.3.0"}, {"purl", "pkg:npm/left-pad@1.3.0"}}}}};
  e.sbom = root / "app.cdx.json";
  REQUIRE(write_file_atomic(e.sbom, bom.dump()).ok());

  ProvenanceOptions po;
  po.run_id = run->id;
  po.subject_globs = {"dist/*"};
  po.sboms.push_back({"app.cdx.json", e.sbom, ""});
  auto steps = rd.read_steps();
  REQUIRE(steps.ok());
  auto prov = build_provenance(*steps, po);
  REQUIRE_MESSAGE(prov.ok(), prov.message());
  auto env = sign_dsse(kInTotoPayloadType, statement_payload(prov->statement), e.key);
  REQUIRE(env.ok());
  e.provenance = root / "app.intoto.jsonl";
  REQUIRE(write_file_atomic(e.provenance, dsse_to_line(*env) + "\n").ok());
  return e;
}

IngestReport ingest_ok(EvidenceStore& s, std::vector<fs::path> paths, std::vector<VerifyingKey> keys = {}) {
  IngestOptions o;
  o.paths = std::move(paths);
  o.keys = std::move(keys);
  auto r = ingest(s, o);
  REQUIRE_MESSAGE(r.ok(), r.message());
  return *r;
}

size_t count(EvidenceStore& s, const std::string& table) {
  auto rows = s.backend().exec("SELECT COUNT(*) FROM " + table);
  REQUIRE(rows.ok());
  return std::stoul(rows->at(0).at(0));
}

}  // namespace

TEST_SUITE_BEGIN("store");

TEST_CASE("store::evidence_resolve") {
  auto def = resolve_store("", {{"XDG_DATA_HOME", "/x/data"}, {"HOME", "/home/u"}});
  REQUIRE(def.ok());
  CHECK(def->sqlite_path == "/x/data/hallmark/evidence.db");
  auto home = resolve_store("", {{"HOME", "/home/u"}});
  CHECK(home->sqlite_path == "/home/u/.local/share/hallmark/evidence.db");
  CHECK(resolve_store("", {{"HALLMARK_STORE", "off"}})->kind == StoreLocation::Kind::off);
  auto pg = resolve_store("postgresql://ci:s3cret@db/evidence", {{"HALLMARK_STORE", "off"}});
  REQUIRE(pg.ok());
  CHECK(pg->kind == StoreLocation::Kind::postgres);
  CHECK(pg->display() == "postgresql://ci:***@db/evidence");
  CHECK_FALSE(resolve_store("sqlite://relative.db", {}).ok());
  CHECK_FALSE(resolve_store("mysql://db", {}).ok());
}

TEST_CASE("store::evidence_queries_both_stores") {
  TempDir dir;
  Evidence e = make_evidence(dir.path);
  std::vector<std::string> answers;
  for (const auto& url : both_stores(dir)) {
    CAPTURE(url);
    auto s = open_store(url);
    CHECK(s->schema_version() == evidence_schema_version());
    auto report = ingest_ok(*s, {e.record, e.provenance, e.sbom}, {e.key.public_key()});
    CHECK(report.added() == 3);

    auto comp = query_component(*s, "pkg:npm/lodash@*");
    REQUIRE(comp.ok());
    REQUIRE(comp->rows.size() == 1);
    json row = comp->to_json()[0];
    CHECK(row["component"] == "pkg:npm/lodash@4.17.21");
    CHECK(row["artifact"] == "dist/app.tar.gz");
    CHECK(row["sha256"] == kArtifactSha);
    CHECK(row["run"] == e.run_id);
    CHECK(row["pipeline"] == "local");
    CHECK(row["commit"] == std::string(40, 'b'));
    CHECK(row["builder"] == kLocalBuilderId);
    CHECK(query_component(*s, "pkg:npm/*")->rows.size() == 2);
    CHECK(query_component(*s, "pkg:pypi/*")->rows.empty());

    auto art = query_artifact(*s, "sha256:" + kArtifactSha);
    REQUIRE(art.ok());
    REQUIRE(art->rows.size() == 1);
    json a = art->to_json()[0];
    CHECK(a["step"] == "package");
    CHECK(a["repository"] == "https://github.com/acme/app.git");
    CHECK(a["signer"] == e.key.keyid());
    CHECK(a["verification"] == "verified");
    CHECK_FALSE(query_artifact(*s, "sha256:XYZ").ok());

    auto eg = query_egress(*s, "93.184.*");
    REQUIRE(eg.ok());
    REQUIRE(eg->rows.size() == 1);
    CHECK(eg->to_json()[0]["step"] == "build");
    CHECK(eg->to_json()[0]["port"] == "443");
    CHECK(query_egress(*s, "10.*")->rows.empty());

    auto ex = query_exec(*s, "*/curl");
    REQUIRE(ex.ok());
    REQUIRE(ex->rows.size() == 1);
    CHECK(ex->to_json()[0]["sha256"] == kCurlSha);
    CHECK(query_exec(*s, "sha256:" + kCurlSha)->rows.size() == 1);
    CHECK(query_exec(*s, "/usr/bin/*")->rows.size() == 2);

    auto runs = query_runs(*s, {"local", "30d"}, "2026-11-20T00:00:00.000Z");
    REQUIRE(runs.ok());
    REQUIRE(runs->rows.size() == 1);
    CHECK(runs->to_json()[0]["steps"] == "2");
    CHECK(query_runs(*s, {"local", "1d"}, "2026-11-20T00:00:00.000Z")->rows.empty());
    CHECK(query_runs(*s, {"other", ""}, "2026-11-20T00:00:00.000Z")->rows.empty());
    CHECK_FALSE(query_runs(*s, {"", "7 days"}, "2026-11-20T00:00:00.000Z").ok());

    answers.push_back(comp->to_json().dump() + art->to_json().dump() + eg->to_json().dump() + ex->to_json().dump() +
                      runs->to_json().dump());
  }
  REQUIRE(answers.size() == 2);
  CHECK(answers[0] == answers[1]);  // the same answer from SQLite and PostgreSQL
}

TEST_CASE("store::evidence_idempotent_and_transactional") {
  TempDir dir;
  Evidence e = make_evidence(dir.path);
  fs::path bad = dir.path / "bad.cdx.json";
  REQUIRE(write_file_atomic(
              bad, R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"nonsense","name":"x"}]})")
              .ok());
  for (const auto& url : both_stores(dir)) {
    CAPTURE(url);
    auto s = open_store(url);
    IngestOptions o;
    o.paths = {e.record, e.provenance, bad};
    auto r = ingest(*s, o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().find(bad.string()) != std::string::npos);
    CHECK(r.message().find("components") != std::string::npos);
    CHECK(count(*s, "documents") == 0);
    CHECK(count(*s, "runs") == 0);

    ingest_ok(*s, {e.record, e.provenance, e.sbom});
    size_t links = count(*s, "subject_components"), steps = count(*s, "steps");
    auto again = ingest_ok(*s, {e.record, e.provenance, e.sbom});
    CHECK(again.added() == 0);
    CHECK(count(*s, "subject_components") == links);
    CHECK(count(*s, "steps") == steps);
    CHECK(count(*s, "documents") == 3);
  }
}

TEST_CASE("store::evidence_signature_status") {
  TempDir dir;
  Evidence e = make_evidence(dir.path);
  SigningKey other = *generate_key(KeyType::ed25519);
  for (const auto& url : both_stores(dir)) {
    CAPTURE(url);
    {
      auto s = open_store(url);
      ingest_ok(*s, {e.provenance}, {other.public_key()});
      auto art = query_artifact(*s, "sha256:" + kArtifactSha);
      REQUIRE(art->rows.size() == 1);
      CHECK(art->to_json()[0]["verification"] == "failed");
      CHECK(art->to_json()[0]["signer"] == "");
    }
  }
  TempDir dir2;
  auto s = open_store("sqlite://" + (dir2.path / "e.db").string());
  ingest_ok(*s, {e.provenance});
  CHECK(query_artifact(*s, "sha256:" + kArtifactSha)->to_json()[0]["verification"] == "unverified");
}

TEST_CASE("store::evidence_no_secrets") {
  TempDir dir;
  Evidence e = make_evidence(dir.path,
                             "https://x-access-token:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/app.git");
  for (const auto& url : both_stores(dir)) {
    CAPTURE(url);
    auto s = open_store(url);
    ingest_ok(*s, {e.record, e.provenance, e.sbom});
    for (const char* table : {"runs", "artifacts", "documents"}) {
      auto rows = s->backend().exec(std::string("SELECT * FROM ") + table);
      REQUIRE(rows.ok());
      REQUIRE_FALSE(rows->empty());
      for (const auto& r : *rows)
        for (const auto& cell : r) CHECK(cell.find("ghp_") == std::string::npos);
    }
    auto runs = query_runs(*s, {}, "2026-11-20T00:00:00.000Z");
    CHECK(runs->to_json()[0]["repository"] == "https://github.com/acme/app.git");
  }
}

TEST_CASE("store::evidence_bad_stores") {
  TempDir dir;
  // A file that is not a database.
  fs::path junk = dir.path / "junk.db";
  REQUIRE(write_file_atomic(junk, std::string(8192, 'x')).ok());
  auto where = resolve_store("sqlite://" + junk.string(), {});
  auto s = EvidenceStore::open(*where);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("not a usable SQLite evidence store") != std::string::npos);
  CHECK(s.message().find('\n') == std::string::npos);

  // A schema newer than this binary, in both stores.
  for (const auto& url : both_stores(dir)) {
    CAPTURE(url);
    {
      auto st = open_store(url);
      REQUIRE(st->backend().exec("UPDATE hallmark_meta SET value = '99' WHERE key = 'schema_version'").ok());
    }
    auto again = EvidenceStore::open(*resolve_store(url, {}));
    REQUIRE_FALSE(again.ok());
    CHECK(again.message().find("schema version 99, newer than this hallmark's") != std::string::npos);
  }

  // A server that is down.
  auto down = EvidenceStore::open(*resolve_store("postgresql:///evidence?host=" + dir.path.string() + "/nowhere", {}));
  REQUIRE_FALSE(down.ok());
  CHECK(down.message().find("unreachable") != std::string::npos);
  CHECK(down.message().find('\n') == std::string::npos);
}

TEST_CASE("store::evidence_concurrent_writers") {
  TempDir dir;
  std::vector<Evidence> runs;
  for (int i = 0; i < 4; ++i) {
    fs::path root = dir.path / ("w" + std::to_string(i));
    fs::create_directories(root);
    runs.push_back(make_evidence(root));
  }
  for (const auto& url : both_stores(dir)) {
    CAPTURE(url);
    open_store(url);  // created and migrated once; the writers then race on ingest
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (const auto& e : runs)
      threads.emplace_back([&, e] {
        auto where = resolve_store(url, {});
        auto s = EvidenceStore::open(*where);
        if (!s) {
          ++failures;
          return;
        }
        IngestOptions o;
        o.paths = {e.record, e.provenance, e.sbom};
        if (!ingest(**s, o)) ++failures;
      });
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    auto s = open_store(url);
    CHECK(count(*s, "runs") == 4);
    CHECK(count(*s, "documents") == 9);  // the four SBOMs are the same bytes: stored once
  }
}

TEST_SUITE_END();
