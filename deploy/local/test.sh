#!/usr/bin/env bash
# `make test`: lint, then every test level, against the real broker and database.
source "$(dirname "$0")/common.sh"
cd "$NJIA_ROOT"
[ -x "$NJIA_VENV/bin/python" ] || die "run 'make setup' first"
bash "$(dirname "$0")/rabbitmq.sh" start >/dev/null
bash "$(dirname "$0")/ferretdb.sh" start >/dev/null
say "lint"
"$NJIA_VENV/bin/ruff" check shared services tests deploy
"$NJIA_VENV/bin/lint-imports" --no-cache >/dev/null || "$NJIA_VENV/bin/lint-imports" --no-cache
"$NJIA_VENV/bin/mypy" --no-error-summary
say "tests"
[ $# -eq 0 ] || exec "$NJIA_VENV/bin/python" -m pytest "$@"

# The reminder scenarios spend most of their minutes waiting for wall-clock marks: each runs in a
# pytest of its own beside the rest of the suite (on its own platform, vhost and databases).
waiting=(tests/e2e/test_reminders_scenario.py tests/e2e/test_reminder_recovery.py)
logs=$(mktemp -d)
pids=()
for module in "${waiting[@]}"; do
  "$NJIA_VENV/bin/python" -m pytest -q -p no:cacheprovider "$module" >"$logs/$(basename "$module").log" 2>&1 &
  pids+=($!)
done
# The fault scenarios stop and start the machine's broker and database: alone, after the rest.
alone=tests/e2e/test_fault_scenarios.py
status=0
"$NJIA_VENV/bin/python" -m pytest "${waiting[@]/#/--ignore=}" "--ignore=$alone" || status=$?
for i in "${!waiting[@]}"; do
  code=0
  wait "${pids[$i]}" || code=$?
  say "${waiting[$i]} (run beside the rest):"
  cat "$logs/$(basename "${waiting[$i]}").log"
  [ "$code" -eq 0 ] || status=$code
done
rm -rf "$logs"
say "$alone (alone: it restarts RabbitMQ and FerretDB)"
"$NJIA_VENV/bin/python" -m pytest -q -p no:cacheprovider "$alone" || status=$?
exit "$status"
