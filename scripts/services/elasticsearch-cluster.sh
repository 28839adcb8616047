#!/usr/bin/env bash
# A throwaway multi-node Elasticsearch 8 cluster on loopback, for the scale-out test
# (tests/search/test_es_cluster.py) and for trying a cluster by hand.
# Usage:
#   scripts/services/elasticsearch-cluster.sh start DIR [NODES]   start NODES nodes (default 2)
#   scripts/services/elasticsearch-cluster.sh urls DIR             their HTTP URLs, one a line
#   scripts/services/elasticsearch-cluster.sh kill-node DIR I      kill -9 node I (1-based)
#   scripts/services/elasticsearch-cluster.sh start-node DIR I     start node I again, same data
#   scripts/services/elasticsearch-cluster.sh stop DIR             kill every node, remove DIR
#
# Everything lives under DIR (which `stop` removes): the distribution unpacked once, then per
# node `node-I/` with its config, data, logs, pid and ports. The distribution is the same
# integ-test zip as the single test node's (scripts/services/elasticsearch.sh, whose functions
# this script sources: the zip cache, the Java check, the unprivileged user when run as root).
# Each node takes a free HTTP port and a free transport port on 127.0.0.1; the nodes find each
# other through discovery.seed_hosts and form the cluster from cluster.initial_master_nodes.
# Every node is master-eligible and holds data. With two, Elasticsearch keeps only one of them
# in the voting configuration (an even count cannot break ties), so a two-node cluster survives
# the loss of the node that is not the elected master; production clusters run three
# master-eligible nodes (docs/DEPLOYMENT.md). Environment:
#   ARCHIVE_ES_HEAP     JVM heap per node              (default 384m)
#   ARCHIVE_ES_TIMEOUT  seconds to wait for the nodes  (default 180)
# and ARCHIVE_ES_VERSION, ARCHIVE_CACHE_DIR as for elasticsearch.sh.
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
CLUSTER_HEAP="${ARCHIVE_ES_HEAP:-384m}"
# shellcheck source=scripts/services/elasticsearch.sh
source "$here/scripts/services/elasticsearch.sh"
HEAP="$CLUSTER_HEAP"

cdie() { echo "elasticsearch-cluster.sh: $*" >&2; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port TAKEN...: a port nothing listens on and not among TAKEN.
free_port() {
  local port tries=0
  while [ "$tries" -lt 200 ]; do
    port=$((20000 + RANDOM % 30000))
    tries=$((tries + 1))
    case " $* " in *" $port "*) continue ;; esac
    port_free "$port" && { echo "$port"; return 0; }
  done
  cdie "no free port found on 127.0.0.1"
}

node_dir() { echo "$1/node-$2"; }
node_count() { find "$1" -maxdepth 1 -name 'node-*' -type d | wc -l; }
dist_home() { echo "$1/dist/elasticsearch-$VERSION"; }

node_pid() { local f; f="$(node_dir "$1" "$2")/es.pid"; [ -s "$f" ] && cat "$f"; }

node_running() { local p; p=$(node_pid "$1" "$2") && kill -0 "$p" 2>/dev/null; }

node_url() { echo "http://127.0.0.1:$(cat "$(node_dir "$1" "$2")/http.port")"; }

write_node_config() {
  local dir=$1 i=$2 count=$3 node seeds="" masters="" j
  node=$(node_dir "$dir" "$i")
  for j in $(seq 1 "$count"); do
    seeds+="${seeds:+, }\"127.0.0.1:$(cat "$(node_dir "$dir" "$j")/transport.port")\""
    masters+="${masters:+, }\"node-$j\""
  done
  mkdir -p "$node/config" "$node/data" "$node/logs"
  cp -r "$(dist_home "$dir")/config/." "$node/config/"
  cat >"$node/config/elasticsearch.yml" <<EOF
cluster.name: archive-cluster-$(basename "$dir")
node.name: node-$i
path.data: $node/data
path.logs: $node/logs
network.host: 127.0.0.1
http.port: $(cat "$node/http.port")
transport.port: $(cat "$node/transport.port")
discovery.seed_hosts: [$seeds]
cluster.initial_master_nodes: [$masters]
# Disposable nodes on a laptop's nearly full disk: no disk watermarks.
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: true
EOF
  if [ -d "$(dist_home "$dir")/modules/x-pack-security" ]; then
    echo "xpack.security.enabled: false" >>"$node/config/elasticsearch.yml"
  fi
  if [ -d "$(dist_home "$dir")/modules/ingest-geoip" ]; then
    echo "ingest.geoip.downloader.enabled: false" >>"$node/config/elasticsearch.yml"
  fi
}

