#!/usr/bin/env bash
# Backup drill on the local PostgreSQL (127.0.0.1:5432, user postgres, trust authentication):
#
#   scripts/backup_drill.sh
#
# 1. creates a throwaway database, migrates it and imports the real SDN list of 29 June 2021
#    (ofac/sdn_2021-06-29 of the data directory, TRACKER_DATA_DIR: 8,976 entries) with the reference data;
# 2. backs it up with scripts/backup.sh and restores the dump into a second throwaway database with
#    scripts/restore.sh;
# 3. compares, for every table, the row count and a checksum of the rows, and every sequence's position
#    (so rows added after a restore get fresh ids);
# 4. drops both databases and the dump, also on failure. Exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
PYTHON=${PYTHON:-.venv/bin/python}
source_db="tracker_backup_drill_src_$$"
target_db="tracker_backup_drill_dst_$$"
workdir=$(mktemp -d)
sdn_2021=$("$PYTHON" -c 'from tracker.datadir import data_path; print(data_path("ofac", "sdn_2021-06-29"))')
url() { echo "postgres://$PGUSER@$PGHOST:$PGPORT/$1"; }

cleanup() {
  dropdb --if-exists "$source_db" >/dev/null 2>&1 || true
  dropdb --if-exists "$target_db" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

step() { printf '\n--- %s\n' "$*"; }

step "A tracker database with real data ($source_db)"
createdb "$source_db"
env -u CELERY_BROKER_URL -u REDIS_CACHE_URL \
  DATABASE_URL="$(url "$source_db")" DJANGO_SECRET_KEY=backup-drill DJANGO_DEBUG=false sh -c "
    '$PYTHON' manage.py migrate --no-input -v0 &&
    '$PYTHON' manage.py load_reference_data -v0 &&
    '$PYTHON' manage.py import_source ofac-sdn --path '$sdn_2021' --as-of 2021-06-29 --no-progress"

step "Back up"
dump=$(scripts/backup.sh "$(url "$source_db")" "$workdir" | tail -n1)
ls -l "$dump"

step "Restore into $target_db"
createdb "$target_db"
scripts/restore.sh "$dump" "$(url "$target_db")"

step "Compare every table and sequence"
# One line per table: name, row count, MD5 of its rows in a fixed order; then each sequence's last value.
state() {
  psql -XAt -d "$1" <<'SQL'
DO $$
DECLARE t record; n bigint; h text;
BEGIN
  CREATE TEMP TABLE drill_state (line text);
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename LOOP
    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM %I r',
                   t.tablename) INTO n, h;
    INSERT INTO drill_state VALUES (format('table %s %s %s', t.tablename, n, h));
  END LOOP;
  FOR t IN SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1 LOOP
    INSERT INTO drill_state VALUES (format('sequence %s %s', t.sequencename, t.last_value));
  END LOOP;
END $$;
SELECT line FROM drill_state ORDER BY line;
SQL
}
state "$source_db" > "$workdir/source.txt"
state "$target_db" > "$workdir/target.txt"

tables=$(grep -c '^table ' "$workdir/source.txt")
rows=$(awk '$1 == "table" { sum += $3 } END { print sum }' "$workdir/source.txt")
designees=$(awk '$1 == "table" && $2 == "designations_designee" { print $3 }' "$workdir/source.txt")
if [ "$designees" -lt 8976 ]; then
  echo "FAILED: the source database holds $designees designees, expected the 8,976 of the imported list" >&2
  exit 1
fi
if ! diff -u "$workdir/source.txt" "$workdir/target.txt"; then
  echo "FAILED: the restored database differs from the original (diff above)" >&2
  exit 1
fi
echo "OK: $tables tables ($rows rows, $designees designees) and every sequence identical after backup and restore"
