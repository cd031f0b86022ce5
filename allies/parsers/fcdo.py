"""The FCDO's UK Sanctions List: what its CSV, XML and the ammitto scrape share.

The UK Sanctions List has one designation per ``Unique ID`` (``GHR0078``): one regime each, so a person
under two regimes has two Unique IDs sharing one ``OFSI Group ID`` (BEL0047 and GHR0051 for Viktor
LUKASHENKO). The three formats are read into an ``Entry`` and turned into a record by ``build``, so the
same designation reads the same whichever format it came in.

Field meanings follow the FCDO's own description of the list's format (gov.uk, "UK Sanctions List:
change to the list's format", updated 17 February 2022): names in six parts with a ``Name type`` of
Primary name, Primary name variation or Alias, an ``Alias strength`` where known, ``Date Designated``
and ``Last Updated`` in dd/mm/yyyy, ``Sanctions Imposed`` separated by "|".
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from allies.dates import uk_birth_date
from allies.parsers.common import Regimes, gender, join_name, other_names, script_of, unique
from allies.records import (
    AddressRecord,
    AlliedDesignation,
    AlliedRecord,
    IdentifierRecord,
    ListingDate,
    NameRecord,
    PlaceOfBirthRecord,
)

PUBLISHER = "uk"
LIST_SLUG = "uk-sanctions-list"

DESIGNATION_TYPES = {"individual": "individual", "entity": "entity", "ship": "vessel"}
NAME_TYPES = {"primary name": "primary", "primary name variation": "primary_variation", "alias": "alias"}
NAME_FIELDS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")


@dataclass
class Entry:
    """One designation of the UK Sanctions List, as text, whatever the format it was read from."""

    unique_id: str = ""
    group_ids: list[str] = field(default_factory=list)
    un_references: list[str] = field(default_factory=list)
    names: list[tuple[tuple[tuple[str, str], ...], str, str]] = field(default_factory=list)  # parts, type, strength
    non_latin: list[tuple[str, str, str]] = field(default_factory=list)  # name, script type, language
    titles: list[str] = field(default_factory=list)
    regimes: list[str] = field(default_factory=list)
    designation_types: list[str] = field(default_factory=list)
    designation_sources: list[str] = field(default_factory=list)
    sanctions_imposed: list[str] = field(default_factory=list)
    other_information: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    addresses: list[tuple[str, ...]] = field(default_factory=list)  # lines 1-6, postal code, country
    dates_designated: list[str] = field(default_factory=list)
    last_updated: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    passports: list[tuple[str, str]] = field(default_factory=list)  # number, additional information
    national_ids: list[tuple[str, str]] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    genders: list[str] = field(default_factory=list)
    birth_places: list[tuple[str, str]] = field(default_factory=list)  # town, country
    registration_numbers: list[str] = field(default_factory=list)
    imo_numbers: list[str] = field(default_factory=list)


def _dates(values: list[str], kind: str, parse: Callable[[str], datetime.date | None], stats: Counter):
    found = []
    for raw in unique(values):
        day = parse(raw)
        if day is None:
            stats[f"unreadable_{kind}"] += 1
            continue
        found.append(ListingDate(kind=kind, date=day, raw=raw))
    if len(found) > 1:
        stats[f"several_{kind}"] += 1
    return found[:1]


def build(
    entry: Entry,
    *,
    source: str,
    regime_table: Regimes,
    parse_date: Callable[[str], datetime.date | None],
    stats: Counter,
) -> AlliedRecord:
    """The record of one designation; ``ValueError`` when it lacks what a record needs."""
    if not entry.unique_id:
        raise ValueError("no Unique ID")
    types = unique(entry.designation_types)
    if not types or types[0].casefold() not in DESIGNATION_TYPES:
        raise ValueError(f"unknown designation type {types[0] if types else ''!r}")
    regimes_ = unique(entry.regimes)
    if len(regimes_) != 1:
        raise ValueError(f"expected one regime, got {list(regimes_)}")

    names: dict[tuple[str, str, str], NameRecord] = {}
    for parts, name_type, strength in entry.names:
        name = join_name(value for _, value in parts)  # parts come in NAME_FIELDS order: Name 1..5, Name 6
        if not name:
            continue
        kind = NAME_TYPES.get(name_type.casefold())  # "ALias" occurs in the published list
        if kind is None:
            stats["unknown_name_types"] += 1
            kind = "alias"
        key = (name, kind, strength)
        if key not in names:
            names[key] = NameRecord(
                name=name,
                kind=kind,
                parts=parts,
                quality=strength,
                weak=strength.casefold().startswith("low"),
                script=script_of(name),
            )
    ordered = list(names.values())
    primary = next((name for name in ordered if name.kind == "primary"), None)
    if primary is None:
        if not ordered:
            raise ValueError("no name")
        stats["without_primary_name"] += 1
        primary = ordered[0]

    regime = regimes_[0]
    code = regime_table.code(regime)
    dates = _dates(entry.dates_designated, "listed", parse_date, stats)
    dates += _dates(entry.last_updated, "last_updated", parse_date, stats)
    measures = unique(item.strip() for value in entry.sanctions_imposed for item in value.split("|"))
    designation = AlliedDesignation(
        regime=regime,
        regime_code=code,
        reference=entry.unique_id,
        dates=tuple(dates),
        measures=measures,
        origin=", ".join(unique(entry.designation_sources)),
    )
    identifiers = [
        IdentifierRecord(kind="Passport", value=number, note=note) for number, note in dict.fromkeys(entry.passports)
    ]
    identifiers += [
        IdentifierRecord(kind="National Identifier", value=number, note=note)
        for number, note in dict.fromkeys(entry.national_ids)
    ]
    identifiers += [
        IdentifierRecord(kind="Business registration number", value=v) for v in unique(entry.registration_numbers)
    ]
    identifiers += [IdentifierRecord(kind="IMO number", value=v) for v in unique(entry.imo_numbers)]
    genders = unique(gender(value) for value in entry.genders)
    references = [("uk_sanctions_list_ref", entry.unique_id)]
    references += [("ofsi_group_id", value) for value in unique(entry.group_ids)]
    references += [("un_reference", value) for value in unique(entry.un_references)]
    return AlliedRecord(
        publisher=PUBLISHER,
        list_slug=LIST_SLUG,
        source=source,
        source_uid=entry.unique_id,
        kind=DESIGNATION_TYPES[types[0].casefold()],
        name=primary.name,
        name_parts=primary.parts,
        aliases=other_names(ordered, primary),
        non_latin_names=tuple(
            NameRecord(name=text, kind="original_script", script=script_of(text), language=language)
            for text, _script, language in dict.fromkeys(entry.non_latin)
            if text
        ),
        birth_dates=tuple(record for record in map(uk_birth_date, unique(entry.birth_dates)) if record),
        places_of_birth=tuple(
            PlaceOfBirthRecord(place=", ".join(part for part in (town, country) if part), country=country)
            for town, country in dict.fromkeys(entry.birth_places)
            if town or country
        ),
        nationalities=unique(entry.nationalities),
        identifiers=tuple(identifiers),
        addresses=tuple(
            AddressRecord(
                street=", ".join(part for part in address[:5] if part),
                city=", ".join(part for part in address[5:7] if part),
                country=address[7],
            )
            for address in dict.fromkeys(entry.addresses)
            if any(address)
        ),
        positions=unique(entry.positions),
        titles=unique(entry.titles),
        gender=genders[0] if len(genders) == 1 else "",
        designations=(designation,),
        reasons="\n\n".join(unique(entry.reasons)),
        other_information="\n\n".join(unique(entry.other_information)),
        references=tuple(references),
    )
