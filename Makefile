# Two commands on a fresh machine: `make demo` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install system-deps demo test test-fast lint typecheck format check clean bench

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	# iiif-prezi3 (tests validate our IIIF manifests with it) caps Pillow at 12 in its metadata
	# but works with the Pillow 13 we pin; installed without its dependency resolution.
	$(PY) -m pip install -q --no-deps "iiif-prezi3==3.1.1"
	npm ci --no-audit --no-fund --loglevel=error
	scripts/vendor-static.sh
	touch $(STAMP)

install: $(STAMP)

system-deps:
	scripts/system-deps.sh base imaging

demo: install system-deps
	scripts/demo.sh $(HOST) $(PORT)

test: install
	scripts/system-deps.sh base imaging postgres redis browser elasticsearch
	scripts/test.sh

# The unit layer on SQLite: no services, browser, OCR or PostgreSQL (markers in pyproject.toml).
test-fast: install
	scripts/test.sh --fast

# Static checks, in the order they usually fail: style, templates, import layering, types.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check $$(git ls-files '*.html')
	$(PY) scripts/check_layers.py
	$(VENV)/bin/mypy

# mypy with django-stubs over the packages listed in pyproject.toml ([tool.mypy] files); the
# cache in .mypy_cache makes a re-run take seconds.
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml $$(git ls-files '*.html')

check: install
	DJANGO_SETTINGS_MODULE=archive_site.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=archive_site.settings.test $(PY) manage.py makemigrations --check --dry-run

# Each benchmark prints its ratio against a baseline measured in the same run and writes
# bench/results/<name>.json. Not part of `make test`: they take minutes, not seconds.
bench: install
	for b in bench/*_bench.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf var .pytest_cache
