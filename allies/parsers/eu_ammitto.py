"""The ammitto scrape of the EU Financial Sanctions Files (github.com/ammitto/data-eu), one YAML per entity.

Real copy: ``$TRACKER_DATA_DIR/allied/eu/ammitto-data-eu_2026-05-01/processed-eu-format.tar.gz`` (5,860
``eu-*.yaml`` documents of the format the scrape used from 2026-02-23, fetched 2026-05-01). Each is one
FSF ``sanctionEntity`` in snake case; the mapping and the dates are described in ``allies.parsers.eu``.
The designation date is not kept, so these records carry the labelled ``regulation_published`` stand-in
and no ``listed`` date. Entities delisted after 2026-02-23 may linger: the scrape never deleted a file.
"""

from __future__ import annotations

from collections import Counter

from allies.parsers import eu
from allies.parsers.ammitto import Doc, parse_scrape
from allies.parsers.common import RawBundle, Regimes, pick_file
from allies.records import AlliedRecord, ParsedAlliedSource

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "eu-fsf-ammitto"
PUBLISHER, LIST_SLUG = eu.PUBLISHER, eu.LIST_SLUG


def read(doc: Doc, regime_table: Regimes, stats: Counter) -> AlliedRecord:
    return eu.read(doc, regime_table, stats, source=SLUG)


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read the EU scrape's tar.gz into one record per FSF entity (logical id)."""
    name, data = pick_file(raw, what=SLUG, suffixes=(".tar.gz", ".tgz", ".tar"))
    return parse_scrape(data, what=name, publisher=PUBLISHER, read=read)
