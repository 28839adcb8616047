#!/usr/bin/env bash
# Installs the Debian packages the product and its tests use, only those missing.
# Usage: scripts/system-deps.sh [group ...]   groups: base (default), postgres, redis, browser,
#        elasticsearch, ocr-bench, imaging, nginx
#        scripts/system-deps.sh --wait-for-lock   only wait until no other package install holds
#        the package locks (as below), then exit
# When another apt or dpkg run (unattended-upgrades, cloud-init, a second terminal) holds the
# package locks, every apt-get call waits for it, saying who holds which lock, up to
# APT_LOCK_TIMEOUT seconds (default 600). APT_LOCK_FILES (space-separated) replaces the list of
# locks watched; the tests use it to hold a lock of their own without root.
#   base:     fonts-noto-cjk (render demo scans), fonts-arphic-ukai (楷书 pages of the OCR bench
#             and tests), espeak-ng (demo interview speech), ffmpeg,
#             gettext (compiles the zh-Hans translations)
#   postgres: the PostgreSQL 15 server used by the test suite's second database run
#   browser:  Debian's Chromium, driven by Playwright in tests/browser (Playwright never downloads
#             a browser of its own here), and poppler-utils, whose pdftoppm rasterises the pages
#             Chromium prints to PDF (tests/browser/test_worksheet_print.py)
#   redis:    Debian's redis-server, started on loopback by scripts/services/redis.sh for the tests
#             of the Redis-backed task queue (and usable for REDIS_URL in a local setup)
#   elasticsearch: Java 17 to run the Elasticsearch integ-test zip, Maven to fetch it from Maven
#             Central, unzip and curl for scripts/services/elasticsearch.sh (tests and search bench)
#   ocr-bench: tesseract with Simplified Chinese, the baseline bench/pipeline_bench.py measures the
#             OCR engine against (not needed by the product or the tests)
#   imaging:  libvips 8.14, which pyvips (media_pipeline/imaging.py) loads for derivatives and IIIF
#             tiles; its dependencies bring the JPEG, PNG, TIFF, WebP, HEIF/HEIC (libheif with
#             libde265) and JPEG 2000 (OpenJPEG) decoders. Needed by the product, tests and demo.
#   nginx:    Debian's nginx, the front cache (deploy/nginx/) started on loopback by
#             scripts/services/nginx.sh for tests/serving/test_front_cache.py and bench/load_bench.py
set -euo pipefail

declare -A GROUPS_PKGS=(
  [base]="fonts-noto-cjk fonts-arphic-ukai espeak-ng ffmpeg gettext"
  [postgres]="postgresql"
  [redis]="redis-server"
  [browser]="chromium poppler-utils"
  [ocr-bench]="tesseract-ocr tesseract-ocr-chi-sim"
  [elasticsearch]="openjdk-17-jre-headless maven unzip curl"
  [imaging]="libvips42"
  [nginx]="nginx"
)

APT_LOCK_TIMEOUT="${APT_LOCK_TIMEOUT:-600}"
read -r -a APT_LOCK_FILES <<<"${APT_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}"
exec 3>&2 # messages about waiting reach the terminal even where apt's output is silenced

# "process PID (command) holds FILE" for the first watched lock a process holds; fails when none
# is held. Read from /proc/locks, so it needs no root: apt and dpkg take fcntl locks, flock(1)
# takes flock ones, and both are listed there as MAJOR:MINOR:INODE (hex device numbers).
lock_holder() {
  local lock dev id pid
  for lock in "${APT_LOCK_FILES[@]}"; do
    [ -e "$lock" ] || continue
    dev=$(stat -L -c '%d' "$lock")
    id=$(printf '%02x:%02x:%s' $(((dev >> 8) & 0xfff)) $(((dev & 0xff) | ((dev >> 12) & 0xfff00))) \
      "$(stat -L -c '%i' "$lock")")
    pid=$(awk -v id="$id" '$2 != "->" && $6 == id { print $5; exit }' /proc/locks)
    if [ -n "$pid" ]; then
      echo "process $pid ($(cat "/proc/$pid/comm" 2>/dev/null || echo '?')) holds $lock"
      return 0
    fi
  done
  return 1
}

# Wait until no watched lock is held, for at most $1 seconds; says so once, then every 30 s.
wait_for_locks() {
  local limit="$1" waited=0 told=-30 holder
  while holder=$(lock_holder); do
    if [ "$waited" -ge "$limit" ]; then
      echo "system-deps: gave up after ${limit}s waiting for another package install: $holder" >&3
      return 1
    fi
    if [ $((waited - told)) -ge 30 ]; then
      echo "system-deps: waiting for another package install to finish: $holder" \
        "(${waited}s of ${limit}s)" >&3
      told=$waited
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# apt-get, once the locks are free. apt also waits itself (DPkg::Lock::Timeout) in case another
# install starts in between; that option does not cover `apt-get update`'s lists lock (APT 2.6),
# so a run that fails while some lock is held is tried again until APT_LOCK_TIMEOUT.
apt_get() {
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) status
  while true; do
    wait_for_locks $((deadline > SECONDS ? deadline - SECONDS : 0)) || return 1
    status=0
    $SUDO apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@" || status=$?
    if [ "$status" -eq 0 ] || [ "$SECONDS" -ge "$deadline" ] || ! lock_holder >/dev/null; then
      return "$status"
    fi
  done
}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ "${1:-}" = "--wait-for-lock" ]; then
  wait_for_locks "$APT_LOCK_TIMEOUT"
  exit
fi

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(base)

wanted=()
for g in "${groups[@]}"; do
  [ -n "${GROUPS_PKGS[$g]+x}" ] || { echo "system-deps: unknown group '$g'" >&2; exit 2; }
  for p in ${GROUPS_PKGS[$g]}; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || wanted+=("$p")
  done
done

[ ${#wanted[@]} -eq 0 ] && exit 0

echo "system-deps: installing ${wanted[*]}"
export DEBIAN_FRONTEND=noninteractive
# Try with the package lists as they are; a fresh machine's empty or stale lists need one update.
apt_get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null 2>&1 || {
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}
