# sanctrace: `make demo` and `make test` work on a fresh machine (they create .venv and install first).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB := demo-out/sanctrace.duckdb

.PHONY: setup demo test test-fast test-slow bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/sanctrace demo demo-out --report demo-report.html

test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.names

lint: setup
	$(BIN)/python -m ruff check sanctrace tests benchmarks

clean:
	rm -rf demo-out bench-out demo-report.html .pytest_cache
