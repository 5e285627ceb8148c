# The README's two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# Tests use DATABASE_URL when set, otherwise this machine's PostgreSQL.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/dealtracker)
# Test processes (pytest-xdist): each gets its own test database and Redis database. 0 runs the
# suite in this process (for a debugger, or -x on the first failure).
TEST_WORKERS ?= 2

LINTER_SKIPPED := ADD_UNIQUE ALTER_COLUMN CREATE_INDEX CREATE_INDEX_EXCLUSIVE DROP_COLUMN \
  DROP_INDEX DROP_TABLE NOT_NULL REINDEX RENAME_COLUMN RENAME_TABLE \
  RUNPYTHON_ARGS_NAMING_CONVENTION RUNPYTHON_MODEL_IMPORT RUNPYTHON_MODEL_VARIABLE_NAME

.PHONY: install install-dev install-bench run serve migrate story editor test lint format check messages clean \
  bench soak

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[bench]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

install-bench: $(VENV)/.installed-bench

migrate: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

story: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_story --if-empty

## Serve the app with the story loaded on http://127.0.0.1:$(PORT)
run: story
	@echo ""
	@echo "  dealtracker is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Editors sign in at http://127.0.0.1:$(PORT)/admin/  (make an account: make editor)"
	@echo ""
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

## Make an editor account (asks for a password; no fixed password anywhere)
editor: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py create_editor

## Lint, the format check, Django's checks, the migration check and the whole test suite on
## PostgreSQL
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m dealtracker.ensure_db "$(TEST_DATABASE_URL)"
	DEBUG=0 SECRET_KEY=check-only $(PY) manage.py check
	DEBUG=0 SECRET_KEY=check-only $(PY) manage.py makemigrations --check --dry-run
	# Every migration must be reversible (the linter's other rules concern zero-downtime
	# deploys of a live table, which this project does not promise yet).
	LOG_LEVEL=WARNING DEBUG=0 SECRET_KEY=check-only DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py lintmigrations \
	  --include-apps deals --no-cache --quiet ok ignore \
	  --exclude-migration-tests $(LINTER_SKIPPED) \
	  --warnings-as-errors RUNPYTHON_REVERSIBLE RUNSQL_REVERSIBLE
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## The benchmark (not part of make test): builds or reuses the dataset in its own database
## (BENCH_DEALS deals, default 100000), serves it with gunicorn, drives every endpoint with wrk
## for BENCH_SECONDS each, and compares with Datasette. Results in bench-results/.
BENCH_ARGS ?=
bench: install-bench
	$(PY) bench/run.py $(BENCH_ARGS)

## Ten minutes (SOAK_SECONDS) of anonymous reads and concurrent editor writes against gunicorn:
## no 5xx, no lost update, flat worker memory.
SOAK_ARGS ?=
soak: install-bench
	$(PY) bench/soak.py $(SOAK_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .

## Rebuild the compiled Korean catalog after editing locale/ko/LC_MESSAGES/django.po
messages: install
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
