#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium (Playwright's own
# browser download does not work here). Idempotent; prints what it does.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "installing Debian chromium (for the map tests)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# Leaflet, which the maps load from a CDN, as local copies from the npm
# registry (pinned in tests/browser/package-lock.json); the browser tests
# serve them to the page instead of the network.
ASSETS="$(dirname "$0")/../tests/browser"
if [ ! -f "$ASSETS/node_modules/.package-lock.json" ] || [ "$ASSETS/package-lock.json" -nt "$ASSETS/node_modules/.package-lock.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "installing Debian npm (for the map test assets)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
  fi
  echo "installing the map test assets (npm ci in tests/browser)"
  npm ci --prefix "$ASSETS" --no-audit --no-fund --loglevel=error
fi
