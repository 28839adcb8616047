#!/usr/bin/env bash
# Installs the Debian packages the product and its tests use, only those missing.
# Usage: scripts/system-deps.sh [group ...]   groups: base (default), postgres
#   base:     fonts-noto-cjk (render demo scans), espeak-ng (demo interview speech), ffmpeg
#   postgres: the PostgreSQL 15 server used by the test suite's second database run
set -euo pipefail

declare -A GROUPS_PKGS=(
  [base]="fonts-noto-cjk espeak-ng ffmpeg"
  [postgres]="postgresql"
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
# A stale package list makes apt fail with 404s; refresh at most once an hour.
stamp=/var/lib/apt/periodic/update-success-stamp
if [ ! -f /var/lib/apt/lists/lock ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
