# Two commands on a fresh machine: `make demo` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install system-deps demo serve test test-sqlite test-postgres lint format check clean bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

system-deps:
	scripts/system-deps.sh base

demo: install system-deps
	scripts/demo.sh $(HOST) $(PORT)

test: install
	scripts/system-deps.sh base postgres
	scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check $$(git ls-files '*.html')

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml $$(git ls-files '*.html')

check: install
	DJANGO_SETTINGS_MODULE=archive_site.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=archive_site.settings.test $(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) bench/import_bench.py

clean:
	rm -rf var .pytest_cache
