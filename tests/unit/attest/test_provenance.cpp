#include "test_support.hpp"

#include "hallmark/attest/link.hpp"
#include "hallmark/attest/provenance.hpp"
#include "hallmark/util/atomic_file.hpp"
#include "hallmark/util/hex.hpp"

#include <doctest/doctest.h>

using namespace hallmark;
using nlohmann::json;

TEST_SUITE_BEGIN("attest");

TEST_CASE("attest::statement_fields") {
  ProvenanceOptions o;
  o.hallmark_version = "9.9.9";
  o.run_id = "42-1";
  auto p = build_provenance(test::sample_run(), o);
  REQUIRE(p.ok());
  const json& st = p->statement;
  CHECK(st["_type"] == "https://in-toto.io/Statement/v1");
  CHECK(st["predicateType"] == "https://slsa.dev/provenance/v1");

  // subjects: every product, digests lowercase
  REQUIRE(st["subject"].size() == 2);
  CHECK(st["subject"][0]["name"] == "build/app");
  CHECK(st["subject"][0]["digest"]["sha256"] == std::string(64, 'c'));
  CHECK(st["subject"][1]["name"] == "dist/app-1.0.tar.gz");
  CHECK(st["subject"][1]["digest"]["sha512"] == std::string(128, 'e'));

  const json& bd = st["predicate"]["buildDefinition"];
  CHECK(bd["buildType"] == kHallmarkBuildTypeV1);
  CHECK(bd["externalParameters"]["source"]["uri"] == "git+https://github.com/acme/app.git");
  CHECK(bd["externalParameters"]["source"]["ref"] == "refs/heads/main");
  CHECK(bd["externalParameters"]["pipeline"] == "release");
  CHECK(bd["externalParameters"]["steps"].size() == 3);
  CHECK(bd["externalParameters"]["steps"][1]["command"] == json({"make", "test"}));
  CHECK(bd["internalParameters"]["ci"]["platform"] == "github-actions");
  CHECK(bd["resolvedDependencies"][0]["uri"] == "git+https://github.com/acme/app.git@refs/heads/main");
  CHECK(bd["resolvedDependencies"][0]["digest"]["gitCommit"] == "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d");

  // materials list byproduct (default): build/app seen by the test step is not a dependency
  json list = json::parse(p->materials_list);
  CHECK(list.size() == 2);
  CHECK(p->materials_list.find("build/app") == std::string::npos);
  // ... is a byproduct (attest writes it after the build), never a resolved dependency
  for (const json& d : bd["resolvedDependencies"]) CHECK(d.value("name", "") != "materials.json");
  const json& ml = st["predicate"]["runDetails"]["byproducts"].back();
  CHECK(ml["name"] == "materials.json");
  CHECK(ml["digest"]["sha256"] == sha256_hex(p->materials_list));
  CHECK(ml["annotations"]["count"] == 2);

  const json& rd = st["predicate"]["runDetails"];
  CHECK(rd["builder"]["id"] == "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main");
  CHECK(rd["builder"]["version"]["hallmark"] == "9.9.9");
  CHECK(rd["metadata"]["invocationId"] == "https://github.com/acme/app/actions/runs/42/attempts/1");
  CHECK(rd["metadata"]["startedOn"] == "2026-11-26T10:00:00.000Z");
  CHECK(rd["metadata"]["finishedOn"] == "2026-11-26T10:02:30.000Z");
}

TEST_CASE("attest::subject_globs_and_builder_override") {
  ProvenanceOptions o;
  o.subject_globs = {"dist/*.tar.gz"};
  o.builder_id = "https://example.com/builder";
  o.materials_inline = true;
  auto p = build_provenance(test::sample_run(), o);
  REQUIRE(p.ok());
  REQUIRE(p->subject_names == std::vector<std::string>{"dist/app-1.0.tar.gz"});
  CHECK(p->statement["predicate"]["runDetails"]["builder"]["id"] == "https://example.com/builder");
  CHECK(p->materials_list.empty());
  // inline: git source + two materials
  CHECK(p->statement["predicate"]["buildDefinition"]["resolvedDependencies"].size() == 3);

  o.subject_globs = {"*.zip"};
  auto none = build_provenance(test::sample_run(), o);
  REQUIRE_FALSE(none.ok());
  CHECK(none.message().find("*.zip") != std::string::npos);
}

