#!/usr/bin/env bash
# A throwaway single-node Elasticsearch 8 on loopback for the test suite and the search benchmark.
# Usage: scripts/services/elasticsearch.sh start|stop|status|url
#
# The distribution is Elastic's "integ-test zip" from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:VERSION:zip): the OSS core with its
# modules, no bundled JDK and no x-pack, so it speaks plain HTTP without authentication. It is
# fetched once with mvn and cached in ~/.cache/scientist-archive/, so later runs (and CI on the
# same machine) start from the cache without the network.
#
# Elasticsearch refuses to run as root: as root the node runs as the `archive-es` system user
# (created here when missing). The unpacked node, its data and logs live under one temporary
# directory that `stop` removes. Environment:
#   ARCHIVE_ES_VERSION  8.x release to run            (default 8.19.21, newest 8.x on Maven Central)
#   ARCHIVE_ES_PORT     HTTP port on 127.0.0.1        (default 59200; transport uses PORT+1)
#   ARCHIVE_ES_HEAP     JVM heap, -Xms = -Xmx         (default 512m)
#   ARCHIVE_ES_TIMEOUT  seconds to wait for health    (default 180)
#   ARCHIVE_CACHE_DIR   download cache                (default ~/.cache/scientist-archive)
set -euo pipefail

VERSION="${ARCHIVE_ES_VERSION:-8.19.21}"
PORT="${ARCHIVE_ES_PORT:-59200}"
HEAP="${ARCHIVE_ES_HEAP:-512m}"
TIMEOUT="${ARCHIVE_ES_TIMEOUT:-180}"
CACHE="${ARCHIVE_CACHE_DIR:-$HOME/.cache/scientist-archive}"
ZIP="$CACHE/elasticsearch-integ-test-$VERSION.zip"
BASE="/tmp/archive-es-$PORT"
HOME_DIR="$BASE/elasticsearch-$VERSION"
PIDFILE="$BASE/es.pid"
LOG="$BASE/startup.log"
SERVER_LOG="$BASE/logs/archive-test.log"
ES_USER=archive-es
here="$(cd "$(dirname "$0")/../.." && pwd)"

url() { echo "http://127.0.0.1:$PORT"; }

die() { echo "elasticsearch.sh: $*" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id "$ES_USER" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
}

# ES 8 runs on Java 17 or newer; the integ-test zip has no JDK of its own, so pick the system one.
java_home() {
  local java major
  if [ -n "${ES_JAVA_HOME:-}" ]; then java="$ES_JAVA_HOME/bin/java"
  else
    command -v java >/dev/null || "$here/scripts/system-deps.sh" elasticsearch >&2
    java=$(readlink -f "$(command -v java 2>/dev/null || true)" 2>/dev/null || true)
  fi
  [ -n "$java" ] && [ -x "$java" ] || die "no Java found: install openjdk-17-jre-headless (scripts/system-deps.sh elasticsearch)"
  major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${major:-0}" -ge 17 ] || die "Java $major at $java is too old: Elasticsearch $VERSION needs Java 17+"
  dirname "$(dirname "$java")"
}

fetch() {
  [ -s "$ZIP" ] && return 0
  command -v mvn >/dev/null || "$here/scripts/system-deps.sh" elasticsearch >&2
  command -v mvn >/dev/null || die "mvn not found: install maven (scripts/system-deps.sh elasticsearch)"
  mkdir -p "$CACHE"
  local tmp
  tmp=$(mktemp -d "$CACHE/.download.XXXXXX")
  echo "elasticsearch.sh: downloading Elasticsearch $VERSION integ-test zip from Maven Central" >&2
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip" \
    "-DoutputDirectory=$tmp" -Dmdep.overWriteReleases=true >&2 \
    || { rm -rf "$tmp"; die "Maven Central did not serve elasticsearch integ-test zip $VERSION"; }
  # Rename into place only once complete, so an interrupted download is never taken for a cache hit.
  mv "$tmp"/elasticsearch-"$VERSION".zip "$ZIP"
  rm -rf "$tmp"
}

