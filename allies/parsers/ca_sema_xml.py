"""Canada's Consolidated Canadian Autonomous Sanctions List, the official XML (``sema-lmes.xml``).

Real copy: ``$TRACKER_DATA_DIR/allied/ca/gac-sema-lmes_2020-04-15/sema-lmes.xml`` (1,369 records of
15 April 2020, root ``data-set``, no ``DateOfListing``). Later editions add ``DateOfListing`` and rename
some elements; both are read (the layout: ``allies.parsers.ca``). The file carries no date of its own,
so ``published_on`` is None. A record without ``DateOfListing`` has no listing date: the 2020 copy says
which listings existed on that day, not when they were made.
"""

from __future__ import annotations

from collections import Counter

from allies.parsers import ca
from allies.parsers.ammitto import Doc
from allies.parsers.common import RawBundle, Regimes, finish, pick_file
from allies.parsers.eu_fsf_xml import snake
from allies.records import ParsedAlliedSource
from importers.xmlsafe import Element, children, iterparse, localname, release, text_of

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "ca-sema-lmes-xml"
PUBLISHER, LIST_SLUG = ca.PUBLISHER, ca.LIST_SLUG


def record_mapping(element: Element) -> dict[str, str]:
    """A ``record`` as a snake-case mapping of its elements' text; ``ValueError`` for a repeated element."""
    mapping: dict[str, str] = {}
    for child in children(element):
        key = snake(localname(child))
        if key in mapping:
            raise ValueError(f"<{localname(child)}> appears twice")
        mapping[key] = text_of(child)
    return mapping


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read sema-lmes.xml into one record per ``record``.

    1. Stream the file safely (``importers.xmlsafe``); the root must be ``data-set``.
    2. Read each ``record`` (``ca.read``); one that cannot be read, or that repeats an earlier record's
       Country, Schedule and Item, is skipped with a warning.
    3. Warn once when no record has a ``DateOfListing`` (editions before the element existed).
    """
    name, data = pick_file(raw, what=SLUG, suffixes=(".xml",))
    result = ParsedAlliedSource()
    stats: Counter = Counter()
    unknown: Counter = Counter()
    regime_table = Regimes(PUBLISHER, name)
    seen: set[str] = set()
    root: Element | None = None
    for event, element in iterparse(data, what=name, root="data-set"):
        if root is None:
            root = element
            continue
        if event != "end" or element.getparent() is not root:
            continue
        tag = localname(element)
        if tag == "record":
            stats["rows"] += 1
            try:
                record = ca.read(Doc(record_mapping(element), "record", unknown), regime_table, stats, source=SLUG)
                if record.source_uid in seen:
                    raise ValueError("the same Country, Schedule and Item as an earlier record")
            except ValueError as exc:
                stats["skipped"] += 1
                result.warnings.append(f"{name}: skipped record {stats['rows']}: {exc}")
            else:
                seen.add(record.source_uid)
                result.records.append(record)
        else:
            unknown[tag] += 1
        release(element)
    if result.records and stats["without_listing_date"] == len(result.records):
        result.warnings.append(
            f"{name}: no record has a DateOfListing (an edition from before Canada published listing dates); "
            "the records carry no listing date"
        )
    return finish(result, regime_warnings=regime_table.warnings(), stats=stats, unknown=unknown, what=name)
