"""The history of the SDN list: when each entry was on it, as presence intervals between snapshots.

Two inputs give the same records (``PresenceIntervalRecord``):

a. The derived interval file ``sdn_presence_intervals_<from>_<to>.csv`` (``shared/data/PROVENANCE.md``
   §7; copy in ``$TRACKER_DATA_DIR/ofac/history/``): one row per entry and continuous presence, with the
   header ``ent_num,sdn_type,name_first,name_last,programs_first,programs_last,first_seen,
   prev_snapshot,last_seen,first_absent``. Times are UTC fetch times (``2021-05-22T22:02:00Z``); a
   record keeps their UTC dates. An empty ``prev_snapshot`` means the entry was there in the first
   snapshot ("on or before first_seen"); an empty ``first_absent`` means it was still listed in the
   last one. Programs are written ``[SDGT] [SYRIA]``.
   Several interval files in one bundle (``history-pre2021/derived/sdn_presence_intervals_2015-01_2021-05-22.csv``
   with the 2021-2024 file) are chained (``_chain``): where one file ends on the state the next begins with,
   an entry "on or before" that state in the later file ``continues`` its interval of the earlier one.
b. A bundle of dated ``sdn.csv`` snapshots, named ``<YYYY-MM-DD>/sdn.csv`` or ``sdn_<YYYY-MM-DD>.csv``,
   replayed in date order: an entry in snapshot *i* and not in *i+1* ends with ``last_seen`` = date
   *i* and ``first_absent`` = date *i+1*; an entry that appears was added after the snapshot before.

The history is not a complete snapshot of anything: it dates listings and removals. It can still end a
designation we hold as active (an interval that closed), so its runs pass the same delisting gates as
snapshots (``importers.upsert``), and a replayed ``sdn.csv`` without OFAC's 0x1A end marker (which may
have been cut at a line end, making every entry after the cut look removed) is listed in
``ParsedSource.end_marker_missing`` for the import to refuse unless a person vouches for it. The derived
interval file has no marker: a cut one holds fewer intervals, which dates less but ends nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import logging
import re
from collections import Counter
from pathlib import Path
from typing import ClassVar

from importers.records import ParsedSource, PresenceIntervalRecord
from importers.sources import register
from importers.sources.base import RawBundle, SourceAdapter, SourceError
from importers.sources.ofac_sdn import decode_csv, has_end_marker, sdn_csv_rows, split_programs, value

logger = logging.getLogger(__name__)

INTERVAL_COLUMNS = (
    "ent_num",
    "sdn_type",
    "name_first",
    "name_last",
    "programs_first",
    "programs_last",
    "first_seen",
    "prev_snapshot",
    "last_seen",
    "first_absent",
)
KINDS = {"individual", "entity", "vessel", "aircraft"}
_SNAPSHOT_NAME = re.compile(r"(?:^|/)(?:(\d{4}-\d{2}-\d{2})/sdn\.csv|sdn_(\d{4}-\d{2}-\d{2})\.csv)$", re.IGNORECASE)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


class _BadRow(ValueError):
    """One interval row cannot be read; it is skipped with a warning."""


def parse_utc_date(text: str, column: str) -> datetime.date:
    """The UTC calendar date of a fetch time (``2021-05-22T22:02:00Z``) or of a plain ``YYYY-MM-DD``."""
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise _BadRow(f"{column} {text!r} is not a date or an ISO time") from None
    if moment.tzinfo is None:
        raise _BadRow(f"{column} {text!r} has no time zone (expected UTC, e.g. 2021-05-22T22:02:00Z)")
    return moment.astimezone(datetime.UTC).date()


@register
class OfacHistorySource(SourceAdapter):
    """Presence intervals of SDN entries, from the derived interval file or from dated snapshots."""

    slug = "ofac-history"
    name = "OFAC SDN list history (presence intervals)"
    url = ""  # built offline from archived snapshots; nothing to fetch
    list_source = "ofac-sdn"
    is_complete_snapshot = False
    min_records = 100
    record_type = PresenceIntervalRecord
    files: ClassVar[tuple[str, ...]] = ()

    def folder_files(self, folder: Path) -> list[tuple[str, Path]]:
        """Every dated snapshot below ``folder``: ``<date>/sdn.csv`` (a folder named by its date, e.g.
        ``sdn_2021-06-29/sdn.csv``) and ``sdn_<date>.csv``, named as ``parse`` reads them."""
        found = []
        for child in sorted(folder.rglob("*")):
            if not child.is_file():
                continue
            if child.name.lower() == "sdn.csv" and (dated := _DATE.search(child.parent.name)):
                found.append((f"{dated.group(1)}/sdn.csv", child))
            elif child.suffix.lower() == ".csv" and _DATE.search(child.name):
                found.append((child.name, child))
        return found

    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        """Read the interval file, or replay the snapshots, into ``PresenceIntervalRecord``s.

        A bundle of one file whose first line is the interval header is an interval file; any other
        bundle must hold only dated ``sdn.csv`` snapshots.
        """
        if not raw:
            raise SourceError("ofac-history: no input files")
        intervals = [name for name, data in raw.items() if _is_interval_file(name, data)]
        if len(intervals) == 1 and len(raw) == 1:
            [(filename, data)] = raw.items()
            return _finish(_read_intervals(filename, data))
        if intervals:
            if len(intervals) != len(raw):
                others = sorted(set(raw) - set(intervals))
                raise SourceError(
                    f"ofac-history: interval files and snapshots cannot be mixed in one run ({', '.join(others)})"
                )
            return _finish(_chain([_read_intervals(name, raw[name]) for name in intervals], intervals))
        return _finish(_replay(raw))


def _is_interval_file(filename: str, data: bytes) -> bool:
    first_line = data.lstrip(b"\xef\xbb\xbf")[:200].split(b"\n", 1)[0]
    dated = _SNAPSHOT_NAME.search(filename.replace("\\", "/"))
    return not dated and (first_line.startswith(b"ent_num,") or not data.strip())


def _chain(parts: list[ParsedSource], names: list[str]) -> ParsedSource:
    """Several interval files, one after the other (``2015-01_2021-05-22`` then ``2021-05-22_2024-07-02``).

    Files are ordered by the first state they hold. Where a file's last state is the next file's first
    one (the derived pre-2021 file ends on the first state of the 2021-2024 file), an entry still listed
    at the end of the earlier file and there "on or before" the first state of the later one is the same
    presence: its later interval is marked ``continues``, and takes its listing date from the earlier
    one. Files that do not meet leave a gap, and their intervals stand as they are.
    """
    order = sorted(
        range(len(parts)), key=lambda i: min((r.first_seen for r in parts[i].records), default=datetime.date.max)
    )
    result = ParsedSource()
    previous_end: datetime.date | None = None
    still_listed: set[str] = set()
    chained = 0
    for i in order:
        part = parts[i]
        result.warnings += part.warnings
        start = min((r.first_seen for r in part.records), default=None)
        meets = previous_end is not None and start == previous_end
        if previous_end is not None and not meets:
            result.warnings.append(
                f"{names[i]} starts on {start}, not on {previous_end} where the file before it ends: "
                "its first listings stay 'on or before' that day"
            )
        for record in part.records:
            if (
                meets
                and record.prev_snapshot is None
                and record.first_seen == start
                and record.source_uid in still_listed
            ):
                record = dataclasses.replace(record, continues=True)
                chained += 1
            result.records.append(record)
        previous_end = max((r.last_seen for r in part.records), default=previous_end)
        still_listed = {r.source_uid for r in part.records if r.first_absent is None and r.last_seen == previous_end}
    result.records.sort(key=lambda r: (int(r.source_uid) if r.source_uid.isdigit() else 0, r.source_uid, r.first_seen))
    result.published_on = previous_end
    result.stats["files"] = len(parts)
    result.stats["chained"] = chained
    result.stats["skipped"] = sum(p.stats.get("skipped", 0) for p in parts)
    return result


def _finish(result: ParsedSource) -> ParsedSource:
    kinds = Counter(r.kind for r in result.records)
    ended = Counter(r.kind for r in result.records if r.first_absent is not None)
    result.stats.update(
        {
            "records": len(result.records),
            "intervals": len(result.records),
            "ended": sum(ended.values()),
            **{f"kind_{kind}": count for kind, count in sorted(kinds.items())},
            **{f"ended_{kind}": count for kind, count in sorted(ended.items())},
        }
    )
    for warning in result.warnings:
        logger.warning(warning)
    return result


def _read_intervals(filename: str, data: bytes) -> ParsedSource:
    """Mode (a): the derived interval file."""
    result = ParsedSource()
    reader = csv.DictReader(io.StringIO(decode_csv(data, filename, result.warnings), newline=""), strict=True)
    header = reader.fieldnames or []
    missing = [c for c in INTERVAL_COLUMNS if c not in header]
    if missing:
        raise SourceError(f"{filename}: missing column(s) {', '.join(missing)}; header is {','.join(header)}")
    extra = [c for c in header if c not in INTERVAL_COLUMNS]
    if extra:
        result.warnings.append(f"{filename}: unknown column(s) {', '.join(extra)}, not imported")
    skipped = 0
    try:
        for row in reader:
            line = reader.line_num
            try:
                result.records.append(_interval(row))
            except _BadRow as exc:
                skipped += 1
                if skipped <= 20:
                    result.warnings.append(f"{filename} line {line}: skipped: {exc}")
    except csv.Error as exc:
        raise SourceError(f"{filename} line {reader.line_num}: not valid CSV: {exc}") from None
    if skipped > 20:
        result.warnings.append(f"{filename}: {skipped} rows skipped in all")
    if not result.records and not skipped:
        raise SourceError(f"{filename}: no intervals after the header")
    result.stats["skipped"] = skipped
    result.published_on = max((r.last_seen for r in result.records), default=None)
    return result


def _interval(row: dict) -> PresenceIntervalRecord:
    if None in row or any(row[c] is None for c in INTERVAL_COLUMNS):
        raise _BadRow("wrong number of fields")
    uid, kind = row["ent_num"], row["sdn_type"]
    if not uid.isdigit():
        raise _BadRow(f"ent_num {uid!r} is not a number")
    if kind not in KINDS:
        raise _BadRow(f"ent_num {uid}: unknown sdn_type {kind!r}")
    first_seen = parse_utc_date(row["first_seen"], "first_seen")
    last_seen = parse_utc_date(row["last_seen"], "last_seen")
    prev = parse_utc_date(row["prev_snapshot"], "prev_snapshot") if row["prev_snapshot"] else None
    absent = parse_utc_date(row["first_absent"], "first_absent") if row["first_absent"] else None
    _check_order(uid, prev, first_seen, last_seen, absent)
    return PresenceIntervalRecord(
        source_uid=uid,
        kind=kind,
        name=row["name_last"],
        programs_first=split_programs(row["programs_first"]),
        programs_last=split_programs(row["programs_last"]),
        first_seen=first_seen,
        prev_snapshot=prev,
        last_seen=last_seen,
        first_absent=absent,
    )


def _check_order(
    uid: str,
    prev: datetime.date | None,
    first_seen: datetime.date,
    last_seen: datetime.date,
    absent: datetime.date | None,
) -> None:
    """prev_snapshot < first_seen <= last_seen < first_absent (two fetches may share a UTC date)."""
    if prev is not None and prev > first_seen:
        raise _BadRow(f"ent_num {uid}: prev_snapshot {prev} is after first_seen {first_seen}")
    if last_seen < first_seen:
        raise _BadRow(f"ent_num {uid}: last_seen {last_seen} is before first_seen {first_seen}")
    if absent is not None and absent < last_seen:
        raise _BadRow(f"ent_num {uid}: first_absent {absent} is before last_seen {last_seen}")


def snapshot_date(filename: str) -> datetime.date:
    """The date in a snapshot's name: ``2021-06-29/sdn.csv`` or ``sdn_2021-06-29.csv``."""
    match = _SNAPSHOT_NAME.search(filename.replace("\\", "/"))
    if not match:
        raise SourceError(
            f"ofac-history: cannot date {filename!r}; name snapshots <YYYY-MM-DD>/sdn.csv or sdn_<YYYY-MM-DD>.csv"
        )
    try:
        return datetime.date.fromisoformat(match[1] or match[2])
    except ValueError:
        raise SourceError(f"ofac-history: {filename!r} names an impossible date") from None


