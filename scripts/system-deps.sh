#!/usr/bin/env bash
# Installs the Debian packages the product and its tests use, only those missing.
# Usage: scripts/system-deps.sh [group ...]   groups: base (default), postgres, redis, browser,
#        elasticsearch, ocr-bench, imaging
#   base:     fonts-noto-cjk (render demo scans), espeak-ng (demo interview speech), ffmpeg,
#             gettext (compiles the zh-Hans translations)
#   postgres: the PostgreSQL 15 server used by the test suite's second database run
#   browser:  Debian's Chromium, driven by Playwright in tests/browser (Playwright never downloads
#             a browser of its own here)
#   redis:    Debian's redis-server, started on loopback by scripts/services/redis.sh for the tests
#             of the Redis-backed task queue (and usable for REDIS_URL in a local setup)
#   elasticsearch: Java 17 to run the Elasticsearch integ-test zip, Maven to fetch it from Maven
#             Central, unzip and curl for scripts/services/elasticsearch.sh (tests and search bench)
#   ocr-bench: tesseract with Simplified Chinese, the baseline bench/pipeline_bench.py measures the
#             OCR engine against (not needed by the product or the tests)
#   imaging:  libvips 8.14, which pyvips (media_pipeline/imaging.py) loads for derivatives and IIIF
#             tiles; its dependencies bring the JPEG, PNG, TIFF, WebP, HEIF/HEIC (libheif with
#             libde265) and JPEG 2000 (OpenJPEG) decoders. Needed by the product, tests and demo.
set -euo pipefail

declare -A GROUPS_PKGS=(
  [base]="fonts-noto-cjk espeak-ng ffmpeg gettext"
  [postgres]="postgresql"
  [redis]="redis-server"
  [browser]="chromium"
  [ocr-bench]="tesseract-ocr tesseract-ocr-chi-sim"
  [elasticsearch]="openjdk-17-jre-headless maven unzip curl"
  [imaging]="libvips42"
)

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

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system-deps: installing ${wanted[*]}"
export DEBIAN_FRONTEND=noninteractive
# Try with the package lists as they are; a fresh machine's empty or stale lists need one update.
$SUDO apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null 2>&1 || {
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}
