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
