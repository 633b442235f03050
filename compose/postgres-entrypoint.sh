#!/bin/sh
# First start on an empty volume: a cluster whose superuser is $POSTGRES_USER (password from
# $POSTGRES_PASSWORD, scram-sha-256 over the network) and the database $POSTGRES_DB. Then, and on
# every later start, the server in the foreground.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user=${POSTGRES_USER:-ers}
db=${POSTGRES_DB:-ers_bridge}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  createdb -U "$user" "$db"
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgres-entrypoint: created the cluster, user $user and database $db"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*'
