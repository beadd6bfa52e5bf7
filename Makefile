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

.PHONY: help setup run test lint eval clean

# The accuracy the dev corpus must keep (docs/accuracy.md); CI fails below it.
MIN_F1 ?= 0.90
MIN_STRICT_F1 ?= 0.80

help:
	@echo "make run    set up .venv and run the pipeline on samples/landing"
	@echo "make test   set up .venv, lint, and run every test"
	@echo "make lint   ruff + mypy"
	@echo "make eval   extraction accuracy on the dev corpus (tests/corpus), every miss listed"
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

lint: $(STAMP)
	$(BIN)/ruff check flows tests
	$(BIN)/mypy flows

eval: $(STAMP)
	$(BIN)/sitrep eval tests/corpus

test: $(STAMP) lint
	$(BIN)/pytest
	$(BIN)/sitrep eval samples --quiet --min-f1 1.0
	$(BIN)/sitrep eval tests/corpus --quiet --min-f1 $(MIN_F1) --min-strict-f1 $(MIN_STRICT_F1)

clean:
	rm -rf warehouse/*.duckdb warehouse/.*.duckdb* warehouse/*.duckdb.wal warehouse/data_docs .prefect
