#!/usr/bin/env bash
# The front cache on loopback: Debian's nginx (scripts/system-deps.sh nginx) with the repository's
# deploy/nginx/archive.conf, in front of a gunicorn (or any server of the site). Used by
# tests/serving/test_front_cache.py and bench/load_bench.py; docs/DEPLOYMENT.md for production.
# Usage: scripts/services/nginx.sh start|stop|status|url
# Environment:
#   ARCHIVE_NGINX_PORT        the port it listens on (default 58080)
#   ARCHIVE_NGINX_UPSTREAM    the site's address (default 127.0.0.1:8000)
#   ARCHIVE_NGINX_STATIC_ROOT collectstatic's folder (default var/static)
#   ARCHIVE_NGINX_WORKERS     nginx worker processes (default auto: one per core)
#   ARCHIVE_NGINX_ACCESS_LOG  1 writes $RUN/access.log (default off)
#   ANALYTICS_FRONT_SECRET    the secret of its file counting reports, as Django's setting
#                             (default empty: no reports; letters, digits, - and _ only)
# Its files (configuration, pid, logs, the cache) are in /tmp/archive-nginx-$PORT; `stop`
# removes them. `start` when it already runs with the same settings reuses it; with other
# settings it reloads the new configuration (and empties the cache).
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${ARCHIVE_NGINX_PORT:-58080}"
UPSTREAM="${ARCHIVE_NGINX_UPSTREAM:-127.0.0.1:8000}"
STATIC_ROOT="${ARCHIVE_NGINX_STATIC_ROOT:-$here/var/static}"
WORKERS="${ARCHIVE_NGINX_WORKERS:-auto}"
COUNT_SECRET="${ANALYTICS_FRONT_SECRET:-}"
RUN="/tmp/archive-nginx-$PORT"
PIDFILE="$RUN/nginx.pid"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

url() { echo "http://127.0.0.1:$PORT"; }

die() { echo "nginx.sh: $*" >&2; exit 1; }

running() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

answering() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# nginx.conf and the site file for these settings, into $1.
write_config() {
  local out=$1 user_line="" log="access_log off;"
  # As root, the workers run as the same user (the cache and the folders served are this
  # user's); otherwise nginx ignores `user` and runs everything as the caller.
  [ "$(id -u)" -eq 0 ] && user_line="user $(id -un) $(id -gn);"
  [ "${ARCHIVE_NGINX_ACCESS_LOG:-0}" = "1" ] &&
    log="access_log $RUN/access.log combined;"
  [[ "$COUNT_SECRET" =~ ^[A-Za-z0-9_-]*$ ]] ||
    die "ANALYTICS_FRONT_SECRET may hold letters, digits, - and _ only"
  sed -e "s#@LISTEN@#127.0.0.1:$PORT#" -e "s#@UPSTREAM@#$UPSTREAM#" \
    -e "s#@STATIC_ROOT@#${STATIC_ROOT%/}/#" -e "s#@CACHE_DIR@#$RUN/cache#" \
    -e "s#@COUNT_SECRET@#$COUNT_SECRET#" \
    "$here/deploy/nginx/archive.conf" >"$out/archive.conf"
  cat >"$out/nginx.conf" <<CONF
$user_line
worker_processes $WORKERS;
pid $PIDFILE;
error_log $RUN/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000;
    $log
    client_body_temp_path $RUN/tmp/body;
    proxy_temp_path $RUN/tmp/proxy;
    fastcgi_temp_path $RUN/tmp/fastcgi;
    uwsgi_temp_path $RUN/tmp/uwsgi;
    scgi_temp_path $RUN/tmp/scgi;
    include $RUN/conf/archive.conf;
}
CONF
}

start() {
  [ -x "$NGINX" ] || "$here/scripts/system-deps.sh" nginx
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
  local fresh
  fresh=$(mktemp -d)
  write_config "$fresh"
  if running && answering; then
    if cmp -s "$fresh/archive.conf" "$RUN/conf/archive.conf" &&
      cmp -s "$fresh/nginx.conf" "$RUN/conf/nginx.conf"; then
      rm -rf "$fresh"
      url
      return 0
    fi
    cp "$fresh"/* "$RUN/conf/"
    rm -rf "$fresh" "$RUN/cache"
    mkdir -p "$RUN/cache"
    "$NGINX" -t -q -c "$RUN/conf/nginx.conf" -p "$RUN" || die "the new configuration is invalid"
    "$NGINX" -c "$RUN/conf/nginx.conf" -p "$RUN" -s reload
    sleep 0.5
    url
    return 0
  fi
  stop
  mkdir -p "$RUN/conf" "$RUN/cache" "$RUN/tmp"
  cp "$fresh"/* "$RUN/conf/"
  rm -rf "$fresh"
  "$NGINX" -c "$RUN/conf/nginx.conf" -p "$RUN" 2>"$RUN/start.log" || {
    cat "$RUN/start.log" "$RUN/error.log" >&2 2>/dev/null || true
    die "nginx did not start on 127.0.0.1:$PORT"
  }
  for _ in $(seq 1 50); do answering && { url; return 0; }; sleep 0.1; done
  tail -n 20 "$RUN/error.log" >&2 || true
  die "nginx did not answer on 127.0.0.1:$PORT"
}

stop() {
  if running; then
    local p
    p=$(cat "$PIDFILE")
    kill -QUIT "$p" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && answering; then echo "running on $(url)"; else echo "stopped"; exit 1; fi ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
