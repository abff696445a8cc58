// Test helpers for the ecosystem catalogers: run one cataloger on a corpus file as the walker
// would (siblings readable), and measure its unique name@version set against oracle.py, an
// independent Python reading of the same file, and against expected-counts.tsv.
#pragma once

#include "hallmark/sbom/cataloger.hpp"

#include <filesystem>
#include <set>
#include <string>

namespace eco_test {

std::filesystem::path corpus_dir();
std::string slurp(const std::filesystem::path& p);

struct Run {
  std::string content;  // CatalogInput.content views this
  hallmark::sbom::CatalogResult result;
};

// Runs `cat` on <dir>/<rel> with siblings readable from the file's directory.
Run run_on_file(const hallmark::sbom::Cataloger& cat, const std::filesystem::path& dir, const std::string& rel,
                bool include_dev = true);
Run run_on_text(const hallmark::sbom::Cataloger& cat, const std::string& name, const std::string& text,
                bool include_dev = true, const std::filesystem::path& go_module_cache = {});

// group/name@version (+ "-platform" for gems with a platform qualifier), over components and
// projects.
std::set<std::string> keys_of(const hallmark::sbom::CatalogResult& r);
std::set<std::string> oracle_keys(const std::string& corpus_case);
int expected_count(const std::string& corpus_case);  // expected-counts.tsv: the number, or the sum of "a + b"

// CHECKs recall and precision >= 99% vs the oracle, that the oracle agrees with the tsv count,
// and that the graph has no dangling refs. Prints the figures.
void check_corpus_case(const std::string& corpus_case, const hallmark::sbom::CatalogResult& r);
void check_no_dangling(const hallmark::sbom::CatalogResult& r);

const hallmark::sbom::Component* find_component(const hallmark::sbom::CatalogResult& r, const std::string& name,
                                                const std::string& version = "*");
// True when one of r's warnings contains `text` (a field path such as "pins[0].location").
bool has_warning(const hallmark::sbom::CatalogResult& r, const std::string& text);

}  // namespace eco_test