TEST_CASE("attest::local_builder_and_deleted_products") {
  auto steps = test::sample_run();
  for (auto& s : steps) s.ci.reset();
  steps[2].deleted = {"build/app"};
  auto p = build_provenance(steps, {});
  REQUIRE(p.ok());
  CHECK(p->statement["predicate"]["runDetails"]["builder"]["id"] == kLocalBuilderId);
  CHECK(p->subject_names == std::vector<std::string>{"dist/app-1.0.tar.gz"});
  CHECK(p->statement["predicate"]["buildDefinition"]["externalParameters"]["pipeline"] == "local");

  CHECK_FALSE(build_provenance({}, {}).ok());
  std::vector<StepRecord> no_products(1);
  no_products[0].name = "lint";
  CHECK(build_provenance(no_products, {}).message().find("no products") != std::string::npos);
}

TEST_CASE("attest::byproducts_steps_sbom_telemetry") {
  test::ScratchDir dir;
  auto steps = test::sample_run();
  TraceSection trace;
  Connection c;
  c.family = "inet";
  c.address = "10.1.2.3";
  c.port = 443;
  trace.network.push_back(c);
  steps[0].trace = trace;
  ProvenanceOptions o;
  for (size_t i = 0; i < steps.size(); ++i) {
    auto path = dir.path / ("step" + std::to_string(i) + ".json");
    REQUIRE(write_file_atomic(path, to_json(steps[i]).dump()).ok());
    o.step_files.push_back({"steps/step" + std::to_string(i) + ".json", path, kMediaStepRecord});
  }
  auto sbom = dir.path / "app.cdx.json";
  REQUIRE(
      write_file_atomic(
          sbom,
          R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"purl":"pkg:npm/left-pad@1.3.0","components":[{"purl":"pkg:npm/x@1"}]}]})")
          .ok());
  o.sboms.push_back({"app.cdx.json", sbom, ""});
  o.telemetry_log = dir.path / "events.otlp.jsonl";
  REQUIRE(write_file_atomic(o.telemetry_log, "{\"a\":1}\n{\"b\":2}\n").ok());

  auto p = build_provenance(steps, o);
  REQUIRE(p.ok());
  const json& b = p->statement["predicate"]["runDetails"]["byproducts"];
  REQUIRE(b.size() == 6);  // 3 steps, sbom, telemetry, materials list
  CHECK(b[0]["annotations"]["step"] == "build");
  CHECK(b[0]["annotations"]["networkDestinations"] == json({"10.1.2.3:443"}));
  CHECK(b[0]["digest"]["sha256"] == sha256_hex(*read_file(o.step_files[0].path)));
  CHECK(b[3]["mediaType"] == kMediaCycloneDx);
  CHECK(b[3]["annotations"]["components"] == json({"pkg:npm/left-pad@1.3.0", "pkg:npm/x@1"}));
  CHECK(b[4]["name"] == "events.otlp.jsonl");
  CHECK(b[4]["annotations"]["chainHead"] == sha256_hex("{\"b\":2}"));

  // A missing telemetry log is fine (telemetry is optional).
  o.telemetry_log = dir.path / "absent.jsonl";
  CHECK(build_provenance(steps, o).ok());
}

