# Sourced by scripts/test and scripts/bench-scale: start_postgres starts (once) a throwaway
# PostgreSQL server on 127.0.0.1:55432 and exports JIXIAO_TEST_POSTGRES_URL.

start_postgres() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "scripts/test: PostgreSQL binaries not found" >&2; return 1; }
  local data; data="${TMPDIR:-/tmp}/jixiao-pg-test"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres "$data" && chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    "${as[@]}" "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  if ! "${as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "${as[@]}" "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
      -o "-p 55432 -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  fi
  export JIXIAO_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:55432/postgres"
}
