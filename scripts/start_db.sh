#!/usr/bin/env bash
# 'make db': a PostgreSQL + PostGIS server for trying the shared register by hand.
# A cluster in .db/ (stays between runs), on localhost:${PLANNER_DB_PORT:-55432}, with
# the database 'planner', the owner role 'planner' (password 'planner') and PostGIS.
# Stop it with 'make db-stop'. Runs the server as 'postgres' when started as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_db.sh
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PORT="${PLANNER_DB_PORT:-55432}"
DIR="$PWD/.db"
as=()
[ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  "${as[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres -A scram-sha-256 --auth-local=trust -E UTF8 >/dev/null
  echo "host all all 127.0.0.1/32 scram-sha-256" >> "$DIR/data/pg_hba.conf"
fi
if ! "${as[@]}" "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  "${as[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=localhost" start >/dev/null
fi
psql=("${as[@]}" "$BIN/psql" -X -q -h "$DIR" -p "$PORT" -U postgres)
"${psql[@]}" -d postgres -tc "SELECT 1 FROM pg_roles WHERE rolname = 'planner'" | grep -q 1 || \
  "${psql[@]}" -d postgres -c "CREATE ROLE planner LOGIN CREATEDB CREATEROLE PASSWORD 'planner'"
"${psql[@]}" -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'planner'" | grep -q 1 || \
  "${psql[@]}" -d postgres -c "CREATE DATABASE planner OWNER planner"
"${psql[@]}" -d planner -c "CREATE EXTENSION IF NOT EXISTS postgis"
URL="postgresql://planner:planner@localhost:$PORT/planner?gemeente=GM0415"
echo "PostgreSQL + PostGIS draait op localhost:$PORT (map .db/; stoppen: make db-stop)"
echo "  export PLANNER_STORE='$URL'"
echo "  .venv/bin/planner init        # of: .venv/bin/planner store copy planner.gpkg \"\$PLANNER_STORE\""
