#!/usr/bin/env bash
# A throwaway Redis (Debian's redis-server, scripts/system-deps.sh redis) on loopback for the
# tests of the Redis-backed task queue (django-tasks-rq). No persistence; `stop` removes its
# directory.
# Usage: scripts/services/redis.sh start|stop|status|url
# Environment: ARCHIVE_REDIS_PORT (default 56379). Tests read REDIS_TEST_URL (scripts/test.sh
# exports the URL printed by `start`).
set -euo pipefail

PORT="${ARCHIVE_REDIS_PORT:-56379}"
RUN="/tmp/archive-redis-$PORT"
PIDFILE="$RUN/redis.pid"
here="$(cd "$(dirname "$0")/../.." && pwd)"

url() { echo "redis://127.0.0.1:$PORT/0"; }

die() { echo "redis.sh: $*" >&2; exit 1; }

healthy() { redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

start() {
  command -v redis-server >/dev/null || "$here/scripts/system-deps.sh" redis
  if healthy; then url; return 0; fi
  rm -rf "$RUN"
  mkdir -p "$RUN"
  redis-server --bind 127.0.0.1 --port "$PORT" --protected-mode yes --save "" \
    --appendonly no --dir "$RUN" --daemonize yes --pidfile "$PIDFILE" \
    --logfile "$RUN/redis.log" >/dev/null
  for _ in $(seq 1 50); do healthy && { url; return 0; }; sleep 0.2; done
  tail -n 20 "$RUN/redis.log" >&2 || true
  die "redis-server did not answer on 127.0.0.1:$PORT"
}

stop() {
  if healthy; then redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  if [ -s "$PIDFILE" ]; then
    local p
    p=$(cat "$PIDFILE")
    for _ in $(seq 1 25); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if healthy; then echo "running on $(url)"; else echo "stopped"; exit 1; fi ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
