#!/usr/bin/env bash
# `make demo`: migrate, load the demo archive and exhibition through the curators' importer,
# then serve the site with a background task worker, on embedded defaults (SQLite, database
# search, local files, database task queue). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${1:-127.0.0.1}"
PORT="${2:-8000}"
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-archive_site.settings.dev}"
mkdir -p var/static

$PY manage.py compilemessages -l zh_Hans --ignore=.venv -v 0
$PY manage.py migrate --no-input -v 0
$PY manage.py load_demo

# Files left mid-processing by a worker that was stopped are put back in the queue first.
$PY manage.py retry_files -v 0
$PY manage.py db_worker --queue-name default >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  The archive is running:  http://$HOST:$PORT/
  Curators' admin:         http://$HOST:$PORT/admin/   (login: admin / ${DEMO_ADMIN_PASSWORD:-archive-demo})
  Task worker log:         var/worker.log
  Stop with Ctrl-C.

MSG
$PY manage.py runserver --noreload "$HOST:$PORT"
