// What the evidence-store subcommands (store, query, baseline) share: opening the store named
// by --store / $HALLMARK_STORE / the default, and printing a query's table. Defined in store.cpp.
#pragma once

#include "command.hpp"

#include "hallmark/evidence/evidence.hpp"

#include <memory>
#include <string>

namespace hallmark::cli {

// nullptr after printing the error.
std::unique_ptr<EvidenceStore> open_evidence_store(const std::string& flag, const Globals& g);
// The table as text, or with `json` an array of objects, on stdout; an error is printed. The
// exit status: 0, or 2 for an error.
int print_query_table(const Result<QueryTable>& table, bool json);

}  // namespace hallmark::cli
