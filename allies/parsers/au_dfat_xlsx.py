"""DFAT's Consolidated List, the xlsx DFAT publishes (regulation8_consolidated.xlsx).

Real copy: ``$TRACKER_DATA_DIR/allied/au/dfat-consolidated_2024-11-11/regulation8_consolidated.xlsx``
(9,553 rows, 3,062 references; one worksheet, "Sheet1"). Row 1 is the header (``COLUMNS``; the sheet has
a 13th, unnamed and empty, column); then one row per name. Cells come as text, dates or numbers:

* ``Reference``: a number for a listing's first row (2 -> "2"), text for its other names ("2a");
* ``Date of Birth``: a date cell, a number that is a year (1969), or text in many shapes ("a) 1 Jan.
  1964 b) 1959", "Approximately 1968", "14 Mar 1974 >> 13 Apr 1974"); a number that is no plausible
  year is read as an Excel date serial;
* ``Control Date``: a date cell (an Excel serial is read too);
* ``Type`` and ``Name Type`` in varying case and with trailing spaces ("Entity ", "Primary name", "aka",
  "Aka ", "Original script");
* empty facts are written "NA" or left blank.

The list states no date of its own: ``published_on`` is the newest Control Date (2024-11-11 in this copy,
the same day as the workbook's modification date). What the rows mean: ``allies.parsers.au``.
"""

from __future__ import annotations

import datetime
from collections import Counter

from allies.dates import cell_birth_dates, excel_serial, listing_information_dates, parse_day
from allies.parsers import au
from allies.parsers.common import RawBundle, Regimes, cell, finish, meaningful, other_names, pick_file, unique
from allies.records import (
    AddressRecord,
    AlliedDesignation,
    AlliedRecord,
    ListingDate,
    ParsedAlliedSource,
    PlaceOfBirthRecord,
)
from allies.safefiles import read_sheet
from importers.sources.base import SourceError

