"""The ammitto scrape of Canada's sema-lmes.xml (github.com/ammitto/data-ca), one YAML per record.

Real copy: ``$TRACKER_DATA_DIR/allied/ca/ammitto-data-ca_2026-08-22/processed.tar.gz`` (5,690 documents,
fetched 2026-08-22). Each document is one ``record`` of the XML with its element names in snake case:
``country``, ``last_name``, ``given_name``, ``entity_or_ship``, ``date_of_birth_or_ship_build_date``,
``schedule``, ``item``, ``date_of_listing``. **Aliases and titles are dropped** by the converter
(PROVENANCE.md). Records share keys with ``ca_sema_xml`` and are read by the same code (``allies.parsers.ca``).
"""

from __future__ import annotations

from collections import Counter

from allies.parsers import ca
from allies.parsers.ammitto import Doc, parse_scrape
from allies.parsers.common import RawBundle, Regimes, pick_file
from allies.records import AlliedRecord, ParsedAlliedSource

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "ca-sema-lmes-ammitto"
PUBLISHER, LIST_SLUG = ca.PUBLISHER, ca.LIST_SLUG


def read(doc: Doc, regime_table: Regimes, stats: Counter) -> AlliedRecord:
    return ca.read(doc, regime_table, stats, source=SLUG)


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read the Canadian scrape's tar.gz into one record per listing."""
    name, data = pick_file(raw, what=SLUG, suffixes=(".tar.gz", ".tgz", ".tar"))
    return parse_scrape(data, what=name, publisher=PUBLISHER, read=read)
