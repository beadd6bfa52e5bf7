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

.PHONY: help setup run test lint unit e2e clean

help:
	@echo "make run    set up .venv and run the pipeline on samples/landing"
	@echo "make test   set up .venv, lint, and run every test"
	@echo "make lint   ruff + mypy"
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

test: $(STAMP) lint
	$(BIN)/pytest

clean:
	rm -rf warehouse/*.duckdb warehouse/.*.duckdb* warehouse/*.duckdb.wal warehouse/data_docs .prefect
