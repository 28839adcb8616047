#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the test suite.
# Usage: scripts/services/postgres.sh start|stop|status|url
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
# (created by Debian's package). Data lives in a temporary directory removed on stop.
set -euo pipefail

PORT="${ARCHIVE_PG_PORT:-54329}"
DATA="${ARCHIVE_PG_DATA:-/tmp/archive-pg-$PORT}"
LOG="$DATA.log"
DB=archive
here="$(cd "$(dirname "$0")/../.." && pwd)"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] || { "$here/scripts/system-deps.sh" postgres; dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); }
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() { echo "postgres://archive:archive@127.0.0.1:$PORT/$DB"; }

running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$(pg_bin)/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  local bin
  bin=$(pg_bin)
  if running; then url; return 0; fi
  rm -rf "$DATA" "$LOG"
  mkdir -p "$DATA"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$DATA"
  touch "$LOG"; [ "$(id -u)" -ne 0 ] || chown postgres: "$LOG"
  as_owner "$bin/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # Durability is irrelevant for a throwaway test server; turning it off makes the suite faster.
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o \
    "-h 127.0.0.1 -p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  as_owner "$bin/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc \
    "CREATE ROLE archive LOGIN SUPERUSER PASSWORD 'archive'" >/dev/null
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres -O archive "$DB"
  url
}

stop() {
  if running; then as_owner "$(pg_bin)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
  rm -rf "$DATA" "$LOG"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running on 127.0.0.1:$PORT"; else echo "stopped"; exit 1; fi ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
