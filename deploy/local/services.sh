#!/usr/bin/env bash
# Start, stop and tail Njia's services as local processes (what `make up/down/logs` run).
source "$(dirname "$0")/common.sh"

NAMEKO="$NJIA_VENV/bin/nameko"
CONFIG="$NJIA_ROOT/deploy/nameko.yaml"
HTTP_URL="http://${NJIA_HTTP_HOST:-127.0.0.1}:${NJIA_HTTP_PORT:-8000}"

# Backing services first, the gateway last: it is what takes traffic.
services() {
  local s
  for s in "$NJIA_ROOT"/services/*/service.py; do
    s=$(basename "$(dirname "$s")"); [ "$s" = gateway ] || echo "$s"
  done
  echo gateway
}

# `module:Class`: naming the class keeps nameko from also starting imported base classes.
service_target() {
  local first; first=$(printf '%s' "${1:0:1}" | tr '[:lower:]' '[:upper:]')
  echo "services.$1.service:${first}${1:1}Service"
}

start_one() {  # start_one SERVICE [REPLICA]
  local service=$1 replica=${2:-1}
  local pidfile="$NJIA_RUN/svc-$service-$replica.pid" logfile="$NJIA_LOGS/$service-$replica.log"
  if pid_alive "$pidfile"; then say "$service #$replica already running"; return 0; fi
  # Detached from this shell's output, so `make up | tail` returns once Njia is ready.
  (cd "$NJIA_ROOT" || exit 1
   nohup "$NAMEKO" run --config "$CONFIG" "$(service_target "$service")" >>"$logfile" 2>&1 </dev/null &
   echo $! >"$pidfile")
  say "started $service #$replica (log: $logfile)"
}

MAILBOX_URL="http://${NJIA_SMTP_HOST:-127.0.0.1}:${NJIA_MAILBOX_PORT:-8025}"

start_mailbox() {  # the development mail catcher, unless email goes to a real server
  case "${NJIA_SMTP_HOST:-127.0.0.1}" in 127.0.0.1|localhost) ;; *) return 0 ;; esac
  local pidfile="$NJIA_RUN/svc-mailbox-1.pid"
  if pid_alive "$pidfile"; then say "mailbox already running"; return 0; fi
  (cd "$NJIA_ROOT" || exit 1
   nohup "$NJIA_VENV/bin/python" deploy/local/mailbox.py >>"$NJIA_LOGS/mailbox-1.log" 2>&1 </dev/null &
   echo $! >"$pidfile")
  wait_port "${NJIA_SMTP_HOST:-127.0.0.1}" "${NJIA_SMTP_PORT:-1025}" 10 \
    || die "the mailbox did not start; see $NJIA_LOGS/mailbox-1.log"
  say "started the mailbox: email Njia sends is at $MAILBOX_URL"
}

up() {
  [ -x "$NAMEKO" ] || die "run 'make setup' first"
  if ! bash "$(dirname "$0")/rabbitmq.sh" status | grep -q running; then
    bash "$(dirname "$0")/rabbitmq.sh" start; touch "$NJIA_RUN/started-rabbitmq"
  fi
  local ferretdb_pid="$NJIA_RUN/ferretdb-${NJIA_FERRETDB_ADDR##*:}.pid"
  if ! pid_alive "$ferretdb_pid"; then
    # Ours to stop at `make down` only if we started it, not one found listening already
    # (a FerretDB started with another NJIA_RUN_DIR, such as the one `make setup` started).
    bash "$(dirname "$0")/ferretdb.sh" start
    if pid_alive "$ferretdb_pid"; then touch "$NJIA_RUN/started-ferretdb"; fi
  fi
  # Event queues exist before any service publishes, so no event finds an exchange with no queue.
  (cd "$NJIA_ROOT" && "$NJIA_VENV/bin/njia-admin" declare-queues >/dev/null)
  start_mailbox
  local s
  for s in $(services); do start_one "$s" 1; done
  say "waiting for $HTTP_URL/readyz"
  local i=0
  until curl -fsS "$HTTP_URL/readyz?require=all" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 120 ]; then
      curl -sS "$HTTP_URL/readyz?require=all" || true
      die "Njia did not become ready in 60 s; see 'make logs'"
    fi
    sleep 0.5
  done
  say "Njia is up: $HTTP_URL  (API docs: $HTTP_URL/openapi.json; email it sends: $MAILBOX_URL)"
}

replica() {  # replica SERVICE: one more competing consumer of SERVICE
  local service=${1:?name a service} n=1
  [ -f "$NJIA_ROOT/services/$service/service.py" ] || die "no service '$service'"
  [ "$service" = gateway ] && die "one gateway per port: run another with NJIA_HTTP_PORT set instead"
  while [ -f "$NJIA_RUN/svc-$service-$n.pid" ] && pid_alive "$NJIA_RUN/svc-$service-$n.pid"; do n=$((n + 1)); done
  start_one "$service" "$n"
}

down() {
  local pidfile pid stopping=()
  # Every service told at once: each takes seconds to finish the work in hand, so one at a
  # time made `make down` take half a minute.
  for pidfile in "$NJIA_RUN"/svc-*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then kill "$pid"; stopping+=("$pidfile"); else rm -f "$pidfile"; fi
  done
  for pidfile in ${stopping[@]+"${stopping[@]}"}; do
    pid=$(cat "$pidfile")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped $(basename "$pidfile" .pid | sed 's/^svc-//')"
    rm -f "$pidfile"
  done
  if [ -f "$NJIA_RUN/started-ferretdb" ]; then bash "$(dirname "$0")/ferretdb.sh" stop; rm -f "$NJIA_RUN/started-ferretdb"; fi
  if [ -f "$NJIA_RUN/started-rabbitmq" ]; then bash "$(dirname "$0")/rabbitmq.sh" stop; rm -f "$NJIA_RUN/started-rabbitmq"; fi
}

logs() {
  local files=("$NJIA_LOGS"/*-[0-9]*.log)
  [ -e "${files[0]}" ] || die "no service logs yet; run 'make up'"
  if [ "${FOLLOW:-1}" = 1 ] && [ -t 1 ]; then tail -n 50 -F "${files[@]}"; else tail -n 100 "${files[@]}"; fi
}

status() {
  local pidfile
  for pidfile in "$NJIA_RUN"/svc-*.pid; do
    [ -f "$pidfile" ] || continue
    if pid_alive "$pidfile"; then echo "$(basename "$pidfile" .pid | sed 's/^svc-//'): running"; else echo "$(basename "$pidfile" .pid | sed 's/^svc-//'): dead"; fi
  done
}

"${1:-up}" "${@:2}"