__all__ = ["COLUMNS", "LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "au-dfat-consolidated-xlsx"
PUBLISHER, LIST_SLUG = au.PUBLISHER, au.LIST_SLUG
COLUMNS = (
    "Reference", "Name of Individual or Entity", "Type", "Name Type", "Date of Birth", "Place of Birth",
    "Citizenship", "Address", "Additional Information", "Listing Information", "Committees", "Control Date",
)  # fmt: skip


def _day(value: object) -> tuple[datetime.date | None, str]:
    """A date cell, an Excel serial or dd/mm/yyyy text -> (date, raw)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value, value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial(float(value)), cell(value)
    raw = cell(value)
    return parse_day(raw), raw


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read DFAT's xlsx into one record per Reference.

    1. The first worksheet's first row must hold every column of ``COLUMNS`` (``SourceError`` otherwise:
       a different sheet or file); any other named column is reported.
    2. Group the rows by base Reference ("6830a" belongs to "6830"), keeping file order; a row whose
       Reference is not of that shape is skipped with a warning.
    3. Build each record; one that cannot be built is skipped with a warning.
    """
    name, data = pick_file(raw, what=SLUG, suffixes=(".xlsx",))
    sheet, rows = read_sheet(data, what=name)
    what = f"{name} [{sheet}]"
    result = ParsedAlliedSource()
    stats: Counter = Counter()
    unknown: Counter = Counter()
    header = [cell(value) for value in rows[0]] if rows else []
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise SourceError(
            f"{what}: the first row lacks the column(s) {', '.join(missing)}: not DFAT's Consolidated List"
        )
    index = {column: header.index(column) for column in COLUMNS}
    for column in header:
        if column and column not in index:
            unknown[column] += 1

    groups: dict[str, list[dict[str, object]]] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = {column: row[position] if position < len(row) else "" for column, position in index.items()}
        if not any(cell(value) for value in values.values()):
            continue
        stats["rows"] += 1
        reference = cell(values["Reference"])
        base = au.base_reference(reference)
        if base is None:
            stats["skipped_rows"] += 1
            result.warnings.append(f"{what}: skipped row {number}: Reference {reference!r} is not a DFAT reference")
            continue
        values["Reference"] = reference
        groups.setdefault(base, []).append(values)

    regime_table = Regimes(PUBLISHER, what)
    for base, group in groups.items():
        try:
            result.records.append(_record(base, group, regime_table, stats))
        except ValueError as exc:
            stats["skipped"] += 1
            result.warnings.append(f"{what}: skipped Reference {base}: {exc}")
    stats["references"] = len(groups)
    control_dates = [
        d.date for r in result.records for g in r.designations for d in g.dates if d.kind == "control_date"
    ]
    result.published_on = max(control_dates, default=None)
    return finish(result, regime_warnings=regime_table.warnings(), stats=stats, unknown=unknown, what=what)


def _record(base: str, rows: list[dict[str, object]], regime_table: Regimes, stats: Counter) -> AlliedRecord:
    primary_rows = [row for row in rows if au.name_kind(cell(row["Name Type"])) == "primary"]
    if not primary_rows:
        stats["without_primary_name"] += 1
    first = (primary_rows or rows)[0]
    type_ = " ".join(cell(first["Type"]).split()).casefold()
    kind = au.TYPES.get(type_)
    if kind is None:
        raise ValueError(f"unknown Type {cell(first['Type'])!r}")
    names = []
    for row in rows:
        text = cell(row["Name of Individual or Entity"])
        if text:
            names.append(au.name_record(text, cell(row["Name Type"])))
    primary_name = cell(first["Name of Individual or Entity"])
    if not primary_name:
        raise ValueError("no name")
    others = [n for n in dict.fromkeys(names) if n.name != primary_name or n.kind != "primary"]

    birth_cells = list(dict.fromkeys(row["Date of Birth"] for row in rows if cell(row["Date of Birth"])))
    birth_dates = tuple(dict.fromkeys(record for value in birth_cells for record in cell_birth_dates(value)))
    stats["birth_dates_text_only"] += sum(record.date_from is None for record in birth_dates)

    by_committee: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_committee.setdefault(cell(row["Committees"]), []).append(row)
    designations = []
    for committee, committee_rows in by_committee.items():
        if not committee:
            raise ValueError("a row has no Committees")
        listing = committee_rows[0]["Listing Information"]
        listing_day, listing_raw = _day(listing) if not isinstance(listing, str) else (None, cell(listing))
        dates = list(listing_information_dates(listing_raw)) if listing_day is None else []
        if listing_day is not None:  # a date cell: the day itself (UN DPRK listings)
            dates.append(ListingDate(kind="listed", date=listing_day, raw=listing_raw))
        control_days = unique(_day(row["Control Date"])[1] for row in committee_rows)
        if len(control_days) > 1:
            stats["several_control_dates"] += 1
        control, control_raw = _day(committee_rows[0]["Control Date"])
        if control is None and control_raw:
            stats["unreadable_control_date"] += 1
        designations.append(
            AlliedDesignation(
                regime=committee,
                regime_code=regime_table.code(committee),
                reference=base,
                dates=(*dates, *au.control_date(control, control_raw)),
                instrument=listing_raw,
            )
        )

    return AlliedRecord(
        publisher=PUBLISHER,
        list_slug=LIST_SLUG,
        source=SLUG,
        source_uid=base,
        kind=kind,
        name=primary_name,
        aliases=other_names((n for n in others if n.kind != "original_script"), primary=None),
        non_latin_names=tuple(n for n in others if n.kind == "original_script"),
        birth_dates=birth_dates,
        places_of_birth=tuple(
            PlaceOfBirthRecord(place=place) for place in unique(meaningful(cell(row["Place of Birth"])) for row in rows)
        ),
        citizenships=unique(meaningful(cell(row["Citizenship"])) for row in rows),
        addresses=tuple(
            AddressRecord(street=address) for address in unique(meaningful(cell(row["Address"])) for row in rows)
        ),
        designations=tuple(designations),
        other_information="\n\n".join(unique(meaningful(cell(row["Additional Information"])) for row in rows)),
        references=(("dfat_reference", base),),
    )
