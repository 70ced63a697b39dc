#!/usr/bin/env bash
# `make test`: lint, then every test level, against the real broker and database.
source "$(dirname "$0")/common.sh"
cd "$NJIA_ROOT"
[ -x "$NJIA_VENV/bin/python" ] || die "run 'make setup' first"
bash "$(dirname "$0")/rabbitmq.sh" start >/dev/null
bash "$(dirname "$0")/ferretdb.sh" start >/dev/null
say "lint"
"$NJIA_VENV/bin/ruff" check shared services tests
"$NJIA_VENV/bin/lint-imports" --no-cache >/dev/null || "$NJIA_VENV/bin/lint-imports" --no-cache
"$NJIA_VENV/bin/mypy" --no-error-summary
say "tests"
"$NJIA_VENV/bin/python" -m pytest "$@"
