#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a PostgreSQL database.
#
#   scripts/restore.sh [--clean] DUMP_FILE [DATABASE_URL]
#
# DATABASE_URL defaults to $DATABASE_URL. The database must exist (createdb) and be empty, unless
# --clean is given: then the dump's tables replace those already there. Stop the web, worker and beat
# processes first when restoring over the live database. Restores with as many jobs as CPUs, stops at the
# first error, then refreshes the planner's statistics. Media: untar tracker-media-*.tar.gz into
# DJANGO_MEDIA_ROOT.
set -euo pipefail

clean=()
if [ "${1:-}" = "--clean" ]; then
  clean=(--clean --if-exists)
  shift
fi
dump=${1:-}
url=${2:-${DATABASE_URL:-}}
if [ -z "$dump" ] || [ -z "$url" ]; then
  echo "usage: $0 [--clean] DUMP_FILE DATABASE_URL (or set DATABASE_URL)" >&2
  exit 2
fi
[ -r "$dump" ] || { echo "$0: cannot read $dump" >&2; exit 2; }

if [ ${#clean[@]} -eq 0 ]; then
  tables=$(psql "$url" -XAtc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
  if [ "$tables" != "0" ]; then
    echo "$0: the target database already has $tables tables; restore into an empty one, or pass --clean" >&2
    exit 1
  fi
fi

pg_restore --no-owner --no-privileges --exit-on-error --jobs="$(nproc 2>/dev/null || echo 2)" \
  "${clean[@]}" --dbname="$url" "$dump"
psql "$url" -XqAtc "ANALYZE" >/dev/null
echo "restored $dump into ${url##*/}"
