"""The FCDO's UK Sanctions List, CSV edition (UK-Sanctions-List.csv).

**No real copy of this file was available** (PROVENANCE.md: "What could not be found"), so this parser
follows the published description of the layout, not a file:

* the FCDO's format guidance (gov.uk, "UK Sanctions List: change to the list's format", 17 February
  2022): six name parts with a ``Name type`` (Primary name, Primary name variation, Alias) and an
  ``Alias strength``, non-Latin names with script and language, Unique ID, OFSI Group ID;
* the column order and banner that public readers of the file expect and test against (moov-io/watchman
  ``pkg/sources/csl_uk/reader_uk_test.go``): row 1 ``Report Date: 13-Feb-2026``, row 2 the 58-column
  header below (``COLUMNS``), then rows whose dates are dd/mm/yyyy (``DOB`` "dd/mm/1945" with letters
  for unknown parts, as in the XML);
* like OFSI's table, one row per name (and per address), the designation's other fields repeated; rows
  are merged by ``Unique ID``.

The tests read a sample constructed from this layout, labelled as constructed. Columns are found by
name, so a reordering is harmless; the core columns (``REQUIRED``) must be present and unknown ones are
reported.
"""

from __future__ import annotations

import datetime
from collections import Counter

from allies.dates import parse_day
from allies.parsers import fcdo
from allies.parsers.common import RawBundle, Regimes, finish, pick_file
from allies.parsers.uk_ofsi_csv import read_csv
from allies.records import ParsedAlliedSource
from importers.sources.base import SourceError

