# Self-documenting: every target with a "## " comment shows up in `make help`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-stamp
# The extras the lock covers, and so what every venv here gets.
EXTRAS ?= dev,emulator,async,redis,notebooks,docs
# Every package pinned, for every Python from requires-python up: one file, with an
# environment marker where a Python needs another version (3.10 gets an older
# langchain-core). `make install` installs exactly this; `make lock` refreshes it.
LOCK := requirements/lock.txt
comma := ,
MIN_PYTHON := $(shell sed -n 's/^requires-python = ">=\([0-9.]*\)"$$/\1/p' pyproject.toml)
# The Pythons `make test-all` runs the suite on, each in its own .venv-3.X built from the
# lock; the version .venv runs needs no second venv: its leg is `make test`.
TEST_PYTHONS ?= 3.10 3.11 3.13
VENV_PYTHON_VERSION := $(shell p=$(PY); test -x $$p || p=$(PYTHON); \
	$$p -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)

# uv uses the interpreters we give it and never downloads one (there is nowhere to
# download one from on CI).
export UV_PYTHON_DOWNLOADS := never

# Print the path of a working python$(1): the one on PATH, else pyenv's, whose shims
# answer only for the versions pyenv has selected.
find_python = for p in python$(1) $$(pyenv root 2>/dev/null)/versions/$(1).*/bin/python$(1); do \
	"$$p" -c '' 2>/dev/null && { command -v "$$p"; exit 0; }; done; \
	echo "No working python$(1) on PATH or in pyenv: install Python $(1)." >&2; exit 1

.PHONY: help install lock demo test test-all test-unit test-wire lint format docs bench soak compat clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_.%-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# uv itself is pinned in the lock (dev extra); before there is a lock, take the newest.
$(UV):
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "$$(sed -n 's/^\(uv==[^ ;]*\).*/\1/p' $(LOCK) 2>/dev/null | grep . || echo uv)"

# `pip check` fails here if pyproject.toml gained a dependency that the lock lacks
# (run `make lock`).
$(STAMP): pyproject.toml $(LOCK) | $(UV)
	$(UV) pip sync --quiet --python $(PY) $(LOCK)
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(UV) pip check --quiet --python $(PY)
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if absent) and install the package with exactly the locked dev, emulator, async, redis, notebooks and docs extras

lock: | $(UV) ## Refresh requirements/lock.txt: the newest versions pyproject.toml allows, for each Python we support
	$(UV) pip compile --quiet --upgrade --universal --python-version $(MIN_PYTHON) \
		$(addprefix --extra ,$(subst $(comma), ,$(EXTRAS))) \
		--custom-compile-command 'make lock' -o $(LOCK) pyproject.toml

demo: $(STAMP) ## Run the main job against the embedded emulator
	$(PY) -m langchain_bedrock_enhanced.cli demo

test: $(STAMP) ## Run the whole test suite (unit tests without sockets, wire tests on loopback)
	$(PY) -m pytest -q

# The leg for .venv's own version is `test`; make runs a target once per invocation,
# so `make test lint test-all` runs that suite once.
test-all: $(if $(filter $(VENV_PYTHON_VERSION),$(TEST_PYTHONS)),test) $(addprefix test-,$(filter-out $(VENV_PYTHON_VERSION),$(TEST_PYTHONS))) ## Run the whole suite on each of TEST_PYTHONS (3.10 3.11 3.13), each in its own venv from the lock

# Make would delete these stamps as intermediate files of `test-%`; they must stay.
.PRECIOUS: .venv-%/.installed-stamp
.venv-%/.installed-stamp: pyproject.toml $(LOCK) | $(UV)
	@py="$$($(call find_python,$*))" && set -x && $(UV) venv --quiet --allow-existing --python "$$py" .venv-$*
	$(UV) pip sync --quiet --python .venv-$*/bin/python $(LOCK)
	$(UV) pip install --quiet --python .venv-$*/bin/python --no-deps -e .
	$(UV) pip check --quiet --python .venv-$*/bin/python
	@touch $@

test-%: .venv-%/.installed-stamp ## Run the whole suite on Python % in .venv-% (e.g. make test-3.13)
	@echo "== Python $* ($$(.venv-$*/bin/python --version))"
	.venv-$*/bin/python -m pytest -q

test-unit: $(STAMP) ## Run only the socket-free unit and property tests
	$(PY) -m pytest -q tests/unit tests/property

test-wire: $(STAMP) ## Run only the tests that cross the wire to the local emulator (through real boto3)
	$(PY) -m pytest -q tests/wire

lint: $(STAMP) ## ruff check, ruff format --check and mypy --strict, all as locked
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Strict: a broken link or anchor, an unresolved reference or any warning fails the build.
# Offline: nothing is fetched at build time (see mkdocs.yml).
docs: $(STAMP) ## Build the docs site (MkDocs, strict) into site/, with the API reference and the notebooks
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

bench: $(STAMP) ## Run the benchmarks; writes benchmarks/results/latest.json and latest.md
	$(PY) -m benchmarks

soak: $(STAMP) ## Run 2,000 mixed calls against a faulty emulator; prints the targets, writes benchmarks/results/soak.json
	$(PY) -m benchmarks.soak

# Fetches langchain-aws's tests from the registry at run time: we may not copy them here.
compat: $(STAMP) ## Run langchain-aws's own ChatBedrockConverse unit tests (locked version) on our class too; fails on a regression
	$(PY) scripts/langchain_aws_compat.py

clean: ## Remove the virtualenvs (.venv and every .venv-3.X) and caches
	rm -rf $(VENV) .venv-*/ .pytest_cache .mypy_cache .ruff_cache .hypothesis
