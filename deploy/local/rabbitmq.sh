#!/usr/bin/env bash
# RabbitMQ from Debian's package: install if missing, start if not running.
source "$(dirname "$0")/common.sh"

start() {
  apt_install rabbitmq-server
  if as_root rabbitmqctl -q status >/dev/null 2>&1; then
    say "RabbitMQ already running"
  else
    say "starting RabbitMQ"
    # Debian's postinst may have left an epmd; a detached server reuses it.
    as_root rabbitmq-server -detached >/dev/null 2>&1 || true
    # await_startup fails at once until the node has registered with epmd.
    local i=0
    until as_root rabbitmqctl -q ping >/dev/null 2>&1; do
      i=$((i + 1)); [ "$i" -gt 120 ] && die "RabbitMQ did not start; see /var/log/rabbitmq"; sleep 1
    done
    as_root rabbitmqctl -q await_startup --timeout 120 >/dev/null || die "RabbitMQ did not start; see /var/log/rabbitmq"
  fi
  # nameko's test fixtures create a vhost per test through the management API.
  if ! as_root rabbitmq-plugins -q is_enabled rabbitmq_management >/dev/null 2>&1; then
    as_root rabbitmq-plugins -q enable rabbitmq_management >/dev/null
  fi
  wait_port 127.0.0.1 15672 60 || die "RabbitMQ management API did not open on 15672"
}

stop() {
  if as_root rabbitmqctl -q status >/dev/null 2>&1; then
    say "stopping RabbitMQ"; as_root rabbitmqctl -q stop >/dev/null
  fi
}

status() { as_root rabbitmqctl -q status >/dev/null 2>&1 && echo running || echo stopped; }

"${1:-start}"
