# Sitrep: every set-up step lives here, so a clean clone needs only `make run` / `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Prefect keeps its state (run history, the local database) inside the repo.
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL ?= WARNING

.PHONY: help setup run test lint eval clean faults serve ui deploy worker chromium screenshot

# The accuracy the dev corpus must keep (docs/accuracy.md); CI fails below it.
MIN_F1 ?= 0.90
MIN_STRICT_F1 ?= 0.80

help:
	@echo "make run    set up .venv and run the pipeline on samples/landing"
	@echo "make serve  run on a schedule (INTERVAL=seconds or CRON='expr'; default every 15 min)"
	@echo "make ui     start only the local Prefect server and print the UI's URL"
	@echo "make test   set up .venv, lint, and run every test"
	@echo "make lint   ruff + mypy"
	@echo "make eval   extraction accuracy on the dev corpus (tests/corpus), every miss listed"
	@echo "make faults kill runs with SIGKILL at every stage, rerun, compare with a clean run"
	@echo "make clean  remove the generated warehouse and Prefect state"

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/sitrep run --landing samples/landing

# The scheduled service (docs/scheduling.md): a local Prefect server if none answers, then the
# deployment sitrep-pipeline/scheduled. `make serve INTERVAL=60` or `make serve CRON='0 * * * *'`.
INTERVAL ?=
CRON ?=
SERVE_LOG_LEVEL ?= INFO
UI_URL ?= http://127.0.0.1:4200
serve: $(STAMP)
	PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL=$(SERVE_LOG_LEVEL) $(BIN)/sitrep serve \
		$(if $(CRON),--cron '$(CRON)') $(if $(INTERVAL),--interval $(INTERVAL))

ui: $(STAMP)
	$(BIN)/sitrep ui

# prefect.yaml, the alternative to `make serve`: a process work pool and a worker (`make ui` up).
deploy: $(STAMP)
	export PREFECT_API_URL=$${PREFECT_API_URL:-$(UI_URL)/api}; \
	$(BIN)/prefect --no-prompt work-pool inspect sitrep-process >/dev/null 2>&1 || \
		$(BIN)/prefect --no-prompt work-pool create sitrep-process --type process; \
	$(BIN)/prefect --no-prompt deploy --all

worker: $(STAMP)
	PREFECT_API_URL=$${PREFECT_API_URL:-$(UI_URL)/api} $(BIN)/prefect worker start --pool sitrep-process

# Debian's chromium for the browser test and the README screenshot; installed only if missing.
# Where nothing can install it (no apt-get, not root, no sudo) the browser test is skipped.
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "make chromium: no apt-get here; the browser test will be skipped"; exit 0; fi; \
	SUDO=""; if [ "$$(id -u)" != 0 ]; then \
		if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
		echo "make chromium: not root and no sudo; the browser test will be skipped"; exit 0; fi; fi; \
	echo "make chromium: installing Debian's chromium"; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

# The README's picture of the runs page, taken from the running UI (`make serve` or `make ui`).
screenshot: $(STAMP) chromium
	$(BIN)/python -m flows.browser $(UI_URL)/runs docs/prefect-ui-runs.png

lint: $(STAMP)
	$(BIN)/ruff check flows tests
	$(BIN)/mypy flows

# Crash safety: FAULT_RUNS kills per stage plus FAULT_RANDOM at random moments (a few minutes).
FAULT_RUNS ?= 5
FAULT_RANDOM ?= 5
faults: $(STAMP)
	$(BIN)/python -W ignore::UserWarning:multiprocessing.resource_tracker -c \
		'import sys; from flows.fault_harness import main; sys.exit(main(sys.argv[1:]))' \
		--per-stage $(FAULT_RUNS) --random $(FAULT_RANDOM)

eval: $(STAMP)
	$(BIN)/sitrep eval tests/corpus

test: $(STAMP) lint chromium
	$(BIN)/pytest
	$(BIN)/sitrep eval samples --quiet --min-f1 1.0
	$(BIN)/sitrep eval tests/corpus --quiet --min-f1 $(MIN_F1) --min-strict-f1 $(MIN_STRICT_F1)

clean:
	rm -rf warehouse/*.duckdb warehouse/.*.duckdb* warehouse/*.duckdb.wal warehouse/data_docs .prefect

# bench: speed and memory at scale (long: about 15 minutes); BENCH_SIZES to choose.
BENCH_SIZES ?= 1000,10000,100000

.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m flows.bench --sizes $(BENCH_SIZES)
