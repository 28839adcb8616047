#!/usr/bin/env bash
# `make demo`: migrate, load the demo archive and exhibition through the curators' importer,
# then serve the site with background task workers, on embedded defaults (SQLite, database
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
# One worker process per core (at most four), each running OCR on one thread: separate processes
# keep both cores busy through the single-threaded parts of a step, which onnxruntime's own
# threads cannot (bench/pipeline_bench.py --section ocr measures it). ARCHIVE_WORKERS overrides.
WORKERS="${ARCHIVE_WORKERS:-$(nproc 2>/dev/null || echo 1)}"
[ "$WORKERS" -gt 4 ] && [ -z "${ARCHIVE_WORKERS:-}" ] && WORKERS=4
workers=()
for n in $(seq 1 "$WORKERS"); do
  OCR_THREADS="${OCR_THREADS:-1}" $PY manage.py db_worker --queue-name default \
    >"var/worker-$n.log" 2>&1 &
  workers+=($!)
done
trap 'kill "${workers[@]}" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  The archive is running:  http://$HOST:$PORT/
  Curators' admin:         http://$HOST:$PORT/admin/   (login: admin / ${DEMO_ADMIN_PASSWORD:-archive-demo})
  Task workers ($WORKERS) log to: var/worker-N.log
  Stop with Ctrl-C.

MSG
$PY manage.py runserver --noreload "$HOST:$PORT"
