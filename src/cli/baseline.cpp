#include "evidence_common.hpp"

#include "hallmark/evidence/baseline.hpp"
#include "hallmark/util/json_text.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace hallmark::cli {

Runner setup_baseline(CLI::App& sub, Globals& g) {
  struct Opts {
    std::string store, pipeline, step;
    int runs = 10;
    bool json = false, all = false;
  };
  auto o = std::make_shared<Opts>();
  sub.footer("The per-step baselines `hallmark run` compares each step with. See docs/detection.md.");
  sub.require_subcommand(1);
  sub.add_option("--store", o->store, "Evidence store URL (sqlite:///ABS/PATH.db, postgresql://...)");
  sub.add_option("--pipeline", o->pipeline, "Only this pipeline (as `baseline show` prints it)");
  sub.add_option("--step", o->step, "Only this step (show: list its values)");
  CLI::App* show = sub.add_subcommand("show", "List baselines, or with --step the values of one");
  CLI::App* reset = sub.add_subcommand("reset", "Forget baselines (--pipeline, --step, or --all)");
  show->add_option("--baseline-runs", o->runs, "Values of the last N runs (default 10)")->check(CLI::Range(1, 1000));
  show->add_flag("--json", o->json, "Print a JSON array of objects");
  reset->add_flag("--all", o->all, "Forget every baseline in the store");
  for (CLI::App* s : {show, reset}) s->fallthrough();

  return [=, &g] {
    if (reset->parsed() && !o->all && o->pipeline.empty() && o->step.empty()) {
      say_error("baseline reset: name what to forget: --pipeline P, --step S, or --all");
      return 2;
    }
    auto store = open_evidence_store(o->store, g);
    if (!store) return 2;
    if (reset->parsed()) {
      auto n = reset_baselines(*store, o->pipeline, o->step);
      if (!n) {
        say_error(n.message());
        return 2;
      }
      if (g.verbosity >= 1) say("baseline: forgot " + std::to_string(*n) + (*n == 1 ? " run" : " runs"));
      return 0;
    }
    auto table = show_baselines(*store, o->pipeline, o->step, o->runs);
    return print_query_table(table, o->json);
  };
}

}  // namespace hallmark::cli
