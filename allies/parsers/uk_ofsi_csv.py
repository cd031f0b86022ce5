"""OFSI Consolidated List, the CSV edition (ConList.csv).

OFSI published the same table as ConList.xlsx as a comma-separated file: the banner row ``Last
Updated,14/04/2025``, the header of the same 36 columns, then one row per name and regime, fields quoted
where they hold commas or line breaks. No real copy of the CSV is held; the parser reads the layout of
the real xlsx (``allies.parsers.ofsi``), and the tests write the real xlsx rows out as CSV. Public readers of
ConList.csv expect the same: the banner and header rows, then 36 fields per row (moov-io/watchman
``pkg/sources/csl_uk/reader_uk.go``).

Encoding: UTF-8 (a byte-order mark is allowed). A file that is not valid UTF-8 is read as Windows-1252
with a warning, as spreadsheets on Windows save CSV that way.
"""

from __future__ import annotations

import csv
import io

from allies.parsers.common import RawBundle, pick_file
from allies.parsers.ofsi import LIST_SLUG, PUBLISHER, parse_table
from allies.records import ParsedAlliedSource
from importers.sources.base import SourceError

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse", "read_csv"]

SLUG = "uk-ofsi-conlist-csv"


def read_csv(data: bytes, *, what: str) -> tuple[list[list[str]], list[str]]:
    """The rows of a CSV file and any warning about its encoding; ``SourceError`` for a broken file."""
    if not data.strip():
        raise SourceError(f"{what}: the file is empty")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append(f"{what}: not UTF-8; read as Windows-1252")
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True)), warnings
    except csv.Error as exc:
        raise SourceError(f"{what}: not a well-formed CSV file (truncated?): {exc}") from exc


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read OFSI's ConList.csv into one record per Group ID (the table: ``allies.parsers.ofsi``)."""
    name, data = pick_file(raw, what=SLUG, suffixes=(".csv",))
    rows, warnings = read_csv(data, what=name)
    result = parse_table(rows, what=name, source=SLUG)
    result.warnings[:0] = warnings
    return result
