#!/usr/bin/env bash
# A throwaway S3-compatible server on loopback for the test suite: moto in server mode (PyPI
# `moto[server]`, a dev dependency in pyproject.toml), spoken to over real HTTP by boto3 /
# django-storages exactly as AWS or MinIO would be. State lives in memory and dies with the
# process; `stop` removes the run directory.
# Usage: scripts/services/s3.sh start|stop|status|url
#   start   starts the server (if not running), creates the bucket, prints the endpoint URL
#   url     prints the endpoint URL
# Environment:
#   ARCHIVE_S3_PORT    port on 127.0.0.1          (default 59700)
#   ARCHIVE_S3_BUCKET  bucket created on start    (default archive-test)
# Tests read the endpoint from S3_TEST_ENDPOINT_URL (scripts/test.sh exports it); any access key
# works with moto, the suite uses "test"/"test".
set -euo pipefail

PORT="${ARCHIVE_S3_PORT:-59700}"
BUCKET="${ARCHIVE_S3_BUCKET:-archive-test}"
RUN="/tmp/archive-s3-$PORT"
PIDFILE="$RUN/moto.pid"
LOG="$RUN/moto.log"
here="$(cd "$(dirname "$0")/../.." && pwd)"
MOTO="$here/.venv/bin/moto_server"

url() { echo "http://127.0.0.1:$PORT"; }

die() { echo "s3.sh: $*" >&2; exit 1; }

pid() { [ -s "$PIDFILE" ] && cat "$PIDFILE"; }

running() { local p; p=$(pid) && kill -0 "$p" 2>/dev/null; }

healthy() { curl -fsS --max-time 2 -o /dev/null "$(url)/moto-api/" 2>/dev/null; }

start() {
  if running && healthy; then url; return 0; fi
  running && stop
  [ -x "$MOTO" ] || die "$MOTO not found: install the dev dependencies (make install)"
  rm -rf "$RUN"
  mkdir -p "$RUN"
  # setsid: the server outlives this script but not `stop`; its own process group.
  setsid "$MOTO" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 < /dev/null &
  echo $! >"$PIDFILE"
  local waited=0
  until healthy; do
    running || { tail -n 20 "$LOG" >&2; die "moto exited during startup (log: $LOG)"; }
    [ "$waited" -lt 60 ] || { stop; die "moto did not answer on $(url) within 30s"; }
    sleep 0.5
    waited=$((waited + 1))
  done
  # Path-style bucket creation; moto accepts unsigned requests.
  curl -fsS --max-time 10 -X PUT -o /dev/null "$(url)/$BUCKET" || { stop; die "could not create bucket $BUCKET"; }
  url
}

stop() {
  local p
  if p=$(pid) && kill -0 "$p" 2>/dev/null; then
    kill "$p"
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && healthy; then echo "running on $(url) (bucket $BUCKET)"; else echo "stopped"; exit 1; fi ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
