# A throwaway PostgreSQL server for tests (source after tests/e2e/lib.sh): initdb into a temp dir
# as the postgres user (initdb refuses root), started on a Unix socket in that dir only (no TCP),
# stopped by the test's exit trap even when the test fails. Sets PG_URL to a fresh database.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
start_pg() {
  [ -x "$PG_BIN/initdb" ] || fail "PostgreSQL is not installed (Debian package postgresql; scripts/deps.sh installs it)"
  PG_DIR=$(mktemp -d /tmp/hallmark-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
  on_exit 'as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_DIR"'
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync -E UTF8 >"$T/initdb.log" 2>&1 ||
    { cat "$T/initdb.log" >&2; fail "initdb failed"; }
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
    -o "-k $PG_DIR -c listen_addresses= -c fsync=off -c full_page_writes=off" start >/dev/null ||
    { cat "$PG_DIR/log" >&2; fail "pg_ctl start failed"; }
  as_pg "$PG_BIN/createdb" -h "$PG_DIR" -U postgres evidence || fail "createdb failed"
  PG_URL="postgresql:///evidence?host=$PG_DIR&user=postgres"
}
