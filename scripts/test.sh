#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: static checks, then the tests on SQLite with the
# real services they need (Elasticsearch, an S3-compatible server, Redis, Chromium), then the tests
# that use the database again on a real PostgreSQL server. Every service is started here, on loopback, and stopped on exit.
# Under CI=true a service that cannot start fails the run, and so does any test that skips;
# locally its tests skip with the reason (PostgreSQL is always required unless you opt out with
# SKIP_POSTGRES=1).
#
# `scripts/test.sh --fast` (make test-fast) runs only the unit layer: no services, no browser, no
# OCR, no PostgreSQL, no static checks. Other arguments go to pytest.
#
# Tests run on TEST_JOBS pytest-xdist workers (default: one per core; 0 runs them in this
# process). Each worker copies a database migrated once (tests/db_template.py). Tests that
# share an expensive session fixture are kept on one worker by XDIST_GROUPS in tests/conftest.py.
# The SQLite pass measures statement coverage and prints its total and a line per package.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=archive_site.settings.test
unset DATABASE_URL ELASTICSEARCH_URL REDIS_URL AWS_STORAGE_BUCKET_NAME

# Everything that needs a service, a browser, OCR or seconds of work; the rest is the unit layer.
OUTSIDE_UNIT_LAYER="slow or browser or elasticsearch or redis or s3 or ocr or postgres"
JOBS=${TEST_JOBS:-$(nproc)}
# Redis gives each worker a database of its own, and it has 16.
[ "$JOBS" -le 15 ] || JOBS=15
# --durations: the slowest tests of each pass, to keep the whole run inside CI's time.
PYTEST=(.venv/bin/pytest -q -p no:cacheprovider -n "$JOBS" --dist loadgroup --durations=15)

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

# pass_with_coverage NAME ARGS...: one pytest run measuring coverage into var/coverage/NAME.
# pytest's own exit status is kept: 5 (nothing collected) fails the run like any other error.
# Python 3.11's tracer makes a pass about half as slow again: TEST_COVERAGE=0 skips it locally.
pass_with_coverage() {
  local name=$1 status=0
  shift
  if [ "${TEST_COVERAGE:-1}" = "0" ] && [ "${CI:-}" != "true" ]; then
    "${PYTEST[@]}" "$@"
    return
  fi
  mkdir -p var/coverage
  rm -f "var/coverage/$name"
  COVERAGE_FILE="var/coverage/$name" "${PYTEST[@]}" --cov --cov-report= "$@" || status=$?
  if [ -f "var/coverage/$name" ]; then
    COVERAGE_FILE="var/coverage/$name" $PY -m tests.coverage_summary "$name"
  fi
  return "$status"
}

step "compile translations"
$PY manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules -v 0

if [ "${1:-}" = "--fast" ]; then
  shift
  step "unit layer on SQLite ($JOBS workers): not ($OUTSIDE_UNIT_LAYER)"
  unset ELASTICSEARCH_TEST_URL S3_TEST_ENDPOINT_URL REDIS_TEST_URL
  exec "${PYTEST[@]}" -m "not ($OUTSIDE_UNIT_LAYER)" "$@"
fi

step "static checks: ruff, djhtml, import layering, mypy, manage.py check, makemigrations --check"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff . | head -40; exit 1; }
git ls-files -z '*.html' | xargs -0 -r .venv/bin/djhtml --check >/dev/null
$PY scripts/check_layers.py
.venv/bin/mypy
$PY manage.py check
$PY manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without migrations:"; $PY manage.py makemigrations --dry-run; exit 1; }

step "services"
start_service elasticsearch ELASTICSEARCH_TEST_URL
start_service s3 S3_TEST_ENDPOINT_URL
start_service redis REDIS_TEST_URL
# The front cache's tests (tests/serving/test_front_cache.py) start their own nginx with
# scripts/services/nginx.sh in front of the test's server: only the package is needed here.
if ! scripts/system-deps.sh nginx; then
  [ "${CI:-}" = "true" ] && { echo "nginx could not be installed; under CI its tests cannot be skipped." >&2; exit 1; }
  echo "WARNING: nginx is not installed; the front cache's tests will skip locally." >&2
fi

step "tests on SQLite ($JOBS workers)"
pass_with_coverage sqlite "$@"

if [ "${SKIP_POSTGRES:-}" = "1" ] && [ "${CI:-}" != "true" ]; then
  echo "SKIP_POSTGRES=1: the PostgreSQL run was skipped on request." >&2
  exit 0
fi

step "tests on PostgreSQL ($JOBS workers)"
url=$(scripts/services/postgres.sh start) || {
  echo "PostgreSQL could not start (see /tmp/archive-pg-*.log); the suite needs it." >&2; exit 1; }
started+=(postgres)
# A test that never opens the database cannot behave differently here: it ran on SQLite; nor
# can one marked one_database (it checks a service, e.g. an Elasticsearch cluster's failover).
# Coverage is measured once, on the SQLite pass: which lines run hardly depends on the database,
# and measuring it again would cost the PostgreSQL pass about half as much CPU again.
DATABASE_URL=$url "${PYTEST[@]}" -m "database and not one_database" "$@"