// in-toto ResourceURIs are RFC 3986 URIs; DigestSet keys are the spec's own (gitBlob, gitCommit)
// or documented ones of hallmark (hallmarkDirHash:<alg>); the commit is kept without a remote.
TEST_CASE("attest::resource_uris_and_digest_keys") {
  auto steps = test::sample_run();
  steps[0].git->remote_url = "git@github.com:Org/Repo.git";
  FileEntry dir = test::file("node_modules", std::string(64, 'd'));
  dir.kind = FileKind::dirhash;
  FileEntry blob = test::file("src/extra.c", std::string(64, 'a'));
  blob.digests["gitoid:sha1"] = std::string(40, 'F');
  steps[0].materials.push_back(dir);
  steps[0].materials.push_back(blob);
  TraceSection trace;
  trace.toolchain.push_back(test::file("/opt/my tools/gcc#1", std::string(64, '1')));
  steps[0].trace = trace;
  ProvenanceOptions o;
  o.materials_inline = true;
  auto p = build_provenance(steps, o);
  REQUIRE(p.ok());
  const json& bd = p->statement["predicate"]["buildDefinition"];
  CHECK(bd["externalParameters"]["source"]["uri"] == "git+ssh://git@github.com/Org/Repo.git");
  CHECK(bd["resolvedDependencies"][0]["uri"] == "git+ssh://git@github.com/Org/Repo.git@refs/heads/main");
  std::map<std::string, json> by_name;
  for (const json& d : bd["resolvedDependencies"]) by_name[d.value("name", "")] = d;
  CHECK(by_name["/opt/my tools/gcc#1"]["uri"] == "file:///opt/my%20tools/gcc%231");
  CHECK(by_name["node_modules"]["digest"] == json{{"hallmarkDirHash:sha256", std::string(64, 'd')}});
  CHECK(by_name["src/extra.c"]["digest"]["gitBlob"] == std::string(40, 'f'));
  CHECK_FALSE(by_name["src/extra.c"]["digest"].contains("gitoid:sha1"));

  // A remote given as a relative path becomes a file:// URI from the repository's top directory.
  for (auto& s : steps) s.git->remote_url = "../mirror repo", s.git->root = "/work/ws";
  auto rel = build_provenance(steps, o);
  REQUIRE(rel.ok());
  CHECK(rel->statement["predicate"]["buildDefinition"]["externalParameters"]["source"]["uri"] ==
        "git+file:///work/mirror%20repo");

  for (auto& s : steps) s.git->remote_url.clear();
  for (auto& s : steps) s.ci->repository_url.clear();
  auto local = build_provenance(steps, o);
  REQUIRE(local.ok());
  const json& first = local->statement["predicate"]["buildDefinition"]["resolvedDependencies"][0];
  CHECK(first["name"] == "source");
  CHECK(first["digest"]["gitCommit"] == "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d");
}

TEST_CASE("attest::link_without_products_has_a_subject") {
  auto steps = test::sample_run();
  steps[1].products.clear();
  json link = build_link_statement(steps[1]);
  REQUIRE(link["subject"].size() == 1);
  CHECK(link["subject"][0]["name"] == "hallmark-step:" + steps[1].name);
  CHECK(link["subject"][0]["digest"]["sha256"] == sha256_hex(link["predicate"].dump()));
}

TEST_CASE("attest::link_statement_v03") {
  auto steps = test::sample_run();
  json link = build_link_statement(steps[0]);
  CHECK(link["predicateType"] == "https://in-toto.io/attestation/link/v0.3");
  CHECK(link["predicate"]["name"] == "build");
  CHECK(link["predicate"]["command"] == json({"make", "build"}));
  CHECK(link["predicate"]["materials"].size() == 2);
  CHECK(link["subject"][0]["digest"]["sha256"] == std::string(64, 'c'));
  CHECK(link["predicate"]["byproducts"]["return-value"] == 0);

  test::ScratchDir dir;
  auto key = generate_key(KeyType::ed25519);
  REQUIRE(key.ok());
  auto file = write_signed_link(steps[0], *key, dir.path / "links");
  REQUIRE(file.ok());
  CHECK(file->filename().string() == "build." + key->keyid().substr(0, 8) + ".link.intoto.jsonl");
}

TEST_SUITE_END();
