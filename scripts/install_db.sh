#!/usr/bin/env bash
# Install what the PostgreSQL/PostGIS register needs from Debian's packages:
# the server (postgresql: initdb, pg_ctl) and PostGIS for it. The tests start a
# throwaway cluster from these (tests/conftest.py); 'make db' starts one by hand.
# Idempotent; prints what it does.
set -euo pipefail

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
has_postgis() { ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; }

if [ -z "$(pg_bin)" ] || ! has_postgis; then
  echo "installing Debian postgresql and postgis (for the shared register and its tests)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgis >/dev/null
  # postgis pulls in the PostGIS build for the default server version; make sure it is there
  version="$(basename "$(dirname "$(pg_bin)")")"
  has_postgis || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "postgresql-$version-postgis-3" >/dev/null
fi
