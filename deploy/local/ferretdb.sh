#!/usr/bin/env bash
# FerretDB v1.24.2, built once with `go install` into .njia/bin, run with the
# backend NJIA_FERRETDB_BACKEND names (postgresql by default, or sqlite).
source "$(dirname "$0")/common.sh"

FERRETDB="$NJIA_BIN/ferretdb"
PIDFILE="$NJIA_RUN/ferretdb-${NJIA_FERRETDB_ADDR##*:}.pid"

build() {
  if [ -x "$FERRETDB" ] && "$FERRETDB" --version 2>/dev/null | grep -q "${FERRETDB_VERSION#v}"; then
    return 0
  fi
  command -v go >/dev/null || die "Go is needed to build FerretDB (apt-get install golang or see go.dev)"
  say "building FerretDB $FERRETDB_VERSION (a few minutes on 2 cores, once)"
  # FerretDB panics unless build/version/version.txt names its version, and a
  # plain `go install` leaves that file empty: build from a copy of the module.
  # The machine's Go is newer than FerretDB needs: never download another toolchain.
  export GOTOOLCHAIN=local GOFLAGS=-trimpath
  local src build="$NJIA_STATE/build/ferretdb"
  src=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>>"$NJIA_LOGS/ferretdb-build.log" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') \
    || die "downloading FerretDB failed: $(tail -n 5 "$NJIA_LOGS/ferretdb-build.log")"
  [ -n "$src" ] || die "go mod download gave no FerretDB source; see $NJIA_LOGS/ferretdb-build.log"
  rm -rf "$build"; mkdir -p "$(dirname "$build")"; cp -r "$src" "$build"; chmod -R u+w "$build"
  echo "$FERRETDB_VERSION" >"$build/build/version/version.txt"
  echo "njia-local" >"$build/build/version/package.txt"
  (cd "$build" && go build -o "$FERRETDB" ./cmd/ferretdb) >>"$NJIA_LOGS/ferretdb-build.log" 2>&1 \
    || die "building FerretDB failed: $(tail -n 5 "$NJIA_LOGS/ferretdb-build.log")"
  rm -rf "$build"
}

start() {
  build
  local host=${NJIA_FERRETDB_ADDR%:*} port=${NJIA_FERRETDB_ADDR##*:}
  if pid_alive "$PIDFILE"; then
    say "FerretDB already running on $NJIA_FERRETDB_ADDR ($(cat "$NJIA_RUN/ferretdb-${port}.backend" 2>/dev/null || echo '?') backend)"
    return 0
  fi
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    say "something already listens on $NJIA_FERRETDB_ADDR; using it as the database"
    return 0
  fi
  local args=(--listen-addr="$NJIA_FERRETDB_ADDR" --telemetry=disable --log-level=warn
              --state-dir="$NJIA_DATA/ferretdb-state-$port" --debug-addr=-)
  case "$NJIA_FERRETDB_BACKEND" in
    sqlite)
      mkdir -p "$NJIA_DATA/sqlite-$port"
      args+=(--handler=sqlite --sqlite-url="file:$NJIA_DATA/sqlite-$port/") ;;
    postgresql)
      bash "$(dirname "$0")/postgres.sh" start
      args+=(--handler=postgresql --postgresql-url="postgres://postgres@127.0.0.1:$NJIA_POSTGRES_PORT/ferretdb?pool_max_conns=200") ;;
    *) die "NJIA_FERRETDB_BACKEND must be sqlite or postgresql, not '$NJIA_FERRETDB_BACKEND'" ;;
  esac
  mkdir -p "$NJIA_DATA/ferretdb-state-$port"
  say "starting FerretDB ($NJIA_FERRETDB_BACKEND backend) on $NJIA_FERRETDB_ADDR"
  nohup "$FERRETDB" "${args[@]}" >>"$NJIA_LOGS/ferretdb.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  echo "$NJIA_FERRETDB_BACKEND" >"$NJIA_RUN/ferretdb-${port}.backend"
  wait_port "$host" "$port" 60 || die "FerretDB did not open $NJIA_FERRETDB_ADDR; see $NJIA_LOGS/ferretdb.log"
}

stop() {
  local port=${NJIA_FERRETDB_ADDR##*:}
  if pid_alive "$PIDFILE"; then
    say "stopping FerretDB"; kill "$(cat "$PIDFILE")"
    for _ in $(seq 50); do pid_alive "$PIDFILE" || break; sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  # PostgreSQL may serve another FerretDB still running: stop it only when none is left.
  if [ "$NJIA_FERRETDB_BACKEND" = postgresql ] && ! ls "$NJIA_RUN"/ferretdb-*.pid >/dev/null 2>&1; then
    bash "$(dirname "$0")/postgres.sh" stop
  fi
  return 0
}

"${1:-start}"
