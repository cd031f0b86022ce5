"""The ammitto scrape of the FCDO's UK Sanctions List (github.com/ammitto/data-uk), one YAML per Unique ID.

Real copy: ``$TRACKER_DATA_DIR/allied/uk/ammitto-data-uk_2026-08-22/processed.tar.gz`` (6,349 documents,
fetched 2026-08-22). Each document is one UK Sanctions List designation (``ghr0078.yaml``)::

    unique_id: GHR0078            ofsi_group_id: '14078'       un_reference_number: ...
    date_designated: '2021-03-22' last_updated: '2025-04-09'  (ISO dates, where the list writes dd/mm/yyyy)
    names: {names: [{name1..name6, name_type, alias_strength}]}
    non_latin_names: {names: [{name_non_latin_script}]}
    regime_name, individual_entity_ship, designation_source, sanctions_imposed ("a|b"),
    sanctions_imposed_indicators: {asset_freeze: true, ...}, other_information, uk_statement_of_reasons,
    addresses: {addresses: [{address_line1..6, address_postal_code, address_country}]}

The converter drops dates of birth, nationalities, identifiers, positions and places of birth; the README
names OFSI's ConList.xml as its source but the fields are the UK Sanctions List's (PROVENANCE.md). Records
share keys (Unique ID) with the FCDO CSV and XML parsers and are built by the same code
(``allies.parsers.fcdo``).
"""

from __future__ import annotations

from collections import Counter

from allies.dates import parse_iso
from allies.parsers import fcdo
from allies.parsers.ammitto import Doc, parse_scrape
from allies.parsers.common import RawBundle, Regimes, pick_file
from allies.records import AlliedRecord, ParsedAlliedSource

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "uk-sanctions-list-ammitto"
PUBLISHER, LIST_SLUG = fcdo.PUBLISHER, fcdo.LIST_SLUG
ADDRESS = (
    "address_line1", "address_line2", "address_line3", "address_line4", "address_line5", "address_line6",
    "address_postal_code", "address_country",
)  # fmt: skip


def read(doc: Doc, regime_table: Regimes, stats: Counter) -> AlliedRecord:
    """One document -> one record (``ValueError`` for a document without what a record needs)."""
    entry = fcdo.Entry(unique_id=doc.text("unique_id", required=True))
    for key, target in (
        ("ofsi_group_id", entry.group_ids),
        ("un_reference_number", entry.un_references),
        ("regime_name", entry.regimes),
        ("individual_entity_ship", entry.designation_types),
        ("designation_source", entry.designation_sources),
        ("sanctions_imposed", entry.sanctions_imposed),
        ("other_information", entry.other_information),
        ("uk_statement_of_reasons", entry.reasons),
        ("date_designated", entry.dates_designated),
        ("last_updated", entry.last_updated),
    ):
        if value := doc.text(key):
            target.append(value)
    names = doc.mapping("names")
    for name in names.items("names") if names else []:
        parts = tuple((f"Name {i}", value) for i in range(1, 7) if (value := name.text(f"name{i}")))
        entry.names.append((parts, name.text("name_type"), name.text("alias_strength")))
        name.done()
    if names:
        names.done()
    non_latin = doc.mapping("non_latin_names")
    for name in non_latin.items("names") if non_latin else []:
        entry.non_latin.append((name.text("name_non_latin_script"), "", ""))
        name.done()
    if non_latin:
        non_latin.done()
    addresses = doc.mapping("addresses")
    for address in addresses.items("addresses") if addresses else []:
        entry.addresses.append(tuple(address.text(key) for key in ADDRESS))
        address.done()
    if addresses:
        addresses.done()
    # The indicators restate "sanctions_imposed" as flags; the text is kept, the flags are not.
    doc.drop("sanctions_imposed_indicators")
    doc.done()
    return fcdo.build(entry, source=SLUG, regime_table=regime_table, parse_date=parse_iso, stats=stats)


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read the UK scrape's tar.gz into one record per Unique ID (see ``allies.parsers.ammitto``)."""
    name, data = pick_file(raw, what=SLUG, suffixes=(".tar.gz", ".tgz", ".tar"))
    return parse_scrape(data, what=name, publisher=PUBLISHER, read=read)
