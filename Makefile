# Njia — `make help` lists the targets. CI runs `make setup` then `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
LOCAL := deploy/local

.DEFAULT_GOAL := help
.PHONY: help setup up down logs status replica test test-unit test-integration test-e2e screenshots bench lint fmt

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

setup: ## install everything (venv, RabbitMQ, FerretDB) and start the broker and database
	@bash $(LOCAL)/setup.sh

up: ## start every service and the gateway in the background; waits until ready
	@bash $(LOCAL)/services.sh up

down: ## stop what `make up` started
	@bash $(LOCAL)/services.sh down

logs: ## show the services' logs (JSON lines)
	@bash $(LOCAL)/services.sh logs

status: ## which service processes are running
	@bash $(LOCAL)/services.sh status

replica: ## one more replica of a service: make replica SERVICE=accounts
	@bash $(LOCAL)/services.sh replica $(SERVICE)

test: ## the whole suite: lint, unit, integration, end-to-end (needs make setup)
	@bash $(LOCAL)/test.sh

test-unit: ## unit tests only (no broker, no database)
	@$(PY) -m pytest tests/unit -q

test-integration: ## integration tests against the real RabbitMQ and FerretDB
	@$(PY) -m pytest tests/integration -q

test-e2e: ## the platform as processes, over HTTP
	@$(PY) -m pytest tests/e2e -q --ignore=tests/e2e/test_fault_scenarios.py
	@$(PY) -m pytest tests/e2e/test_fault_scenarios.py -q  # alone: it restarts the broker and database

screenshots: ## refresh the README's screenshots under docs/screenshots by running the browser tests
	@NJIA_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/browser -q

bench: ## benchmarks: ratios to the framework floor, p50/p99
	@$(PY) -m tests.bench.run

lint: ## ruff, import-linter, mypy
	@$(VENV)/bin/ruff check shared services tests deploy
	@$(VENV)/bin/lint-imports
	@$(VENV)/bin/mypy
