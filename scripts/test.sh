#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: static checks, then the tests on SQLite with the
# real services they need (Elasticsearch, an S3-compatible server, Redis, Chromium), then the same tests
# on a real PostgreSQL server. Every service is started here, on loopback, and stopped on exit.
# Under CI=true a service that cannot start fails the run; locally its tests skip with the reason
# (PostgreSQL is always required unless you opt out with SKIP_POSTGRES=1).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=archive_site.settings.test
unset DATABASE_URL ELASTICSEARCH_URL REDIS_URL AWS_STORAGE_BUCKET_NAME

step() { printf '\n== %s\n' "$*"; }
started=()
cleanup() {
  local s
  for s in "${started[@]}"; do scripts/services/"$s".sh stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# start_service NAME VAR: runs scripts/services/NAME.sh start and exports its URL as VAR.
start_service() {
  local name=$1 var=$2 url
  if url=$(scripts/services/"$name".sh start); then
    started+=("$name")
    export "$var=$url"
    echo "$name: $url"
  elif [ "${CI:-}" = "true" ]; then
    echo "$name could not start; under CI its tests cannot be skipped." >&2
    exit 1
  else
    echo "WARNING: $name could not start; its tests will skip locally." >&2
  fi
}

step "compile translations"
$PY manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules -v 0

step "static checks: ruff, djhtml, manage.py check, makemigrations --check"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff . | head -40; exit 1; }
git ls-files -z '*.html' | xargs -0 -r .venv/bin/djhtml --check >/dev/null
$PY manage.py check
$PY manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without migrations:"; $PY manage.py makemigrations --dry-run; exit 1; }

step "services"
start_service elasticsearch ELASTICSEARCH_TEST_URL
start_service s3 S3_TEST_ENDPOINT_URL
start_service redis REDIS_TEST_URL

step "tests on SQLite"
.venv/bin/pytest -q -p no:cacheprovider "$@"

if [ "${SKIP_POSTGRES:-}" = "1" ] && [ "${CI:-}" != "true" ]; then
  echo "SKIP_POSTGRES=1: the PostgreSQL run was skipped on request." >&2
  exit 0
fi

step "tests on PostgreSQL"
url=$(scripts/services/postgres.sh start) || {
  echo "PostgreSQL could not start (see /tmp/archive-pg-*.log); the suite needs it." >&2; exit 1; }
started+=(postgres)
DATABASE_URL=$url .venv/bin/pytest -q -p no:cacheprovider "$@"
