#include "hallmark/util/json_text.hpp"
#include "command.hpp"
#include "located_run.hpp"

#include "hallmark/model/step_record.hpp"
#include "hallmark/store/record_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace hallmark::cli {

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}
std::vector<std::string> product_paths(const StepRecord& s) {
  std::vector<std::string> out;
  for (const auto& p : s.products) out.push_back(p.path);
  return out;
}
}  // namespace

Runner setup_steps(CLI::App& sub, Globals& g) {
  struct Opts {
    std::string record_dir;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("--record-dir", o->record_dir, "Record dir (default: $HALLMARK_DIR or ./.hallmark)");
  sub.footer("-v lists each step's products under it, as paths to use in attest --subject globs.");
  sub.add_flag("--json", o->json,
               "Print the run as JSON: {run_id, closed, steps: [{name, ..., products, product_paths}]}");
  return [o, &g] {
    auto located = locate_run_or_say(o->record_dir, g);
    if (!located) return 2;
    const RunInfo* run = &located->run;
    const std::vector<StepRecord>* steps = &located->steps;
    if (o->json) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& s : *steps)
        a.push_back({{"name", s.name},
                     {"command", s.argv},
                     {"exit_code", s.exit_code},
                     {"signal", s.signal},
                     {"started", s.started},
                     {"duration_ms", s.duration_ms},
                     {"materials", s.materials.size()},
                     {"products", s.products.size()},
                     {"deleted", s.deleted.size()},
                     {"product_paths", product_paths(s)}});
      std::printf("%s\n",
                  dump_json(nlohmann::json{{"run_id", run->id}, {"closed", run->closed}, {"steps", a}}, 2).c_str());
      return 0;
    }
    std::printf("run %s%s: %zu steps\n", run->id.c_str(), run->closed ? " (closed)" : "", steps->size());
    std::printf("%-20s %5s %10s %9s %9s  %s\n", "STEP", "EXIT", "DURATION", "MATERIALS", "PRODUCTS", "COMMAND");
    for (const auto& s : *steps) {
      std::string cmd = join(s.argv);
      if (cmd.size() > 60) cmd = cmd.substr(0, 57) + "...";
      std::printf("%-20s %5d %8lldms %9zu %9zu  %s\n", s.name.c_str(), s.exit_code,
                  static_cast<long long>(s.duration_ms), s.materials.size(), s.products.size(), cmd.c_str());
      if (g.verbosity >= 2)
        for (const auto& p : product_paths(s)) std::printf("%-20s product %s\n", "", p.c_str());
    }
    return 0;
  };
}

}  // namespace hallmark::cli
