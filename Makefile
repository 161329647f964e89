# SaferHub: the two commands in README.md call `make demo` and `make test`.
# Everything they need is installed here, from PyPI, npm and Debian's packages.

SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON := python3.11
export UV_PYTHON_DOWNLOADS := never
UV := .tools/bin/uv
PY := .venv/bin/python
SAFERHUB := .venv/bin/saferhub
TEST_ENV := SAFERHUB_HTTPS=false

.PHONY: help install assets system-deps system-deps-test demo test check pytest pytest-postgres benchmarks clean

help:
	@echo "make demo   install everything and run SaferHub with the demo partnership on http://127.0.0.1:8000"
	@echo "make test   install everything and run every check and test (SQLite and PostgreSQL)"

$(UV):
	python3.11 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

install: $(UV)  ## Python packages from uv.lock, front-end packages from package-lock.json
	$(UV) sync --frozen --quiet
	npm ci --no-audit --no-fund --loglevel=error
	$(MAKE) --no-print-directory assets

assets:
	npm run --silent build
	SAFERHUB_HTTPS=false $(SAFERHUB) manage collectstatic --noinput --verbosity 0

system-deps:  ## Pango for PDF reports (WeasyPrint)
	@bash scripts/install-system-packages libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

system-deps-test: system-deps  ## and Chromium for browser tests, PostgreSQL 15, poppler's pdftoppm
	@bash scripts/install-system-packages chromium postgresql-15 poppler-utils

demo: install system-deps
	SAFERHUB_HTTPS=false $(SAFERHUB) migrate
	SAFERHUB_HTTPS=false $(SAFERHUB) demo
	SAFERHUB_HTTPS=false $(SAFERHUB) run

test: install system-deps-test check pytest pytest-postgres

check:  ## style, types, architecture contracts and migrations
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(TEST_ENV) .venv/bin/mypy
	.venv/bin/lint-imports
	$(TEST_ENV) $(SAFERHUB) manage makemigrations --check --dry-run

pytest:  ## the whole suite on SQLite
	$(TEST_ENV) .venv/bin/pytest

pytest-postgres:  ## the database tests again on a real PostgreSQL 15 server on loopback
	$(TEST_ENV) bash scripts/with-postgres .venv/bin/pytest -m "not browser" --ignore=tests/analytics

benchmarks:
	$(PY) benchmarks/ingest_benchmark.py
	$(PY) benchmarks/scorecard_benchmark.py

clean:
	rm -rf .venv .tools node_modules var src/saferhub/web/static/dist