health() {
  curl -fsS --max-time 5 "$(url)/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null
}

pid() { [ -s "$PIDFILE" ] && cat "$PIDFILE"; }

running() { local p; p=$(pid) && kill -0 "$p" 2>/dev/null; }

write_config() {
  cat >"$HOME_DIR/config/elasticsearch.yml" <<EOF
cluster.name: archive-test
node.name: archive-test-$PORT
path.data: $BASE/data
path.logs: $BASE/logs
network.host: 127.0.0.1
http.port: $PORT
transport.port: $((PORT + 1))
discovery.type: single-node
# A laptop's disk is often more than 90% full; the default watermarks would make the only node
# refuse shards and turn the cluster red. This node is disposable, so disk checks are off.
cluster.routing.allocation.disk.threshold_enabled: false
# Index deletion by wildcard stays forbidden, as in production: the alias swap deletes by name.
action.destructive_requires_name: true
EOF
  if [ -d "$HOME_DIR/modules/x-pack-security" ]; then
    # The integ-test zip carries the security module (on by default in 8.x) but none of the
    # default distribution's auto-configuration; a loopback-only test node runs without it.
    echo "xpack.security.enabled: false" >>"$HOME_DIR/config/elasticsearch.yml"
  fi
  if [ -d "$HOME_DIR/modules/ingest-geoip" ]; then
    # The GeoIP database downloader would try to reach the internet on startup.
    echo "ingest.geoip.downloader.enabled: false" >>"$HOME_DIR/config/elasticsearch.yml"
  fi
}

start() {
  if running && health >/dev/null; then url; return 0; fi
  running && stop
  local jh
  jh=$(java_home)
  command -v unzip >/dev/null && command -v curl >/dev/null \
    || "$here/scripts/system-deps.sh" elasticsearch >&2
  command -v unzip >/dev/null || die "unzip not found: install unzip (scripts/system-deps.sh elasticsearch)"
  mkdir -p "$CACHE"
  # Two concurrent starts (e.g. parallel CI jobs) must not download the same zip twice at once.
  exec 9>"$CACHE/.elasticsearch.lock"
  flock 9
  fetch
  flock -u 9
  ensure_user
  local port
  for port in "$PORT" "$((PORT + 1))"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port $port on 127.0.0.1 is already in use by another process (set ARCHIVE_ES_PORT)"
    fi
  done
  rm -rf "$BASE"
  mkdir -p "$BASE/data" "$BASE/logs"
  unzip -q "$ZIP" -d "$BASE"
  [ -x "$HOME_DIR/bin/elasticsearch" ] || die "unexpected archive layout in $ZIP (no bin/elasticsearch)"
  write_config
  [ "$(id -u)" -ne 0 ] || chown -R "$ES_USER:" "$BASE"
  as_owner env ES_JAVA_HOME="$jh" ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -XX:-HeapDumpOnOutOfMemoryError" \
    ES_PATH_CONF="$HOME_DIR/config" \
    "$HOME_DIR/bin/elasticsearch" -d -p "$PIDFILE" >"$LOG" 2>&1 \
    || { tail -n 40 "$LOG" >&2; die "Elasticsearch did not start (log: $LOG)"; }
  local waited=0
  until health >/dev/null; do
    if ! running; then
      tail -n 40 "$LOG" "$SERVER_LOG" >&2 || true
      die "Elasticsearch exited during startup (logs in $BASE/logs)"
    fi
    [ "$waited" -lt "$TIMEOUT" ] || { stop; die "no yellow/green health within ${TIMEOUT}s"; }
    sleep 1
    waited=$((waited + 1))
  done
  url
}

stop() {
  local p
  if p=$(pid) && kill -0 "$p" 2>/dev/null; then
    kill "$p"
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
  fi
  rm -rf "$BASE"
}

# Sourced (scripts/services/elasticsearch-cluster.sh reuses java_home, fetch, ensure_user and
# as_owner), the script defines its functions and runs nothing.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if running && health >/dev/null; then echo "running on $(url) (Elasticsearch $VERSION)"
    else echo "stopped"; exit 1
    fi ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
