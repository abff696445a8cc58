#include "evidence_common.hpp"

#include "hallmark/evidence/evidence.hpp"
#include "hallmark/util/json_text.hpp"
#include "hallmark/util/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace hallmark::cli {

Runner setup_query(CLI::App& sub, Globals& g) {
  struct Opts {
    std::string store, pattern;
    RunsFilter runs;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  sub.footer("Prints a table, or with --json an array of objects (one per match). See docs/store.md.");
  sub.require_subcommand(1);
  sub.add_option("--store", o->store, "Evidence store URL (sqlite:///ABS/PATH.db, postgresql://...)");
  sub.add_flag("--json", o->json, "Print a JSON array of objects");
  CLI::App* component = sub.add_subcommand("component", "Artifacts containing a component: PURL-GLOB");
  CLI::App* artifact = sub.add_subcommand("artifact", "What produced an artifact: sha256:HEX");
  CLI::App* egress = sub.add_subcommand("egress", "Steps that connected to HOST|ADDR-GLOB");
  CLI::App* exec = sub.add_subcommand("exec", "Steps that ran PATH-GLOB or sha256:HEX");
  CLI::App* runs = sub.add_subcommand("runs", "Pipeline runs, newest first");
  component->add_option("purl-glob", o->pattern, "A purl, or a glob of purls ('pkg:npm/lodash@4.*')")->required();
  artifact->add_option("digest", o->pattern, "sha256:HEX of the artifact")->required();
  egress->add_option("host-glob", o->pattern, "Host name, address or glob ('10.0.*')")->required();
  exec->add_option("program", o->pattern, "Program path glob ('*/curl') or sha256:HEX")->required();
  runs->add_option("--pipeline", o->runs.pipeline, "Only runs of this pipeline");
  runs->add_option("--since", o->runs.since,
                   "Only runs started within this duration (7d, 12h, 30m) or since an RFC 3339 time");
  for (CLI::App* s : {component, artifact, egress, exec, runs}) s->fallthrough();

  return [=, &g] {
    auto store = open_evidence_store(o->store, g);
    if (!store) return 2;
    Result<QueryTable> table = make_error("no query chosen");
    if (component->parsed()) table = query_component(*store, o->pattern);
    else if (artifact->parsed()) table = query_artifact(*store, o->pattern);
    else if (egress->parsed()) table = query_egress(*store, o->pattern);
    else if (exec->parsed()) table = query_exec(*store, o->pattern);
    else if (runs->parsed()) table = query_runs(*store, o->runs, format_rfc3339_ms(std::chrono::system_clock::now()));
    return print_query_table(table, o->json);
  };
}

}  // namespace hallmark::cli
