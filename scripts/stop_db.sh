#!/usr/bin/env bash
# 'make db-stop': stop the server of 'make db' (its data in .db/ stays).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
[ -f .db/data/PG_VERSION ] && "${as[@]}" "$BIN/pg_ctl" -D .db/data -m fast -w stop || true
