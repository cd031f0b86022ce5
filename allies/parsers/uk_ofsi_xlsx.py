"""OFSI Consolidated List, the xlsx edition (ConList.xlsx).

Real copy: ``$TRACKER_DATA_DIR/allied/uk/ofsi-conlist_2025-04-14/ConList.xlsx`` (OFSI's own file, "Last
Updated 14/04/2025", one worksheet "Data"). The table and how it is read: ``allies.parsers.ofsi``.
"""

from __future__ import annotations

from allies.parsers.common import RawBundle, pick_file
from allies.parsers.ofsi import LIST_SLUG, PUBLISHER, parse_table
from allies.records import ParsedAlliedSource
from allies.safefiles import read_sheet

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "uk-ofsi-conlist-xlsx"


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read the first worksheet of OFSI's ConList.xlsx into one record per Group ID.

    The file is checked as a zip before it is read (``allies.safefiles``); a worksheet that is not OFSI's
    table raises ``SourceError``.
    """
    name, data = pick_file(raw, what=SLUG, suffixes=(".xlsx",))
    sheet, rows = read_sheet(data, what=name)
    result = parse_table(rows, what=f"{name} [{sheet}]", source=SLUG)
    result.stats["sheet"] = sheet
    return result
