"""FollowTheMoney (FtM) JSON lines of designees and their sanctions.

``ftm_entities(designees)`` yields one FtM entity (``{"id", "schema", "properties"}`` with lists of
strings) per designee, then one ``Sanction`` entity per designation, linked by ``entity``. Schemas and
property names follow alephdata/followthemoney's ``followthemoney/schema/*.yaml``: ``Thing`` (name,
alias, previousName, weakAlias, country, address, notes, topics), ``LegalEntity``
(idNumber, taxNumber, registrationNumber, email, phone, website, swiftBic, dunsCode), ``Person`` (title,
birthDate, birthPlace, birthCountry, nationality, citizenship, passportNumber, gender), ``Organization``
(imoNumber), ``Vehicle`` (registrationNumber, type, model), ``Vessel`` (imoNumber, mmsi, callSign, flag,
tonnage, grossRegisteredTonnage), ``Airplane`` (serialNumber) and ``Sanction`` (entity, authority,
program, provisions, status, reason, listingDate, and startDate, endDate, summary, sourceUrl from
``Interval``). The package itself is not a dependency.

Dates follow FtM's prefix convention: ``1955`` or ``1980-12`` for a year or month. A listing known only
as a bracket between two list snapshots (``range``) or as "on or before the first snapshot" has no
``startDate``/``listingDate``: its bracket goes into ``summary`` instead, since the end of a bracket is
not the day of the listing. A delisting bracket does give ``endDate`` (its end, by which the designation
had certainly ended), so that no consumer reads a delisted designation as still in force. The
``sanction`` topic is set only on designees with an active designation. Digital-currency addresses are
not exported (FtM models them as separate ``CryptoWallet`` entities).

Birth dates (``ftm_birth_date``). FtM's ``date`` type is a single prefix with no interval and no
"approximately"; several values of ``birthDate`` are read as alternatives (as OFAC's "alt. DOB"). So:

- a date known to the day, month or year is one value at that precision (``1980-12-24``, ``1980-12``,
  ``1955``);
- a range is given by the values that cover it and nothing outside it at their precision: the month or
  year it lies in ("01 Feb 1958 to 28 Feb 1958" is ``1958-02``; "01 Jan 1970 to 31 Dec 1970" ``1970``),
  or, across years, every year of it ("1966 to 1968" is ``1966``, ``1967``, ``1968``, never the two bounds
  alone as if they were two unrelated dates of birth; a span over ``MAX_BIRTH_RANGE_YEARS`` gives none);
- "circa" keeps the stated date, since a matcher should still find it, and is marked approximate.

A range or a circa date also adds to ``notes`` the text as published with what the values cannot say,
in one fixed form: ``Birth date: <as published> (approximate; range <first day> to <last day>)`` (either
part alone when only one applies). A consumer reads there that it was a range, its exact bounds, and that
it is approximate; a text that could not be read is kept there as ``Birth date: <as published>``.

Relationships (``ftm_relationship_entities``). A link a designee publishes ("Linked To") becomes an FtM
relationship entity right after the designee's sanctions, with the schema that fits its kind and both
ends (``Family``, ``Associate``, ``Ownership``, ``Representation``, ``Directorship``), else
``UnknownLink`` (subject: the designee publishing the link, object: the other; ``role``: the kind as
named, "Linked to"). Only links whose other end is a designee of the same export become entities, so
every edge points at an entity in the file; a link to a name the tracker has not resolved, or to a
designee left out of the export, is kept as a note of the designee (``Linked to: <name as published>``)
rather than as an invented entity that would look like a listed party.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from designations.exports.tabular import source_documents_by_designation
from designations.models import (
    Address,
    Alias,
    BirthDate,
    DatePrecision,
    Designation,
    Designee,
    DesigneeCountry,
    Identifier,
    PlaceOfBirth,
    Relationship,
)
from programs.models import Agency
from tracker.csv import ROWS_PER_WRITE, group_values, value_chunks

# --------------------------------------------------------------------------------------------------
# FollowTheMoney
# --------------------------------------------------------------------------------------------------

FTM_SCHEMA = {
    Designee.Kind.INDIVIDUAL: "Person",
    Designee.Kind.ENTITY: "Organization",
    Designee.Kind.VESSEL: "Vessel",
    Designee.Kind.AIRCRAFT: "Airplane",
}
_THING = {"name", "alias", "previousName", "weakAlias", "country", "address", "notes", "topics", "sourceUrl"}
_LEGAL_ENTITY = _THING | {
    "idNumber",
    "taxNumber",
    "registrationNumber",
    "email",
    "phone",
    "website",
    "swiftBic",
    "dunsCode",
}
_VEHICLE = _THING | {"registrationNumber", "type", "model"}
_INTERVAL = {"startDate", "endDate", "date", "summary", "recordId", "sourceUrl"}
_INTEREST = _INTERVAL | {"role", "status"}
FTM_PROPERTIES = {
    "Person": _LEGAL_ENTITY
    | {"title", "birthDate", "birthPlace", "birthCountry", "nationality", "citizenship", "passportNumber", "gender"},
    "Organization": _LEGAL_ENTITY | {"imoNumber"},
    "Vessel": _VEHICLE | {"imoNumber", "mmsi", "callSign", "flag", "tonnage", "grossRegisteredTonnage"},
    "Airplane": _VEHICLE | {"serialNumber"},
    # Relationship entities (``Interval``; ``Interest`` adds role and status).
    "UnknownLink": _INTEREST | {"subject", "object"},
    "Ownership": _INTEREST | {"owner", "asset"},
    "Directorship": _INTEREST | {"director", "organization"},
    "Representation": _INTEREST | {"agent", "client"},
    "Family": _INTERVAL | {"person", "relative", "relationship"},
    "Associate": _INTERVAL | {"person", "associate", "relationship"},
}

# Identifier kinds as OFAC publishes them -> the FtM property. Anything else is an ``idNumber``.
_IDENTIFIER_PROPERTIES = {
    "passport": "passportNumber",
    "diplomatic passport": "passportNumber",
    "tax id no.": "taxNumber",
    "r.f.c.": "taxNumber",
    "rfc": "taxNumber",
    "nit #": "taxNumber",
    "ruc #": "taxNumber",
    "v.a.t. number": "taxNumber",
    "italian fiscal code": "taxNumber",
    "registration number": "registrationNumber",
    "business registration number": "registrationNumber",
    "business registration document #": "registrationNumber",
    "company number": "registrationNumber",
    "uk company number": "registrationNumber",
    "commercial registry number": "registrationNumber",
    "registration id": "registrationNumber",
    "business number": "registrationNumber",
    "public registration number": "registrationNumber",
    "enterprise number": "registrationNumber",
    "unified social credit code (uscc)": "registrationNumber",
    "folio mercantil no.": "registrationNumber",
    "matricula mercantil no": "registrationNumber",
    "chamber of commerce number": "registrationNumber",
    "trade license no.": "registrationNumber",
    "c.r. no.": "registrationNumber",
    "aircraft tail number": "registrationNumber",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "mmsi": "mmsi",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "telephone": "phone",
    "fax": "phone",
    "swift/bic": "swiftBic",
    "d-u-n-s number": "dunsCode",
}
_COUNTRY_ROLE_PROPERTIES = {
    DesigneeCountry.Role.NATIONALITY: "nationality",
    DesigneeCountry.Role.CITIZENSHIP: "citizenship",
    DesigneeCountry.Role.PLACE_OF_BIRTH: "birthCountry",
    DesigneeCountry.Role.FLAG: "flag",
}
_UNSAFE_ID_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def ftm_entity_id(designee: dict) -> str:
    """``<source>-<source uid>`` (``ofac-sdn-29220``), or ``tracker-designee-<pk>`` for a curated designee."""
    if designee["source"] and designee["source_uid"]:
        return _UNSAFE_ID_CHARACTERS.sub("-", f"{designee['source']}-{designee['source_uid']}")
    return f"tracker-designee-{designee['id']}"


_FTM_DESIGNEE_FIELDS = (
    "id",
    "kind",
    "name",
    "title",
    "gender",
    "remarks",
    "call_sign",
    "vessel_type",
    "vessel_owner",
    "tonnage",
    "gross_registered_tonnage",
    "aircraft_model",
    "aircraft_operator",
    "source",
    "source_uid",
)
_FTM_RELATIONSHIP_FIELDS = (
    "kind",
    "to_name",
    "to_designee_id",
    "to_designee__kind",
    "to_designee__source",
    "to_designee__source_uid",
    "to_exported",
)
_FTM_DESIGNATION_FIELDS = (
    "id",
    "status",
    "agency",
    "program__code",
    "authority__name",
    "reason",
    "legal_basis",
    "listed_on",
    "listed_precision",
    "listed_earliest",
    "delisted_on",
    "delisted_precision",
    "delisted_earliest",
)


def _ftm_related(ids: list[int], exported: QuerySet[Designee]) -> dict[str, dict[int, list[dict]]]:
    """The child rows of a chunk of designees, one query per table, grouped by designee id.

    Each relationship says whether its other end is one of ``exported`` (``to_exported``), in the same query.
    """

    def rows(model, *fields: str, order: Sequence[str] = ("pk",)) -> dict[int, list[dict]]:
        return group_values(model.objects.filter(designee_id__in=ids).order_by(*order), "designee_id", *fields)

    relationships = (
        Relationship.objects.filter(from_designee_id__in=ids)
        .annotate(to_exported=Exists(exported.order_by().filter(pk=OuterRef("to_designee_id"))))
        .order_by("pk")
    )

    return {
        "aliases": rows(Alias, "name", "kind", "strength"),
        "identifiers": rows(Identifier, "kind", "value"),
        "countries": rows(DesigneeCountry, "country__code", "role", order=("role", "country__code")),
        "addresses": rows(Address, "street", "city", "country_text"),
        "birth_dates": rows(BirthDate, "raw", "date_from", "date_to", "precision", "is_range", "circa"),
        "places_of_birth": rows(PlaceOfBirth, "place"),
        "designations": rows(Designation, *_FTM_DESIGNATION_FIELDS),
        "relationships": group_values(relationships, "from_designee_id", *_FTM_RELATIONSHIP_FIELDS),
    }


def ftm_entities(designees: QuerySet[Designee]) -> Iterator[dict]:
    """Each designee of ``designees`` (by id) as an FtM entity, followed by its ``Sanction`` entities and the
    relationship entities of the links it publishes to other designees of ``designees``.

    Costs ten queries per ``CHUNK_SIZE`` designees.
    """
    for chunk in value_chunks(designees.order_by("pk"), _FTM_DESIGNEE_FIELDS):
        related = _ftm_related([row["id"] for row in chunk], designees)
        designations = related["designations"]
        documents = source_documents_by_designation(d["id"] for group in designations.values() for d in group)
        for row in chunk:
            entity = ftm_designee_entity(row, {name: groups.get(row["id"], []) for name, groups in related.items()})
            yield entity
            for designation in designations.get(row["id"], []):
                yield ftm_sanction_entity(designation, entity["id"], documents.get(designation["id"], []))
            yield from ftm_relationship_entities(entity, related["relationships"].get(row["id"], []))


def ftm_lines(designees: QuerySet[Designee]) -> Iterator[str]:
    """JSON lines, in pieces of ``ROWS_PER_WRITE`` entities."""
    lines: list[str] = []
    for entity in ftm_entities(designees):
        lines.append(json.dumps(entity, ensure_ascii=False, separators=(",", ":")) + "\n")
        if len(lines) == ROWS_PER_WRITE:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


class _Properties(dict):
    """FtM properties: lists of distinct non-empty strings, kept only if the schema has the property."""

    def __init__(self, schema: str) -> None:
        super().__init__()
        self.allowed = FTM_PROPERTIES.get(schema)

    def add(self, name: str, *values: Any) -> bool:
        """Add ``values`` to ``name``; False (and nothing added) when the schema has no such property."""
        if self.allowed is not None and name not in self.allowed:
            return False
        for value in values:
            text = str(value).strip() if value is not None else ""
            if text and text not in self.setdefault(name, []):
                self[name].append(text)
        if name in self and not self[name]:
            del self[name]
        return True


_DATE_PREFIX = {DatePrecision.DAY: 10, "": 10, DatePrecision.MONTH: 7, DatePrecision.YEAR: 4}


def _ftm_date(value: datetime.date | None, precision: str) -> str | None:
    """A date at the precision it is known (an FtM prefix), or None when only a bound is known."""
    cut = _DATE_PREFIX.get(precision)
    if value is None or cut is None:
        return None
    return value.isoformat()[:cut]


# A range of birth dates longer than this many years is given only in ``notes``: listing every year would
# offer a matcher a span too wide to say anything. The longest range on the 2024 list spans nine years.
MAX_BIRTH_RANGE_YEARS = 10


def _range_prefixes(start: datetime.date, end: datetime.date) -> list[str]:
    """The FtM dates that together cover ``start``..``end`` and nothing else at their precision.

    1. Within one month: that month (``01 Oct 1992 to 31 Oct 1992`` is ``1992-10``).
    2. Within one year: that year (``01 Jan 1970 to 31 Dec 1970`` is ``1970``).
    3. Across years: each year from the first to the last (``1966 to 1968`` is ``1966``, ``1967``,
       ``1968``): FtM reads several birth dates as alternatives, and every year of the range is one.
    """
    if (start.year, start.month) == (end.year, end.month):
        return [start.isoformat()[:10] if start == end else start.isoformat()[:7]]
    if start.year == end.year:
        return [str(start.year)]
    if end.year - start.year + 1 > MAX_BIRTH_RANGE_YEARS:
        return []
    return [f"{year:04d}" for year in range(start.year, end.year + 1)]


def ftm_birth_date(birth_date: dict) -> tuple[list[str], str | None]:
    """One published birth date as FtM ``birthDate`` values and, unless the values say it all, a note.

    A single date is one value at its precision (``1955``, ``1980-12``, ``1980-12-24``), with no note. A
    range gives the dates that cover it (``_range_prefixes``) and the note
    ``Birth date: <as published> (range <first day> to <last day>)``; a circa date gives its stated date and
    ``Birth date: <as published> (approximate)``; a circa range both qualifiers. A text that could not be
    read gives no value and ``Birth date: <as published>``.
    """
    raw = " ".join(birth_date["raw"].split())
    start, end = birth_date["date_from"], birth_date["date_to"]
    if start is None:
        return [], f"Birth date: {raw}" if raw else None
    qualifiers = ["approximate"] if birth_date["circa"] else []
    if birth_date["is_range"]:
        end = end or start
        values = _range_prefixes(start, end)
        qualifiers.append(f"range {start.isoformat()} to {end.isoformat()}")
    else:
        values = [value for value in [_ftm_date(start, birth_date["precision"])] if value]
    return values, f"Birth date: {raw} ({'; '.join(qualifiers)})" if qualifiers else None


def _identifier_property(kind: str, value: str) -> tuple[str, str]:
    kind = kind.strip().lower()
    if kind == "vessel registration identification":
        # OFAC writes a vessel's IMO number as "IMO 9379636".
        if value.upper().startswith("IMO "):
            return "imoNumber", value[4:]
        return "registrationNumber", value
    return _IDENTIFIER_PROPERTIES.get(kind, "idNumber"), value


def ftm_designee_entity(designee: dict, related: dict[str, list[dict]]) -> dict:
    """One designee (a ``values()`` row, with its child rows in ``related``) as an FtM entity."""
    schema = FTM_SCHEMA[designee["kind"]]
    props = _Properties(schema)
    props.add("name", designee["name"])
    for alias in related["aliases"]:
        if alias["strength"] == Alias.Strength.WEAK:
            props.add("weakAlias", alias["name"])
        elif alias["kind"] == Alias.Kind.FKA:
            props.add("previousName", alias["name"])
        else:
            props.add("alias", alias["name"])
    for identifier in related["identifiers"]:
        if identifier["kind"].strip().lower().startswith("digital currency address"):
            continue
        prop, value = _identifier_property(identifier["kind"], identifier["value"])
        if not props.add(prop, value) and not props.add("idNumber", value):
            props.add("notes", f"{identifier['kind']}: {identifier['value']}")
    for link in related["countries"]:
        code = link["country__code"].lower()
        if not props.add(_COUNTRY_ROLE_PROPERTIES.get(link["role"], "country"), code):
            props.add("country", code)
    for address in related["addresses"]:
        parts = (address["street"], address["city"], address["country_text"])
        props.add("address", ", ".join(part for part in parts if part))
    for birth_date in related["birth_dates"]:
        values, note = ftm_birth_date(birth_date)
        if props.add("birthDate", *values) and note:
            props.add("notes", note)
    props.add("birthPlace", *(place["place"] for place in related["places_of_birth"]))
    props.add("title", designee["title"])
    props.add("gender", designee["gender"])
    props.add("type", designee["vessel_type"])
    props.add("model", designee["aircraft_model"])
    props.add("callSign", designee["call_sign"])
    props.add("tonnage", designee["tonnage"])
    tonnage = designee["gross_registered_tonnage"].replace(",", "")
    props.add("grossRegisteredTonnage", tonnage if tonnage.isdigit() else None)
    if designee["vessel_owner"]:
        props.add("notes", f"Owner: {designee['vessel_owner']}")
    if designee["aircraft_operator"]:
        props.add("notes", f"Operator: {designee['aircraft_operator']}")
    props.add("notes", designee["remarks"])
    for relationship in related["relationships"]:
        if not relationship["to_exported"]:
            # No entity to point at: the link is kept, as published, on this entity.
            props.add("notes", f"{Relationship.Kind(relationship['kind']).label}: {relationship['to_name']}")
    if any(designation["status"] == Designation.Status.ACTIVE for designation in related["designations"]):
        props.add("topics", "sanction")
    return {"id": ftm_entity_id(designee), "schema": schema, "properties": dict(props)}


def ftm_sanction_entity(designation: dict, entity_id: str, documents: list[dict]) -> dict:
    """One designation (a ``values()`` row) as a ``Sanction`` entity of ``entity_id``."""
    props = _Properties("Sanction")
    props.add("entity", entity_id)
    props.add("authority", Agency(designation["agency"]).label, designation["authority__name"])
    props.add("program", designation["program__code"])
    props.add("status", designation["status"])
    props.add("reason", designation["reason"])
    props.add("provisions", designation["legal_basis"])
    listed_on, earliest = designation["listed_on"], designation["listed_earliest"]
    listed = _ftm_date(listed_on, designation["listed_precision"])
    props.add("startDate", listed)
    props.add("listingDate", listed)
    if listed_on and not listed:
        props.add(
            "summary", f"Listed between {earliest} and {listed_on}" if earliest else f"Listed on or before {listed_on}"
        )
    delisted_on, earliest = designation["delisted_on"], designation["delisted_earliest"]
    if delisted_on:
        ended = _ftm_date(delisted_on, designation["delisted_precision"])
        props.add("endDate", ended or delisted_on.isoformat())
        if not ended and earliest:
            props.add("summary", f"Delisted between {earliest} and {delisted_on}")
    props.add("sourceUrl", *(document["url"] for document in documents))
    return {"id": f"{entity_id}-sanction-{designation['id']}", "schema": "Sanction", "properties": dict(props)}


# Relationship.Kind -> (FtM schema, property of the designee that publishes the link, property of the other
# end, schemas allowed at the first end, schemas allowed at the other). FtM's ranges decide: ``Ownership``
# needs an ``Asset`` (a vessel or an aircraft; an ``Organization`` is not one), ``Family`` and ``Associate``
# two people, ``Directorship`` an ``Organization`` to direct, ``Representation`` two legal entities.
_PEOPLE = frozenset({"Person"})
_ORGANIZATIONS = frozenset({"Organization"})
_LEGAL_ENTITIES = _PEOPLE | _ORGANIZATIONS
_ASSETS = frozenset({"Vessel", "Airplane"})
_RELATIONSHIP_SCHEMAS: dict[str, tuple[str, str, str, frozenset[str], frozenset[str]]] = {
    Relationship.Kind.OWNED_BY: ("Ownership", "asset", "owner", _ASSETS, _LEGAL_ENTITIES),
    Relationship.Kind.FAMILY: ("Family", "person", "relative", _PEOPLE, _PEOPLE),
    Relationship.Kind.ASSOCIATE: ("Associate", "person", "associate", _PEOPLE, _PEOPLE),
    Relationship.Kind.ACTING_FOR: ("Representation", "agent", "client", _LEGAL_ENTITIES, _LEGAL_ENTITIES),
    Relationship.Kind.LEADER: ("Directorship", "director", "organization", _LEGAL_ENTITIES, _ORGANIZATIONS),
}


def ftm_relationship_entities(entity: dict, relationships: list[dict]) -> Iterator[dict]:
    """The links ``entity`` publishes to other exported designees (``values()`` rows of ``Relationship``), as
    FtM relationship entities.

    The schema is the one that fits the kind and both ends (``_RELATIONSHIP_SCHEMAS``), else ``UnknownLink``
    (subject: the designee that publishes the link; object: the other). ``role`` carries the published kind
    ("Linked to") where the schema has it. Ids are ``<entity id>-<kind>-<other entity id>``
    (``ofac-sdn-15006-linked-to-ofac-sdn-6908``): made of source ids, they stay the same across imports; the
    same link published twice is one entity. A link to a party that is not an exported designee gives no
    entity (an FtM link needs an entity at both ends, and one made up from a bare name would look like a
    listed party); ``ftm_designee_entity`` keeps it in ``notes``.
    """
    seen: set[str] = set()
    for relationship in relationships:
        if not relationship["to_exported"]:
            continue
        other_id = ftm_entity_id(
            {
                "id": relationship["to_designee_id"],
                "source": relationship["to_designee__source"],
                "source_uid": relationship["to_designee__source_uid"],
            }
        )
        kind = Relationship.Kind(relationship["kind"])
        link_id = f"{entity['id']}-{kind.value.replace('_', '-')}-{other_id}"
        if link_id in seen:
            continue
        seen.add(link_id)
        schema, this_end, other_end, these, others = _RELATIONSHIP_SCHEMAS.get(
            kind, ("UnknownLink", "subject", "object", frozenset(), frozenset())
        )
        if entity["schema"] not in these or FTM_SCHEMA[relationship["to_designee__kind"]] not in others:
            schema, this_end, other_end = "UnknownLink", "subject", "object"
        props = _Properties(schema)
        props.add(this_end, entity["id"])
        props.add(other_end, other_id)
        props.add("role", kind.label)
        yield {"id": link_id, "schema": schema, "properties": dict(props)}
