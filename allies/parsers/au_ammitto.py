"""The ammitto scrape of DFAT's Consolidated List (github.com/ammitto/data-au), one YAML per Reference.

Real copy: ``$TRACKER_DATA_DIR/allied/au/ammitto-data-au_2026-08-22/processed.tar.gz`` (3,856 documents,
fetched 2026-08-22, from DFAT's Australian_Sanctions_Consolidated_List.xlsx)::

    reference: '6830'             entity_type: person | organization | vessel
    names: [{text, name_type (Primary Name | Alias | Original Script), script, alias_strength}]
    dates_of_birth: [{raw_value, year, month, day, precision, ...}]
    places_of_birth: [{raw_value, country}]   citizenships: [..]   address   additional_info
    sanction: {listing_information, committees, control_date (yyyy-mm-dd), instrument,
               targeted_financial_sanction, travel_ban, arms_embargo, maritime_restriction}
    imo_number   previous_names: [..]

Read as DFAT's own columns are (``allies.parsers.au``): ``listing_information`` is DFAT's text and gives
the listing and relisting dates, ``committees`` the regime, ``control_date`` the last change. What the
converter derives is not carried over: its split of the birth dates (``year``, ``precision``: it marks
"1949-12-01" as precise to the year) is replaced by a parse of ``raw_value``, and its ``instrument``
(cut from the listing information) and measure flags (no DFAT column in the xlsx of 2024) are dropped.
Records share keys (the Reference) with ``au_dfat_xlsx``.
"""

from __future__ import annotations

from collections import Counter

from allies.dates import free_text_birth_dates, listing_information_dates, parse_iso
from allies.parsers import au
from allies.parsers.ammitto import Doc, parse_scrape
from allies.parsers.common import RawBundle, Regimes, meaningful, other_names, pick_file, script_of, unique
from allies.records import (
    AddressRecord,
    AlliedDesignation,
    AlliedRecord,
    IdentifierRecord,
    NameRecord,
    ParsedAlliedSource,
    PlaceOfBirthRecord,
)

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "au-dfat-consolidated-ammitto"
PUBLISHER, LIST_SLUG = au.PUBLISHER, au.LIST_SLUG


def read(doc: Doc, regime_table: Regimes, stats: Counter) -> AlliedRecord:
    """One document -> one record (``ValueError`` for a document without what a record needs)."""
    reference = doc.text("reference", required=True)
    if au.base_reference(reference) != reference:
        raise ValueError(f"reference {reference!r} is not a DFAT reference")
    entity_type = doc.text("entity_type")
    kind = au.TYPES.get(entity_type.casefold())
    if kind is None:
        raise ValueError(f"unknown entity_type {entity_type!r}")

    names = []
    for item in doc.items("names"):
        text = item.text("text")
        name_type = item.text("name_type")
        strength = item.text("alias_strength")
        item.drop("script")  # read again from the characters, as for the other lists
        item.done()
        if text:
            names.append(au.name_record(text, name_type, strength=strength))
    primary = next((name for name in names if name.kind == "primary"), None)
    if primary is None:
        if not names:
            raise ValueError("no name")
        stats["without_primary_name"] += 1
        primary = names[0]
    former = [NameRecord(name=name, kind="former", script=script_of(name)) for name in doc.texts("previous_names")]

    birth_dates = []
    for item in doc.items("dates_of_birth"):
        birth_dates.extend(free_text_birth_dates(item.text("raw_value")))
        item.drop("year", "month", "day", "precision", "circa", "year_range_from", "year_range_to")
        item.done()
    stats["birth_dates_text_only"] += sum(record.date_from is None for record in birth_dates)
    places = []
    for item in doc.items("places_of_birth"):
        if place := meaningful(item.text("raw_value")):
            places.append(PlaceOfBirthRecord(place=place))
        item.drop("country")  # the converter's guess (for "Sevastopol, Ukraine" it gives "Sevastopol")
        item.done()

    sanction = doc.mapping("sanction")
    if sanction is None:
        raise ValueError("no sanction")
    committees = sanction.text("committees", required=True)
    listing = sanction.text("listing_information")
    control_raw = sanction.text("control_date")
    control = parse_iso(control_raw) if control_raw else None
    if control_raw and control is None:
        stats["unreadable_control_date"] += 1
    sanction.drop("instrument", "targeted_financial_sanction", "travel_ban", "arms_embargo", "maritime_restriction")
    sanction.done()
    designation = AlliedDesignation(
        regime=committees,
        regime_code=regime_table.code(committees),
        reference=reference,
        dates=(*listing_information_dates(listing), *au.control_date(control, control_raw)),
        instrument=listing,
    )
    imo = doc.text("imo_number")
    address = meaningful(doc.text("address"))
    other = meaningful(doc.text("additional_info"))
    citizenships = unique(meaningful(value) for value in doc.texts("citizenships"))
    doc.done()
    aliases = list(other_names(names, primary))
    return AlliedRecord(
        publisher=PUBLISHER,
        list_slug=LIST_SLUG,
        source=SLUG,
        source_uid=reference,
        kind=kind,
        name=primary.name,
        aliases=tuple(dict.fromkeys(n for n in [*aliases, *former] if n.kind != "original_script")),
        non_latin_names=tuple(dict.fromkeys(n for n in aliases if n.kind == "original_script")),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        places_of_birth=tuple(dict.fromkeys(places)),
        citizenships=citizenships,
        identifiers=(IdentifierRecord(kind="IMO number", value=imo),) if imo else (),
        addresses=(AddressRecord(street=address),) if address else (),
        designations=(designation,),
        other_information=other,
        references=(("dfat_reference", reference),),
    )


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read the Australian scrape's tar.gz into one record per Reference."""
    name, data = pick_file(raw, what=SLUG, suffixes=(".tar.gz", ".tgz", ".tar"))
    return parse_scrape(data, what=name, publisher=PUBLISHER, read=read)
