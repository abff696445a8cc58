#include "command.hpp"

#include "hallmark/util/version.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <malloc.h>

namespace hallmark::cli {

Runner setup_run(CLI::App&, Globals&);
Runner setup_steps(CLI::App&, Globals&);
Runner setup_keygen(CLI::App&, Globals&);
Runner setup_attest(CLI::App&, Globals&);
Runner setup_verify(CLI::App&, Globals&);
Runner setup_sbom(CLI::App&, Globals&);
Runner setup_telemetry(CLI::App&, Globals&);
Runner setup_store(CLI::App&, Globals&);
Runner setup_query(CLI::App&, Globals&);
Runner setup_baseline(CLI::App&, Globals&);
Runner setup_report(CLI::App&, Globals&);

// Every subcommand, in the order `--help` lists them. Adding one is one file and one line.
static const Command kCommands[] = {
    {"run", "Run a build step under observation and record it", setup_run},
    {"steps", "List the steps recorded in the current pipeline run", setup_steps},
    {"sbom", "Write the CycloneDX or SPDX SBOM of source trees, manifests or archives", setup_sbom},
    {"keygen", "Generate a signing key pair and print its keyid", setup_keygen},
    {"attest", "Sign SLSA v1 provenance for the current pipeline run", setup_attest},
    {"verify", "Verify an artifact against signed provenance before deploying it", setup_verify},
    {"telemetry", "Verify, flush or close the pipeline run's OTLP event log", setup_telemetry},
    {"store", "Create the evidence store or ingest records, provenance, SBOMs and event logs", setup_store},
    {"query", "Query the evidence store: component, artifact, egress, exec, runs", setup_query},
    {"baseline", "Show or reset the per-step baselines anomalies are found against", setup_baseline},
    {"report", "Write a run's self-contained HTML report: anomalies, timeline, egress, programs, artifacts",
     setup_report},
};

void say(const std::string& line) { std::fprintf(stderr, "hallmark: %s\n", line.c_str()); }
void say_error(const std::string& line) { std::fprintf(stderr, "hallmark: error: %s\n", line.c_str()); }

void say_diagnostics(const Diagnostics& diag, const Globals& g, std::optional<Severity> only) {
  for (const auto& d : diag.entries()) {
    if (only && d.severity != *only) continue;
    if (g.verbosity >= (d.severity == Severity::note ? 2 : 1)) say("warning: " + to_line(d));
  }
}

int exit_without_freeing(int status) {
#if defined(__SANITIZE_ADDRESS__)
  return status;
#else
  std::fflush(nullptr);
  std::_Exit(status);
#endif
}

// A repeatable option takes one value per occurrence (`--exclude A --exclude B`): CLI11 would
// otherwise let `sbom --exclude GLOB PATH` swallow PATH as a second glob. Applied to every
// subcommand's options, so options added later follow the rule too. An option meant to take
// several values says so in its type name ("PATH..." for `run --materials`).
void one_value_per_option(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    const std::string type = opt->get_type_name();
    bool many = type.size() >= 3 && type.compare(type.size() - 3, 3, "...") == 0;
    if (opt->nonpositional() && opt->get_items_expected_max() > 1 && !many) opt->allow_extra_args(false);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) one_value_per_option(*sub);
}

}  // namespace hallmark::cli

int main(int argc, char** argv) {
  using namespace hallmark::cli;
  // hallmark runs for well under a second and frees little before exit: keep freed memory for
  // reuse instead of returning it to the kernel and taking fresh zeroed pages again (a page
  // fault costs ~13 us on a 2-core CI VM; an SBOM of a 900 KB lockfile took 3,200 of them).
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  CLI::App app{"hallmark records the supply-chain provenance of CI/CD pipeline steps."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("hallmark ") + hallmark::hallmark_version() + " (git " +
                                        hallmark::hallmark_git_describe() + ")");
  Globals globals;
  globals.env = hallmark::current_environment();

  Runner chosen;
  std::vector<std::pair<CLI::App*, Runner>> runners;
  for (const Command& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    sub->add_flag_callback(
        "-q,--quiet", [&] { globals.verbosity = 0; }, "Print nothing but errors");
    sub->add_flag_callback(
        "-v,--verbose", [&] { globals.verbosity = 2; }, "Print details");
    runners.emplace_back(sub, c.setup(*sub, globals));
    one_value_per_option(*sub);
  }
  // Everything after the first "--" is the wrapped command, passed through verbatim: CLI11 would
  // otherwise interpret the command's own options ("sh -c ...").
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--" && globals.command.empty()) {
      globals.command.assign(argv + i + 1, argv + argc);
      globals.has_separator = true;
      break;
    }
    args.emplace_back(argv[i]);
  }
  const std::string first = args.empty() ? std::string() : args.front();
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector back to front
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports a bogus subcommand as "The following arguments were not expected: bogus".
    if (app.get_subcommands().empty() && !first.empty() && first[0] != '-') {
      std::fprintf(stderr, "hallmark: error: unknown command '%s' (see 'hallmark --help')\n", first.c_str());
      return 2;
    }
    std::fprintf(stderr, "hallmark: error: %s (see 'hallmark %s--help')\n", e.what(),
                 app.get_subcommands().empty() ? "" : (app.get_subcommands()[0]->get_name() + " ").c_str());
    return 2;
  }
  for (auto& [sub, run] : runners)
    if (sub->parsed()) return run();
  return 2;
}
