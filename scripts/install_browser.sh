#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium (Playwright's own
# browser download does not work here) and the map assets from npm; and
# Debian's poppler-utils, with which the letter tests read PDFs back.
# Idempotent; prints what it does.
set -euo pipefail

apt_install() {  # apt_install PACKAGE WHY
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing Debian $1 ($2)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null
}

command -v chromium >/dev/null 2>&1 || apt_install chromium "for the map tests"
# pdftotext/pdftoppm read the decision letters back (tests/test_letters.py)
command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || \
  apt_install poppler-utils "for the letter tests"

# Leaflet, which the maps load from a CDN, as local copies from the npm
# registry (pinned in tests/browser/package-lock.json); the browser tests
# serve them to the page instead of the network.
ASSETS="$(dirname "$0")/../tests/browser"
if [ ! -f "$ASSETS/node_modules/.package-lock.json" ] || [ "$ASSETS/package-lock.json" -nt "$ASSETS/node_modules/.package-lock.json" ]; then
  command -v npm >/dev/null 2>&1 || apt_install npm "for the map test assets"
  echo "installing the map test assets (npm ci in tests/browser)"
  npm ci --prefix "$ASSETS" --no-audit --no-fund --loglevel=error
fi
