#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium (Playwright's own
# browser download does not work here); and
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

