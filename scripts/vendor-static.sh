#!/usr/bin/env bash
# Copies browser libraries installed by `npm ci` (package.json) into Django static folders, so
# pages load them from this site, never from a CDN. Run after `npm ci`; the copies are
# git-ignored and collected by `manage.py collectstatic` like any other static file.
#   openseadragon → media_pipeline/static/vendor/openseadragon/ (the deep-zoom viewer)
set -euo pipefail
cd "$(dirname "$0")/.."

copy() {  # copy SOURCE_DIR TARGET_DIR
  local source="$1" target="$2"
  if [ ! -d "$source" ]; then
    echo "vendor-static: $source is missing; run 'npm ci' first" >&2
    exit 1
  fi
  rm -rf "$target"
  mkdir -p "$target"
  cp -R "$source"/. "$target"/
}

copy node_modules/openseadragon/build/openseadragon media_pipeline/static/vendor/openseadragon
