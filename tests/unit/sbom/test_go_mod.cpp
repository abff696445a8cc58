#include "corpus_helpers.hpp"
#include "catalogers/catalogers.hpp"
#include "hallmark/sbom/bom_builder.hpp"

#include "hmtest.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;
using namespace hallmark::sbom;
using namespace eco_test;

using hmtest::write_file;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::go_module_cache_dir_follows_go_env") {
  CHECK(go_module_cache_dir({{"GOMODCACHE", "/c"}, {"GOPATH", "/g"}, {"HOME", "/h"}}) == "/c");
  CHECK(go_module_cache_dir({{"GOPATH", "/g1:/g2"}, {"HOME", "/h"}}) == "/g1/pkg/mod");
  CHECK(go_module_cache_dir({{"HOME", "/h"}}) == "/h/go/pkg/mod");
  CHECK(go_module_cache_dir({}).empty());
}

TEST_CASE("sbom::go_mod_corpus_syft") {
  // No module cache given (CatalogInput::go_module_cache empty): nothing but go.mod is read.
  auto run = run_on_file(internal::kGoModCataloger, corpus_dir() / "golang-syft", "go.mod");
  check_corpus_case("golang-syft", run.result);
  CHECK(run.result.components.size() == 314);
  CHECK(run.result.direct.size() == 314 - 216);  // everything not marked // indirect
  CHECK(run.result.edges.empty());               // no cache: no edges invented
  const Component* toml = find_component(run.result, "toml", "v1.6.0");
  REQUIRE(toml != nullptr);
  CHECK(toml->group == "github.com/BurntSushi");
  CHECK(toml->purl_type == "golang");
  CHECK(toml->properties.at("hallmark:go.sum.h1").rfind("h1:", 0) == 0);
  CHECK(toml->hashes.empty());  // h1 is a dirhash, not a file digest
  CHECK(toml->occurrences == std::vector<std::string>{"go.mod"});
}

TEST_CASE("sbom::go_mod_graph_from_module_cache") {
  hmtest::TempDir tmp("gocache");
  const fs::path& cache = tmp.path;
  // Upper case in module paths is escaped as !lower in the cache.
  write_file(cache / "cache/download/github.com/!burnt!sushi/toml/@v/v1.6.0.mod",
             "module github.com/BurntSushi/toml\n\nrequire golang.org/x/text v0.3.0\n");
  write_file(cache / "cache/download/golang.org/x/text/@v/v0.20.0.mod", "module golang.org/x/text\n");
  std::string gomod = "module example.com/app\n\ngo 1.22\n\nrequire (\n"
                      "\tgithub.com/BurntSushi/toml v1.6.0\n"
                      "\tgolang.org/x/text v0.20.0 // indirect\n"
                      "\texample.com/local v1.0.0\n"
                      "\texample.com/old v1.2.3\n)\n\n"
                      "replace example.com/local => ../local\n"
                      "replace example.com/old v1.2.3 => example.com/new v1.3.0\n";
  auto run = run_on_text(internal::kGoModCataloger, "go.mod", gomod, true, cache);
  const auto& r = run.result;
  REQUIRE(r.components.size() == 4);
  const Component* toml = find_component(r, "toml", "v1.6.0");
  const Component* text = find_component(r, "text", "v0.20.0");
  REQUIRE(toml);
  REQUIRE(text);
  // the cache's toml.mod asks for text v0.3.0; MVS selected v0.20.0, so the edge points there
  REQUIRE(r.edges.count(toml->bom_ref));
  CHECK(r.edges.at(toml->bom_ref) == std::vector<std::string>{text->bom_ref});
  CHECK(r.direct.size() == 3);
  const Component* local = find_component(r, "local");
  REQUIRE(local);
  CHECK(local->version.empty());  // a directory has no version: none invented
  CHECK(local->properties.at("hallmark:go.replace.path") == "../local");
  const Component* repl = find_component(r, "new", "v1.3.0");
  REQUIRE(repl);
  CHECK(repl->properties.at("hallmark:go.replaces") == "example.com/old@v1.2.3");
  check_no_dangling(r);
}

TEST_CASE("sbom::go_mod_malformed") {
  auto run = run_on_text(internal::kGoModCataloger, "go.mod",
                         "require (\n\tgithub.com/a/b\n\tgithub.com/c/d v1.0.0\n)\nreplace x =>\n");
  CHECK(run.result.components.size() == 1);
  REQUIRE(run.result.warnings.size() >= 2);  // missing module directive, require without version
  bool named_line = false;
  for (const auto& w : run.result.warnings) named_line |= w.message.find("line 2") != std::string::npos;
  CHECK(named_line);
  CHECK(run.result.warnings[0].subject == "go.mod");
}
