"""Exact days of SDN listings: OFAC's own "Created" dates and the OFAC Recent Actions pages naming each entry.

Two derived tables of ``$TRACKER_DATA_DIR/ofac/history-pre2021/derived/`` (its ``PROVENANCE.md`` §3),
told apart by their header:

a. ``advanced_entry_created_dates_partial_*.csv``: ``ent_num,entry_event_created_date,list_id,
   legal_basis_id,programs``: the "Created" ``EntryEvent`` of each SanctionsEntry of an
   ``SDN_ADVANCED.XML`` (partial: the entries still listed then, up to one entry number). OFAC's own date
   of the entry; for a few old entries it is the date they were listed again.
b. ``recent_actions_dates_*.csv``: ``ent_num,name,earliest_action_date,earliest_action_title,
   earliest_action_url,n_action_pages,all_action_dates``: the days of every OFAC Recent Actions or
   press page that names the entry (``;``-separated). The earliest page is the listing for most entries;
   for an entry listed before the pages begin, or renamed, it is a later update.

Each row gives an ``EntryDateRecord`` of the days, earliest first. What the days mean for a designation
(an exact day inside the bracket the list history gives it) is the upsert's business
(``importers.upsert.entry_dates``).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from pathlib import Path
from typing import ClassVar

from importers.records import EntryDateRecord, ParsedSource
from importers.sources import register
from importers.sources.base import RawBundle, SourceAdapter, SourceError
from importers.sources.ofac_sdn import decode_csv

CREATED = "created"
RECENT_ACTION = "recent_action"
CREATED_COLUMNS = ("ent_num", "entry_event_created_date")
RECENT_ACTION_COLUMNS = ("ent_num", "earliest_action_date", "earliest_action_title", "earliest_action_url")
EVIDENCE_ORDER = (CREATED, RECENT_ACTION)  # OFAC's own date first


@register
class OfacEntryDatesSource(SourceAdapter):
    """Exact days of SDN entries' listings from OFAC's "Created" dates and Recent Actions pages."""

    slug = "ofac-entry-dates"
    name = "OFAC SDN entry dates (Created dates, Recent Actions pages)"
    url = ""  # derived offline from archived files; nothing to fetch
    list_source = "ofac-sdn"
    is_complete_snapshot = False
    min_records = 1
    record_type = EntryDateRecord
    files: ClassVar[tuple[str, ...]] = ()

    def folder_files(self, folder: Path) -> list[tuple[str, Path]]:
        return [
            (child.name, child)
            for child in sorted(folder.iterdir())
            if child.is_file() and child.name.startswith(("advanced_entry_created_dates", "recent_actions_dates"))
        ]

    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        if not raw:
            raise SourceError("ofac-entry-dates: no input files")
        result = ParsedSource()
        for filename in sorted(raw):
            text = decode_csv(raw[filename], filename, result.warnings)
            reader = csv.DictReader(io.StringIO(text, newline=""))
            header = reader.fieldnames or []
            if all(column in header for column in CREATED_COLUMNS):
                records = _created(filename, reader, result.warnings)
            elif all(column in header for column in RECENT_ACTION_COLUMNS):
                records = _recent_actions(filename, reader, result.warnings)
            else:
                raise SourceError(f"{filename}: neither a Created-date table nor a Recent Actions table: {header}")
            result.stats[filename] = len(records)
            result.records += records
        result.records.sort(key=lambda r: (EVIDENCE_ORDER.index(r.evidence), int(r.source_uid)))
        result.stats["records"] = len(result.records)
        result.published_on = max((r.days[-1] for r in result.records), default=None)
        return result


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text.strip())


def _created(filename: str, reader: csv.DictReader, warnings: list[str]) -> list[EntryDateRecord]:
    days: dict[str, set[datetime.date]] = defaultdict(set)
    for row in reader:
        uid = (row["ent_num"] or "").strip()
        try:
            day = _day(row["entry_event_created_date"] or "")
        except ValueError:
            warnings.append(f"{filename} line {reader.line_num}: no date, skipped")
            continue
        if not uid.isdigit():
            warnings.append(f"{filename} line {reader.line_num}: ent_num {uid!r} is not a number, skipped")
            continue
        days[uid].add(day)
    title = "OFAC SDN_ADVANCED.XML entry 'Created' date"
    return [EntryDateRecord(uid, CREATED, tuple(sorted(found)), title) for uid, found in days.items()]


def _recent_actions(filename: str, reader: csv.DictReader, warnings: list[str]) -> list[EntryDateRecord]:
    records = []
    for row in reader:
        uid = (row["ent_num"] or "").strip()
        try:
            days = {_day(text) for text in (row.get("all_action_dates") or "").split(";") if text.strip()}
            days.add(_day(row["earliest_action_date"] or ""))
        except ValueError:
            warnings.append(f"{filename} line {reader.line_num}: a date cannot be read, skipped")
            continue
        if not uid.isdigit():
            warnings.append(f"{filename} line {reader.line_num}: ent_num {uid!r} is not a number, skipped")
            continue
        records.append(
            EntryDateRecord(
                uid,
                RECENT_ACTION,
                tuple(sorted(days)),
                (row["earliest_action_title"] or "").strip(),
                (row["earliest_action_url"] or "").strip(),
            )
        )
    return records
