#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: static checks, then the tests on SQLite, then the
# same tests on a real PostgreSQL server started here. Under CI=true a service that cannot start
# fails the run; locally too, unless you opt out explicitly with SKIP_POSTGRES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=archive_site.settings.test
unset DATABASE_URL

step() { printf '\n== %s\n' "$*"; }

step "compile translations"
$PY manage.py compilemessages -l zh_Hans --ignore=.venv -v 0

step "static checks: ruff, djhtml, manage.py check, makemigrations --check"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff . | head -40; exit 1; }
git ls-files -z '*.html' | xargs -0 -r .venv/bin/djhtml --check >/dev/null
$PY manage.py check
$PY manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without migrations:"; $PY manage.py makemigrations --dry-run; exit 1; }

step "tests on SQLite"
.venv/bin/pytest -q "$@"

if [ "${SKIP_POSTGRES:-}" = "1" ] && [ "${CI:-}" != "true" ]; then
  echo "SKIP_POSTGRES=1: the PostgreSQL run was skipped on request." >&2
  exit 0
fi

step "tests on PostgreSQL"
trap 'scripts/services/postgres.sh stop' EXIT
DATABASE_URL=$(scripts/services/postgres.sh start) || {
  echo "PostgreSQL could not start (see /tmp/archive-pg-*.log); the suite needs it." >&2; exit 1; }
export DATABASE_URL
.venv/bin/pytest -q -p no:cacheprovider "$@"
