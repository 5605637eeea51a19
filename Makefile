# The README's commands. Everything they need is installed here, never by hand.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

LOCKVENV ?= .venv-lock

.PHONY: run install install-test test test-sqlite test-postgres bench lock lock-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exact versions with hashes from the lock files (see `make lock`), then eventsys itself.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, upgrade the embedded SQLite database, load the demo data, serve on :5000
run: install
	$(BIN)/eventsys db upgrade
	$(BIN)/eventsys demo
	$(BIN)/eventsys run --host $(HOST) --port $(PORT)

## make test: the whole suite on SQLite, then on PostgreSQL when EVENTSYS_TEST_DATABASE_URL is set
test: install-test
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$EVENTSYS_TEST_DATABASE_URL" ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "EVENTSYS_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; \
	fi

# pytest exits 5 when it collected no tests: a suite that tests nothing is a failure here.
PYTEST = $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

test-sqlite: install-test
	@echo "== test suite on SQLite =="
	@EVENTSYS_TEST_DATABASE_URL= $(PYTEST)

test-postgres: install-test
	@echo "== test suite on PostgreSQL =="
	@$(PYTEST)

## make lock: resolve pyproject.toml's dependencies afresh from PyPI into the lock files
lock:
	$(PYTHON) -m venv $(LOCKVENV)
	$(LOCKVENV)/bin/python -m pip install --quiet --upgrade pip pip-tools
	$(LOCKVENV)/bin/python tools/lock.py write

## make lock-check: fail when pyproject.toml's dependencies changed since the last `make lock`
lock-check:
	$(PYTHON) tools/lock.py check

bench: install-test
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(LOCKVENV) dist build *.egg-info .pytest_cache
