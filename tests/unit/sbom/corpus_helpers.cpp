#include "corpus_helpers.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace hallmark::sbom;

namespace eco_test {

fs::path corpus_dir() {
  const char* shared = std::getenv("HALLMARK_SHARED");
  REQUIRE_MESSAGE(shared != nullptr, "HALLMARK_SHARED must be set (meson test sets it)");
  return fs::path(shared) / "corpus";
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "cannot read " << p);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Run run_on_file(const Cataloger& cat, const fs::path& dir, const std::string& rel, bool include_dev) {
  Run run;
  fs::path file = dir / rel;
  run.content = slurp(file);
  CatalogInput in;
  in.path = rel;
  in.content = run.content;
  in.dir = file.parent_path();
  in.include_dev = include_dev;
  fs::path base = file.parent_path();
  in.read_sibling = [base](const std::string& r) -> std::optional<std::string> {
    std::ifstream f(base / r, std::ios::binary);
    if (!f) return std::nullopt;
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  cat.catalog(in, run.result);
  return run;
}

Run run_on_text(const Cataloger& cat, const std::string& name, const std::string& text, bool include_dev,
                const fs::path& go_module_cache) {
  Run run;
  run.content = text;
  CatalogInput in;
  in.path = name;
  in.content = run.content;
  in.include_dev = include_dev;
  in.go_module_cache = go_module_cache;
  in.read_sibling = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  cat.catalog(in, run.result);
  return run;
}

static std::string key_of(const Component& c) {
  std::string k = c.group.empty() ? c.name : c.group + "/" + c.name;
  k += "@" + c.version;
  if (auto it = c.qualifiers.find("platform"); it != c.qualifiers.end()) k += "-" + it->second;
  return k;
}

std::set<std::string> keys_of(const CatalogResult& r) {
  std::set<std::string> keys;
  for (const auto& c : r.components) keys.insert(key_of(c));
  for (const auto& c : r.projects) keys.insert(key_of(c));
  return keys;
}

std::set<std::string> oracle_keys(const std::string& corpus_case) {
  const char* src = std::getenv("HALLMARK_SRC");
  REQUIRE(src != nullptr);
  std::string cmd = "/usr/bin/python3 '" + std::string(src) + "/tests/unit/sbom/oracle.py' '" + corpus_case + "' '" +
                    corpus_dir().string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::set<std::string> keys;
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    keys.insert(line);
  }
  REQUIRE(pclose(p) == 0);
  return keys;
}

int expected_count(const std::string& corpus_case) {
  std::istringstream tsv(slurp(corpus_dir() / "expected-counts.tsv"));
  std::string line;
  while (std::getline(tsv, line)) {
    if (line.rfind(corpus_case + "\t", 0) != 0) continue;
    // "156 + 46 dev", "31 requires + 16 build_requires": the parts add up to the whole
    std::istringstream rest(line.substr(corpus_case.size() + 1));
    int total = 0, n = 0;
    std::string word;
    rest >> total;
    while (rest >> word)
      if (word == "+" && (rest >> n)) total += n;
    return total;
  }
  FAIL("no expected-counts.tsv line for " << corpus_case);
  return -1;
}

void check_no_dangling(const CatalogResult& r) {
  std::set<std::string> refs;
  for (const auto& c : r.components) refs.insert(c.bom_ref);
  for (const auto& c : r.projects) refs.insert(c.bom_ref);
  for (const auto& d : r.direct) CHECK_MESSAGE(refs.count(d), "dangling direct ref " << d);
  for (const auto& [from, tos] : r.edges) {
    CHECK_MESSAGE(refs.count(from), "dangling edge source " << from);
    for (const auto& t : tos) CHECK_MESSAGE(refs.count(t), "dangling edge target " << t);
  }
}

void check_corpus_case(const std::string& corpus_case, const CatalogResult& r) {
  auto got = keys_of(r);
  auto want = oracle_keys(corpus_case);
  CHECK(static_cast<int>(want.size()) == expected_count(corpus_case));
  size_t hit = 0;
  for (const auto& k : got) hit += want.count(k);
  double recall = want.empty() ? 1.0 : double(hit) / double(want.size());
  double precision = got.empty() ? 0.0 : double(hit) / double(got.size());
  MESSAGE(corpus_case << ": hallmark " << got.size() << " unique, expected " << want.size() << ", recall " << recall
                      << ", precision " << precision);
  for (const auto& k : want)
    if (!got.count(k)) MESSAGE("  missing: " << k);
  for (const auto& k : got)
    if (!want.count(k)) MESSAGE("  extra:   " << k);
  CHECK(recall >= 0.99);
  CHECK(precision >= 0.99);
  check_no_dangling(r);
}

const Component* find_component(const CatalogResult& r, const std::string& name, const std::string& version) {
  for (const auto& c : r.components)
    if (c.name == name && (version == "*" || c.version == version)) return &c;
  for (const auto& c : r.projects)
    if (c.name == name && (version == "*" || c.version == version)) return &c;
  return nullptr;
}

bool has_warning(const CatalogResult& r, const std::string& text) {
  for (const auto& w : r.warnings)
    if (w.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace eco_test
