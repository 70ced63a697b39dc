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
# Browser tests: Debian's Chromium and its driver (no browser downloads), and the axe-core
# accessibility engine pinned by tests/browser/package-lock.json.
apt_install chromium chromium-driver
command -v npm >/dev/null || apt_install nodejs npm
browser="$NJIA_ROOT/tests/browser"
npm_stamp="$NJIA_STATE/npm-installed.sha"
npm_want=$(cat "$browser/package.json" "$browser/package-lock.json" | sha256sum | cut -c1-16)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ] || [ ! -f "$browser/node_modules/axe-core/axe.min.js" ]; then
  say "installing axe-core into tests/browser/node_modules"
  (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$npm_want" >"$npm_stamp"
else
  say "axe-core already installed"
fi
bash "$(dirname "$0")/rabbitmq.sh" start
bash "$(dirname "$0")/ferretdb.sh" start
say "setup done: 'make up' starts Njia, 'make test' runs the tests"
