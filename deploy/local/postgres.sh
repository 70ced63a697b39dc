#!/usr/bin/env bash
# A project-local PostgreSQL cluster for FerretDB's postgresql backend.
source "$(dirname "$0")/common.sh"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# The cluster lives in the project's .njia/data unless the postgres user cannot reach it
# (a checkout under a private temp folder): then beside Debian's own, one per checkout.
pg_data() {
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$NJIA_DATA" 2>/dev/null; then
    echo "$NJIA_DATA/postgres"
  else
    echo "/var/lib/postgresql/njia-$(printf '%s' "$NJIA_ROOT" | sha256sum | cut -c1-12)"
  fi
}
PGDATA=$(pg_data)

start() {
  apt_install postgresql
  local bin; bin=$(pg_bin)
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "creating PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"; fi
    as_postgres "$bin/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if as_postgres "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    say "PostgreSQL already running"
  else
    say "starting PostgreSQL on 127.0.0.1:$NJIA_POSTGRES_PORT"
    # Tuned for a throwaway development database: speed over crash safety.
    as_postgres "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
      -o "-p $NJIA_POSTGRES_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  fi
  as_postgres psql -h 127.0.0.1 -p "$NJIA_POSTGRES_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='ferretdb'" | grep -q 1 \
    || as_postgres psql -h 127.0.0.1 -p "$NJIA_POSTGRES_PORT" -U postgres -qc "CREATE DATABASE ferretdb"
  # Indexes FerretDB's equality pushdown can use (see the file); quiet unless it fails.
  as_postgres psql -h 127.0.0.1 -p "$NJIA_POSTGRES_PORT" -U postgres -d ferretdb -q -v ON_ERROR_STOP=1 \
    -c "SET client_min_messages = warning" -f - <"$(dirname "$0")/ferretdb-indexes.sql" >/dev/null \
    || die "could not add FerretDB's containment indexes to PostgreSQL"
}

stop() {
  local bin; bin=$(pg_bin)
  [ -n "$bin" ] && [ -f "$PGDATA/PG_VERSION" ] || return 0
  if as_postgres "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    say "stopping PostgreSQL"; as_postgres "$bin/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null
  fi
}

"${1:-start}"
