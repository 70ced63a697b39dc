#!/usr/bin/env bash
# `make setup`: everything Njia needs on a fresh Debian 12 machine, idempotently.
source "$(dirname "$0")/common.sh"

apt_install python3-venv curl ca-certificates
if [ ! -x "$NJIA_VENV/bin/python" ]; then
  say "creating $NJIA_VENV"
  python3 -m venv "$NJIA_VENV"
fi
stamp="$NJIA_STATE/installed.sha"
want=$(cat "$NJIA_ROOT/pyproject.toml" | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$NJIA_VENV/bin/python" -c "import nameko, services" 2>/dev/null; then
  say "installing Njia and its pinned dependencies into .venv"
  "$NJIA_VENV/bin/pip" install -q --upgrade pip
  "$NJIA_VENV/bin/pip" install -q -e "$NJIA_ROOT[dev]"
  echo "$want" >"$stamp"
else
  say "Python packages already installed"
fi
bash "$(dirname "$0")/rabbitmq.sh" start
bash "$(dirname "$0")/ferretdb.sh" start
say "setup done: 'make up' starts Njia, 'make test' runs the tests"
