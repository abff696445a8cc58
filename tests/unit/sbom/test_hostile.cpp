// Hostile input: every cataloger on empty, binary and truncated real lockfiles must return
// (warnings allowed), never crash or hang.
#include "sbom_test_util.hpp"

using namespace sbomtest;
using namespace hallmark::sbom;

TEST_SUITE_BEGIN("sbom");

TEST_CASE("sbom::catalogers_survive_hostile_input") {
  struct Src {
    const char* corpus_case;
    const char* file;
  } sources[] = {{"npm-v1-mocha", "package-lock.json"},           {"npm-v3-mocha", "package-lock.json"},
                 {"yarn-classic-webpack", "yarn.lock"},           {"yarn-berry-prettier", "yarn.lock"},
                 {"pnpm-vuejs-core", "pnpm-lock.yaml"},           {"pypi-poetry-poetry", "poetry.lock"},
                 {"pypi-pipfile-pipenv", "Pipfile.lock"},         {"pypi-uv-pydantic", "uv.lock"},
                 {"pypi-requirements-netbox", "requirements.txt"}};
  std::vector<std::string> junk = {"",
                                   std::string("\0\0\0", 3),
                                   "\xff\xfe\xfd{[",
                                   "{\"lockfileVersion\": 3, \"packages\": 5}",
                                   "{\"packages\": {\"node_modules/a\": {\"version\": 7, \"name\": []}}}",
                                   "lockfileVersion: '9.0'\npackages: [1, 2]\nimporters: 3\n",
                                   "[[package]]\nname = 1\n",
                                   "__metadata:\n  version: 8\n\"a@npm:1\": 5\n"};
  for (const Src& s : sources) {
    auto text = hallmark::read_file(corpus(s.corpus_case) / s.file);
    REQUIRE(text.ok());
    // Truncations at several points through the file.
    for (size_t cut : {size_t(1), text->size() / 7, text->size() / 3, text->size() / 2, text->size() - 3}) {
      CAPTURE(s.corpus_case);
      CAPTURE(cut);
      auto r = catalog_file(s.file, std::string_view(*text).substr(0, cut), {}, true);
      (void)r;
    }
    for (const std::string& j : junk) {
      auto r = catalog_file(s.file, j, {}, true);
      (void)r;
    }
  }
  // A truncated package-lock names the file and line.
  auto text = hallmark::read_file(corpus("npm-v3-mocha") / "package-lock.json");
  auto r = catalog_file("x/package-lock.json", std::string_view(*text).substr(0, 5000), {}, true);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].subject == "x/package-lock.json");
  CHECK(r.warnings[0].message.find("line ") == 0);
}

TEST_CASE("sbom::yaml_lockfiles_refuse_hostile_nesting") {
  // pnpm-lock.yaml and yarn berry go through yaml_tree: the same depth guard as the other YAML
  // readers (flow brackets, or indentation), before yaml-cpp recurses.
  const std::string deep_flow = std::string(100000, '[');
  std::string deep_indent;
  for (int i = 0; i < 300; ++i) deep_indent += std::string(size_t(i) * 4, ' ') + "k" + std::to_string(i) + ":\n";
  for (const auto& [file, head] :
       {std::pair<const char*, const char*>{"pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages: "},
        {"yarn.lock", "__metadata:\n  version: 8\n\"a@npm:1\": "}}) {
    for (const std::string& body : {deep_flow, "\n" + deep_indent}) {
      CAPTURE(file);
      auto r = catalog_file(file, std::string(head) + body, {}, true);
      REQUIRE(r.warnings.size() == 1);
      CHECK(r.warnings[0].message.find("nested too deeply") != std::string::npos);
      CHECK(r.components.empty());
    }
  }
}

TEST_SUITE_END();