def _replay(raw: RawBundle) -> ParsedSource:
    """Mode (b): replay dated snapshots in order and bracket each presence between them.

    1. Date every file by its name; two files of one date are an error.
    2. Read each snapshot strictly into ent_num -> (kind, name, programs).
    3. Walk the dates: new entries open an interval (added after the previous snapshot), vanished
       ones close theirs (gone by this snapshot), the rest move their ``last_seen`` on.
    """
    result = ParsedSource()
    dated: dict[datetime.date, str] = {}
    for filename in raw:
        day = snapshot_date(filename)
        if day in dated:
            raise SourceError(f"ofac-history: {dated[day]!r} and {filename!r} are both snapshots of {day}")
        dated[day] = filename

    open_intervals: dict[str, dict] = {}
    previous: datetime.date | None = None
    for day in sorted(dated):
        entries = _snapshot_entries(dated[day], raw[dated[day]], result.warnings)
        for uid, (kind, name, programs) in entries.items():
            current = open_intervals.get(uid)
            if current is None:
                open_intervals[uid] = {
                    "first_seen": day,
                    "prev_snapshot": previous,
                    "programs_first": programs,
                }
                current = open_intervals[uid]
            current.update(kind=kind, name=name, programs_last=programs, last_seen=day)
        for uid in [uid for uid in open_intervals if uid not in entries]:
            result.records.append(_closed(uid, open_intervals.pop(uid), day))
        previous = day
    result.records.extend(_closed(uid, fields, None) for uid, fields in open_intervals.items())
    result.records.sort(key=lambda r: (int(r.source_uid), r.first_seen))
    result.published_on = previous
    result.stats["snapshots"] = len(dated)
    result.end_marker_missing = [dated[day] for day in sorted(dated) if not has_end_marker(raw[dated[day]])]
    return result


def _closed(uid: str, fields: dict, first_absent: datetime.date | None) -> PresenceIntervalRecord:
    return PresenceIntervalRecord(
        source_uid=uid,
        kind=fields["kind"],
        name=fields["name"],
        programs_first=fields["programs_first"],
        programs_last=fields["programs_last"],
        first_seen=fields["first_seen"],
        prev_snapshot=fields["prev_snapshot"],
        last_seen=fields["last_seen"],
        first_absent=first_absent,
    )


def _snapshot_entries(filename: str, data: bytes, warnings: list[str]) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    entries: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for row in sdn_csv_rows(data, filename, columns=12, warnings=warnings):
        uid = row[0]
        kind = value(row[2]).strip() or "entity"  # entities have -0- in SDN_Type (data-formats §1.2)
        if kind not in KINDS:
            warnings.append(f"{filename}: ent_num {uid} skipped: unknown SDN_Type {row[2]!r}")
            continue
        if uid in entries:
            warnings.append(f"{filename}: ent_num {uid} appears twice; the first row is kept")
            continue
        entries[uid] = (kind, value(row[1]).strip(), split_programs(row[3]))
    if not entries:
        raise SourceError(f"{filename}: the snapshot has no entries")
    return entries
