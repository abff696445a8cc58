#!/usr/bin/env bash
# Runs the unit-store binary with a real PostgreSQL server (HALLMARK_TEST_PG names it), so the
# evidence store's query tests run against both SQLite and PostgreSQL.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
source "$HALLMARK_SRC/tests/e2e/store/pg_lib.sh"
start_pg
HALLMARK_TEST_PG=$PG_URL "$@"