__all__ = ["COLUMNS", "LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "uk-sanctions-list-csv"
PUBLISHER, LIST_SLUG = fcdo.PUBLISHER, fcdo.LIST_SLUG

COLUMNS = (
    "Last Updated", "Unique ID", "OFSI Group ID", "UN Reference Number", "Name 6", "Name 1", "Name 2",
    "Name 3", "Name 4", "Name 5", "Name type", "Alias strength", "Title", "Name non-latin script",
    "Non-latin script type", "Non-latin script language", "Regime Name", "Designation Type",
    "Designation source", "Sanctions Imposed", "Other Information", "UK Statement of Reasons",
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5",
    "Address Line 6", "Address Postal Code", "Address Country", "Phone number", "Website", "Email address",
    "Date Designated", "D.O.B", "Nationality(/ies)", "National Identifier number",
    "National Identifier additional information", "Passport number", "Passport additional information",
    "Position", "Gender", "Town of birth", "Country of birth", "Type of entity", "Subsidiaries",
    "Parent company", "Business registration number (s)", "IMO number", "Current owner/operator (s)",
    "Previous owner/operator (s)", "Current believed flag of ship", "Previous flags", "Type of ship",
    "Tonnage of ship", "Length of ship", "Year Built", "Hull identification number (HIN)",
)  # fmt: skip
REQUIRED = ("Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type", "Date Designated", "Last Updated")
# Known columns not carried into records (contact details, corporate links, ship particulars): not reported.
IGNORED = (
    "Phone number", "Website", "Email address", "Type of entity", "Subsidiaries", "Parent company",
    "Current owner/operator (s)", "Previous owner/operator (s)", "Current believed flag of ship",
    "Previous flags", "Type of ship", "Tonnage of ship", "Length of ship", "Year Built",
    "Hull identification number (HIN)",
)  # fmt: skip
ADDRESS = (
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5", "Address Line 6",
    "Address Postal Code", "Address Country",
)  # fmt: skip


def report_date(banner: list[str]) -> datetime.date | None:
    """ "Report Date: 13-Feb-2026" -> 2026-02-13."""
    text = " ".join(value for value in banner if value).strip()
    if not text.casefold().startswith("report date"):
        return None
    raw = text.split(":", 1)[-1].strip()
    for fmt in ("%d-%b-%Y", "%d/%m/%Y"):
        day = parse_day(raw, fmt)
        if day is not None:
            return day
    return None


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read UK-Sanctions-List.csv into one record per Unique ID.

    1. Find the header in the first two rows (``SourceError`` without it or without a ``REQUIRED`` column).
    2. Merge the rows of each Unique ID into an ``fcdo.Entry``; a row without a Unique ID is skipped.
    3. Build each record (``fcdo.build``); one that cannot be built is skipped with a warning.
    """
    name, data = pick_file(raw, what=SLUG, suffixes=(".csv",))
    rows, warnings = read_csv(data, what=name)
    result = ParsedAlliedSource(warnings=warnings)
    stats: Counter = Counter()
    unknown: Counter = Counter()
    header_at = next((i for i, row in enumerate(rows[:2]) if "Unique ID" in [c.strip() for c in row]), None)
    if header_at is None:
        raise SourceError(f"{name}: no UK Sanctions List header (with 'Unique ID') in the first two rows")
    header = [c.strip() for c in rows[header_at]]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise SourceError(f"{name}: the header lacks the column(s) {', '.join(missing)}: not the FCDO's layout")
    for column in header:
        if column and column not in COLUMNS:
            unknown[column] += 1
    result.published_on = report_date(rows[0]) if header_at == 1 else None
    if result.published_on is None:
        result.warnings.append(f"{name}: no 'Report Date' banner above the header; the list has no date")

    entries: dict[str, fcdo.Entry] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {column: value.strip() for column, value in zip(header, row, strict=False) if column}
        if not any(values.values()):
            continue
        stats["rows"] += 1
        get = values.get
        unique_id = get("Unique ID", "")
        if not unique_id:
            stats["skipped_rows"] += 1
            result.warnings.append(f"{name}: skipped row {number}, which has no Unique ID")
            continue
        entry = entries.setdefault(unique_id, fcdo.Entry(unique_id=unique_id))
        parts = tuple((field, get(field, "")) for field in fcdo.NAME_FIELDS if get(field, ""))
        if parts:
            entry.names.append((parts, get("Name type", ""), get("Alias strength", "")))
        if get("Name non-latin script"):
            entry.non_latin.append(
                (
                    get("Name non-latin script", ""),
                    get("Non-latin script type", ""),
                    get("Non-latin script language", ""),
                )
            )
        if any(get(column) for column in ADDRESS):
            entry.addresses.append(tuple(get(column, "") for column in ADDRESS))
        if get("Passport number"):
            entry.passports.append((get("Passport number", ""), get("Passport additional information", "")))
        if get("National Identifier number"):
            entry.national_ids.append(
                (get("National Identifier number", ""), get("National Identifier additional information", ""))
            )
        if get("Town of birth") or get("Country of birth"):
            entry.birth_places.append((get("Town of birth", ""), get("Country of birth", "")))
        for column, target in (
            ("OFSI Group ID", entry.group_ids),
            ("UN Reference Number", entry.un_references),
            ("Title", entry.titles),
            ("Regime Name", entry.regimes),
            ("Designation Type", entry.designation_types),
            ("Designation source", entry.designation_sources),
            ("Sanctions Imposed", entry.sanctions_imposed),
            ("Other Information", entry.other_information),
            ("UK Statement of Reasons", entry.reasons),
            ("Date Designated", entry.dates_designated),
            ("Last Updated", entry.last_updated),
            ("D.O.B", entry.birth_dates),
            ("Nationality(/ies)", entry.nationalities),
            ("Position", entry.positions),
            ("Gender", entry.genders),
            ("Business registration number (s)", entry.registration_numbers),
            ("IMO number", entry.imo_numbers),
        ):
            if get(column):
                target.append(get(column, ""))

    regime_table = Regimes(PUBLISHER, name)
    for unique_id, entry in entries.items():
        try:
            record = fcdo.build(entry, source=SLUG, regime_table=regime_table, parse_date=parse_day, stats=stats)
        except ValueError as exc:
            stats["skipped"] += 1
            result.warnings.append(f"{name}: skipped Unique ID {unique_id}: {exc}")
            continue
        result.records.append(record)
    return finish(result, regime_warnings=regime_table.warnings(), stats=stats, unknown=unknown, what=name)
