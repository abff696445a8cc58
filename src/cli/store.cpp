#include "evidence_common.hpp"

#include "hallmark/util/json_text.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include <memory>

namespace hallmark::cli {

std::unique_ptr<EvidenceStore> open_evidence_store(const std::string& flag, const Globals& g) {
  auto where = resolve_store(flag, g.env);
  if (!where) {
    say_error(where.message());
    return nullptr;
  }
  auto store = EvidenceStore::open(*where);
  if (!store) {
    say_error(store.message());
    return nullptr;
  }
  return std::move(*store);
}

int print_query_table(const Result<QueryTable>& table, bool json) {
  if (!table) {
    say_error(table.message());
    return 2;
  }
  if (json) std::printf("%s\n", dump_json(table->to_json(), 2).c_str());
  else std::fputs(table->to_text().c_str(), stdout);
  return 0;
}

Runner setup_store(CLI::App& sub, Globals& g) {
  struct Opts {
    std::string store;
    std::vector<std::string> paths, keys;
  };
  auto o = std::make_shared<Opts>();
  sub.footer("The store: --store URL, else $HALLMARK_STORE, else $XDG_DATA_HOME/hallmark/evidence.db.\n"
             "URLs: sqlite:///ABS/PATH.db, postgresql://... (libpq), off. See docs/store.md.");
  sub.require_subcommand(1);
  sub.add_option("--store", o->store, "Evidence store URL (sqlite:///ABS/PATH.db, postgresql://..., off)");
  CLI::App* migrate = sub.add_subcommand("migrate", "Create the store or bring its schema to this hallmark's version");
  CLI::App* ingest_cmd = sub.add_subcommand("ingest", "Ingest record dirs, provenance, SBOMs and event logs");
  for (CLI::App* s : {migrate, ingest_cmd}) s->fallthrough();
  ingest_cmd->add_option("paths", o->paths, "Record dirs (.hallmark), provenance, CycloneDX/SPDX SBOMs, event logs")
      ->required();
  ingest_cmd->add_option("--key,-k", o->keys, "Trusted public key for provenance signatures (SPKI PEM); repeatable")
      ->allow_extra_args(false);

  return [o, &g, migrate] {
    auto store = open_evidence_store(o->store, g);
    if (!store) return 2;
    if (migrate->parsed()) {
      if (g.verbosity >= 1)
        say("evidence store " + store->location().display() + " at schema version " +
            std::to_string(store->schema_version()));
      return 0;
    }
    IngestOptions in;
    for (const auto& p : o->paths) in.paths.emplace_back(p);
    for (const auto& k : o->keys) {
      auto key = load_verifying_key(k);
      if (!key) {
        say_error(key.message());
        return 2;
      }
      in.keys.push_back(*key);
    }
    in.data_dir = env_get(g.env, "HALLMARK_DATA_DIR");
    auto report = ingest(*store, in);
    if (!report) {
      say_error(report.message());
      return 2;
    }
    if (g.verbosity >= 2)
      for (const auto& f : report->files)
        say((f.added ? "ingested " + f.kind + " " : "already stored: " + f.kind + " ") + f.path.string() +
            (f.added ? " (" + std::to_string(f.rows) + " rows)" : ""));
    if (g.verbosity >= 1)
      say("ingested " + std::to_string(report->added()) + " of " + std::to_string(report->files.size()) +
          " document(s) into " + store->location().display());
    return 0;
  };
}

}  // namespace hallmark::cli