launch_node() {
  local dir=$1 i=$2 node jh
  node=$(node_dir "$dir" "$i")
  jh=$(java_home)
  rm -f "$node/es.pid"
  [ "$(id -u)" -ne 0 ] || chown -R "$ES_USER:" "$node"
  as_owner env ES_JAVA_HOME="$jh" \
    ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -XX:-HeapDumpOnOutOfMemoryError" \
    ES_PATH_CONF="$node/config" \
    "$(dist_home "$dir")/bin/elasticsearch" -d -p "$node/es.pid" >"$node/startup.log" 2>&1
}

# wait_for DIR URL QUERY: until the cluster health with QUERY answers through URL.
wait_for() {
  local dir=$1 url=$2 query=$3 waited=0
  until curl -fsS --max-time 5 "$url/_cluster/health?$query&timeout=2s" >/dev/null 2>&1; do
    [ "$waited" -lt "$TIMEOUT" ] || {
      tail -n 30 "$dir"/node-*/logs/*.log >&2 2>/dev/null || true
      cdie "no cluster health ($query) through $url within ${TIMEOUT}s"
    }
    sleep 1
    waited=$((waited + 1))
  done
}

cluster_start() {
  local dir=$1 count=${2:-2} i taken="" hp tp
  [ "$count" -ge 1 ] || cdie "NODES must be at least 1"
  [ ! -e "$dir/dist" ] || cdie "$dir already holds a cluster (stop it first)"
  command -v unzip >/dev/null && command -v curl >/dev/null \
    || "$here/scripts/system-deps.sh" elasticsearch >&2
  java_home >/dev/null
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.elasticsearch.lock"
  flock 9
  fetch
  flock -u 9
  ensure_user
  mkdir -p "$dir/dist"
  unzip -q "$ZIP" -d "$dir/dist"
  [ -x "$(dist_home "$dir")/bin/elasticsearch" ] || cdie "unexpected archive layout in $ZIP"
  for i in $(seq 1 "$count"); do
    mkdir -p "$(node_dir "$dir" "$i")"
    hp=$(free_port $taken); taken+=" $hp"
    tp=$(free_port $taken); taken+=" $tp"
    echo "$hp" >"$(node_dir "$dir" "$i")/http.port"
    echo "$tp" >"$(node_dir "$dir" "$i")/transport.port"
  done
  for i in $(seq 1 "$count"); do write_node_config "$dir" "$i" "$count"; done
  [ "$(id -u)" -ne 0 ] || chown -R "$ES_USER:" "$dir"
  # Started together: a node waits for the others to form the first cluster.
  local pids=()
  for i in $(seq 1 "$count"); do launch_node "$dir" "$i" & pids+=($!); done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || {
      tail -n 30 "$(node_dir "$dir" $((i + 1)))/startup.log" >&2 || true
      cdie "node-$((i + 1)) did not start (logs in $(node_dir "$dir" $((i + 1))))"
    }
  done
  wait_for "$dir" "$(node_url "$dir" 1)" "wait_for_nodes=$count&wait_for_status=green"
  cluster_urls "$dir"
}

cluster_urls() {
  local dir=$1 i
  for i in $(seq 1 "$(node_count "$dir")"); do node_url "$dir" "$i"; done
}

kill_node() {
  local dir=$1 i=$2 p
  p=$(node_pid "$dir" "$i") || cdie "node-$i has no pid file"
  kill -9 "$p" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  cdie "node-$i (pid $p) is still running after kill -9"
}

start_node() {
  local dir=$1 i=$2
  node_running "$dir" "$i" && cdie "node-$i is already running"
  launch_node "$dir" "$i" || {
    tail -n 30 "$(node_dir "$dir" "$i")/startup.log" >&2 || true
    cdie "node-$i did not start"
  }
  wait_for "$dir" "$(node_url "$dir" "$i")" "wait_for_nodes=$(node_count "$dir")"
  node_url "$dir" "$i"
}

cluster_stop() {
  local dir=$1 i p
  [ -d "$dir" ] || return 0
  for i in $(seq 1 "$(node_count "$dir")"); do
    if p=$(node_pid "$dir" "$i") && kill -0 "$p" 2>/dev/null; then kill -9 "$p" 2>/dev/null || true; fi
  done
  for i in $(seq 1 "$(node_count "$dir")"); do
    if p=$(node_pid "$dir" "$i"); then
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  rm -rf "$dir"
}

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start|urls|kill-node|start-node|stop DIR [N]" >&2; exit 2; }
dir=$(realpath -m "$dir")
case "$cmd" in
  start) cluster_start "$dir" "${3:-2}" ;;
  urls) cluster_urls "$dir" ;;
  kill-node) kill_node "$dir" "${3:?node number}" ;;
  start-node) start_node "$dir" "${3:?node number}" ;;
  stop) cluster_stop "$dir" ;;
  *) echo "usage: $0 start|urls|kill-node|start-node|stop DIR [N]" >&2; exit 2 ;;
esac
