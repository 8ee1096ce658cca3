# Self-documenting: every target with a "## " comment shows up in `make help`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
EXTRAS ?= dev,emulator,async

.PHONY: help install demo test test-unit test-wire lint format typecheck bench clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if absent) and install the package with its dev, emulator and async extras

demo: $(STAMP) ## Run the main job against the embedded emulator
	$(PY) -m langchain_bedrock_enhanced.cli demo

test: $(STAMP) ## Run the whole test suite (unit tests without sockets, wire tests on loopback)
	$(PY) -m pytest -q

test-unit: $(STAMP) ## Run only the socket-free unit and property tests
	$(PY) -m pytest -q tests/unit tests/property

test-wire: $(STAMP) ## Run only the tests that cross the wire to the local emulator (through real boto3)
	$(PY) -m pytest -q tests/wire

lint: $(STAMP) ## ruff check, ruff format --check and mypy --strict
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) ## Run the benchmarks; writes benchmarks/results/latest.json and latest.md
	$(PY) -m benchmarks

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
