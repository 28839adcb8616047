#!/usr/bin/env bash
# Installs the Debian packages the product and its tests use, only those missing.
# Usage: scripts/system-deps.sh [group ...]   groups: base (default), postgres
#   base:     fonts-noto-cjk (render demo scans), espeak-ng (demo interview speech), ffmpeg,
#             gettext (compiles the zh-Hans translations)
#   postgres: the PostgreSQL 15 server used by the test suite's second database run
set -euo pipefail

declare -A GROUPS_PKGS=(
  [base]="fonts-noto-cjk espeak-ng ffmpeg gettext"
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
# Try with the package lists as they are; a fresh machine's empty or stale lists need one update.
$SUDO apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null 2>&1 || {
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}
