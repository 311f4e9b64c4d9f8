# The commands the README names. `make run` serves the API; `make test` checks everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check -c .ci/constraints.txt

.PHONY: run test lint types unit install install-dev openapi docs messages migrate clean bench fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml .ci/constraints.txt
	$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP_INSTALL) -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Links in e-mails and the printed curl line point at the port actually served: the port is
# recorded as IXON_PUBLIC_URL in .env, which every `ixon-api` command run here reads too.
run: install
	$(BIN)/ixon-api public-url --port $(PORT)
	$(BIN)/ixon-api migrate
	$(BIN)/ixon-api bootstrap --if-empty
	$(BIN)/ixon-api serve --port $(PORT)

migrate: install
	$(BIN)/ixon-api migrate

lint: install-dev
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations bench

types: install-dev
	$(BIN)/mypy

# One pytest worker per core (pytest-xdist); a test file stays on one worker, so the servers
# and browsers a module starts once are not started twice. `make unit PYTEST_WORKERS=0` runs in one.
PYTEST_WORKERS ?= auto
unit: install-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test: lint types unit

openapi: install
	$(BIN)/ixon-api openapi

docs: install
	$(BIN)/python -m app.observability.docs

# Strings of the templates and code into app/i18n/locale/messages.pot, and every catalogue
# (.po) updated from it; then translate what it reports as untranslated (docs/development.md).
messages: install
	$(BIN)/python -m app.i18n.extract

# Not part of `make test`: starts its own servers and wrk, 5-8 minutes (bench/README.md).
# `make bench BENCH_ARGS=--quick` is a smoke run of about 2 minutes.
bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

# Not part of `make test` (which runs a bounded Schemathesis pass): a long one per database,
# a random seed, the slow bulk creates included. FUZZ_EXAMPLES and FUZZ_MAX_TIME (seconds,
# per database) tune it; docs/security.md says what it checks.
FUZZ_EXAMPLES ?= 50
FUZZ_MAX_TIME ?= 900
fuzz: install-dev
	IXON_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) IXON_FUZZ_MAX_TIME=$(FUZZ_MAX_TIME) IXON_FUZZ_SEED=random \
	IXON_FUZZ_LONG=1 $(BIN)/pytest -p no:cacheprovider tests/fuzz/test_schemathesis.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
