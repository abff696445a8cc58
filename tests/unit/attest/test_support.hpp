// Helpers shared by the attest unit tests: a scratch directory and a sample pipeline run.
#pragma once

#include "hallmark/model/step_record.hpp"

#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace hallmark::test {

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("hallmark-unit-attest-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline FileEntry file(const std::string& path, const std::string& sha256) {
  FileEntry e;
  e.path = path;
  e.digests["sha256"] = sha256;
  return e;
}

// build -> test -> package, in GitHub Actions, with git context.
inline std::vector<StepRecord> sample_run() {
  std::vector<StepRecord> steps(3);
  const char* names[] = {"build", "test", "package"};
  for (int i = 0; i < 3; ++i) {
    StepRecord& s = steps[i];
    s.name = names[i];
    s.run_id = "42-1";
    s.argv = {"make", names[i]};
    s.workspace = "/ws";
    s.cwd = "/ws";
    s.started = "2026-11-26T10:0" + std::to_string(i) + ":00.000Z";
    s.finished = "2026-11-26T10:0" + std::to_string(i) + ":30.000Z";
    s.digest_algorithms = {"sha256"};
    s.materials = {file("src/main.c", std::string(64, 'a')), file("Makefile", std::string(64, 'b'))};
    GitContext g;
    g.commit = "7FD1A60B01F91B314F59955A4E4D4E80D8EDF11D";
    g.branch = "main";
    g.remote_url = "https://github.com/acme/app.git";
    s.git = g;
    CiContext c;
    c.platform = "github-actions";
    c.builder_id = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
    c.run_id = "42";
    c.run_attempt = "1";
    c.run_url = "https://github.com/acme/app/actions/runs/42/attempts/1";
    c.pipeline = "release";
    c.ref = "refs/heads/main";
    s.ci = c;
  }
  steps[0].products = {file("build/app", std::string(64, 'C'))};
  // the test step sees the build output as a material: not a resolved dependency
  steps[1].materials.push_back(file("build/app", std::string(64, 'c')));
  steps[2].products = {file("dist/app-1.0.tar.gz", std::string(64, 'd'))};
  steps[2].products[0].digests["sha512"] = std::string(128, 'E');
  return steps;
}

}  // namespace hallmark::test
