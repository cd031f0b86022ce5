#!/usr/bin/env bash
# Back up the tracker: its PostgreSQL database, and optionally the media folder (the raw files imports kept).
#
#   scripts/backup.sh [--media DIR] [DATABASE_URL] [OUTPUT_DIR]
#
# DATABASE_URL defaults to $DATABASE_URL, OUTPUT_DIR to $BACKUP_DIR or ./backups. Writes
# OUTPUT_DIR/tracker-<database>-<UTC time>.dump in pg_dump's custom format (compressed; restored with
# scripts/restore.sh, in parallel, or table by table with pg_restore), checks that pg_restore can read it,
# and prints its path. With --media, also OUTPUT_DIR/tracker-media-<UTC time>.tar.gz.
#
# pg_dump takes a consistent snapshot while the tracker keeps running: no need to stop anything. Run it
# from cron or a systemd timer, and copy the files off the machine (docs/deploy.md).
set -euo pipefail

media=""
if [ "${1:-}" = "--media" ]; then
  media=${2:?--media needs a folder}
  shift 2
fi
url=${1:-${DATABASE_URL:-}}
out_dir=${2:-${BACKUP_DIR:-./backups}}
if [ -z "$url" ]; then
  echo "usage: $0 [--media DIR] DATABASE_URL [OUTPUT_DIR] (or set DATABASE_URL)" >&2
  exit 2
fi
case "$url" in
  postgres://*|postgresql://*) ;;
  *) echo "$0: only PostgreSQL is backed up here (for SQLite, copy the file while nothing writes)" >&2; exit 2 ;;
esac

database=${url##*/}
database=${database%%\?*}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out_dir"
file="$out_dir/tracker-$database-$stamp.dump"

# Written under a temporary name, renamed when complete: a half-written dump never looks like a backup.
pg_dump --format=custom --no-owner --no-privileges --file="$file.part" "$url"
pg_restore --list "$file.part" >/dev/null
mv "$file.part" "$file"
echo "$file"

if [ -n "$media" ]; then
  archive="$out_dir/tracker-media-$stamp.tar.gz"
  tar -czf "$archive.part" -C "$media" .
  mv "$archive.part" "$archive"
  echo "$archive"
fi
