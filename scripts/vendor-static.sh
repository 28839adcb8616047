#!/usr/bin/env bash
# Copies (Mirador: bundles) browser libraries installed by `npm ci` into Django static folders, so
# pages load them from this site, never from a CDN. Run after `npm ci`; the copies are
# git-ignored and collected by `manage.py collectstatic` like any other static file.
#   openseadragon → media_pipeline/static/vendor/openseadragon/ (the deep-zoom viewer)
#   echarts       → archive_site/analytics/static/analytics/vendor/ (the impact dashboard's charts)
#   mirador       → media_pipeline/static/vendor/mirador/ (the IIIF viewer page at /iiif/3/mirador/):
#                   bundled here by esbuild from Mirador's ES module and the React, MUI… it imports,
#                   in React's production mode. Mirador 4.0.0's own UMD build (dist/mirador.min.js)
#                   carries React's development runtime, which logs console errors on every page.
#                   Licences of everything bundled go to mirador.min.js.LEGAL.txt beside it.
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

# ECharts for the impact dashboard (archive_site/analytics): its prebuilt minified bundle as it is.
if [ ! -f node_modules/echarts/dist/echarts.min.js ]; then
  echo "vendor-static: echarts is missing from node_modules; run 'npm ci' first" >&2
  exit 1
fi
mkdir -p archive_site/analytics/static/analytics/vendor
cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE \
  archive_site/analytics/static/analytics/vendor/

mirador_target=media_pipeline/static/vendor/mirador
if [ ! -f node_modules/mirador/dist/mirador.es.js ] || [ ! -x node_modules/.bin/esbuild ]; then
  echo "vendor-static: mirador or esbuild is missing from node_modules; run 'npm ci' first" >&2
  exit 1
fi
rm -rf "$mirador_target"
mkdir -p "$mirador_target"
node_modules/.bin/esbuild node_modules/mirador/dist/mirador.es.js \
  --bundle --minify --format=iife --global-name=Mirador --target=es2020 \
  --define:process.env.NODE_ENV='"production"' --legal-comments=external \
  --log-level=warning --outfile="$mirador_target/mirador.min.js"
cp node_modules/mirador/LICENSE "$mirador_target"/
