"""Bulk exports: the CSV columns of the designations API, and FollowTheMoney (FtM) JSON lines of every designee.

CSV
---
The columns of the CSV exports of designations, designees, countries, source documents and the changes feed
(``*_CSV``; their names are part of the API). How exports are read, streamed and made safe for spreadsheets
(``csv_value``) is ``tracker.csv``'s.

FollowTheMoney
--------------
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
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from designations.models import (
    Address,
    Alias,
    BirthDate,
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    PlaceOfBirth,
)
from programs.models import Agency
from tracker.csv import ROWS_PER_WRITE, CsvSpec, field, group_values, value_chunks
from tracker.csv import csv_value as csv_value  # the cell writer, still importable from here

# --------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------


def _country_codes_by_designee(designee_ids: Iterable[int]) -> dict[int, list[str]]:
    links = DesigneeCountry.objects.filter(designee_id__in=designee_ids).order_by("country__code")
    codes: dict[int, list[str]] = {}
    for designee_id, code in links.values_list("designee_id", "country__code").distinct():
        codes.setdefault(designee_id, []).append(code)
    return codes


def _source_documents_by_designation(designation_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The distinct documents cited by each designation's events, by document id."""
    events = (
        DesignationEvent.objects.filter(designation_id__in=designation_ids, source_document__isnull=False)
        .order_by("designation_id", "source_document_id")
        .values("designation_id", "source_document_id", "source_document__url")
        .distinct()
    )
    documents: dict[int, list[dict]] = {}
    for event in events:
        documents.setdefault(event["designation_id"], []).append(
            {"id": event["source_document_id"], "url": event["source_document__url"]}
        )
    return documents


def _designation_related(chunk: list[dict]) -> None:
    countries = _country_codes_by_designee({row["designee_id"] for row in chunk})
    documents = _source_documents_by_designation(row["id"] for row in chunk)
    for row in chunk:
        row["countries"] = countries.get(row["designee_id"], [])
        row["documents"] = documents.get(row["id"], [])


_DESIGNATION_FIELDS = (
    "id",
    "designee_id",
    "designee__name",
    "designee__kind",
    "designee__entry_number",
    "program__code",
    "authority__code",
    "agency",
    "status",
    "listed_on",
    "listed_precision",
    "listed_earliest",
    "delisted_on",
    "delisted_precision",
    "delisted_earliest",
    "legal_basis",
    "reason",
    "source",
    "created_at",
    "updated_at",
)
DESIGNATION_CSV = CsvSpec(
    filename="designations.csv",
    columns=(
        ("id", field("id")),
        ("designee_id", field("designee_id")),
        ("designee_name", field("designee__name")),
        ("designee_kind", field("designee__kind")),
        ("entry_number", field("designee__entry_number")),
        ("program", field("program__code")),
        ("authority", field("authority__code")),
        ("agency", field("agency")),
        ("status", field("status")),
        ("listed_on", field("listed_on")),
        ("listed_precision", field("listed_precision")),
        ("listed_earliest", field("listed_earliest")),
        ("delisted_on", field("delisted_on")),
        ("delisted_precision", field("delisted_precision")),
        ("delisted_earliest", field("delisted_earliest")),
        ("countries", field("countries")),
        ("legal_basis", field("legal_basis")),
        ("reason", field("reason")),
        ("source", field("source")),
        ("source_document_ids", lambda row: [doc["id"] for doc in row["documents"]]),
        ("source_document_urls", lambda row: [doc["url"] for doc in row["documents"] if doc["url"]]),
        ("created_at", field("created_at")),
        ("updated_at", field("updated_at")),
    ),
    fields=_DESIGNATION_FIELDS,
    related=_designation_related,
)


def _designee_related(chunk: list[dict]) -> None:
    ids = [row["id"] for row in chunk]
    aliases = group_values(Alias.objects.filter(designee_id__in=ids).order_by("pk"), "designee_id", "name")
    identifiers = group_values(
        Identifier.objects.filter(designee_id__in=ids).order_by("pk"), "designee_id", "kind", "value"
    )
    links = group_values(
        DesigneeCountry.objects.filter(designee_id__in=ids).order_by("role", "country__code"),
        "designee_id",
        "country__code",
        "role",
    )
    designations = group_values(
        Designation.objects.filter(designee_id__in=ids).order_by("pk"), "designee_id", "id", "program__code", "status"
    )
    for row in chunk:
        pk = row["id"]
        row["aliases"] = [alias["name"] for alias in aliases.get(pk, [])]
        row["identifiers"] = [f"{i['kind']}: {i['value']}" for i in identifiers.get(pk, [])]
        row["countries"] = sorted({link["country__code"] for link in links.get(pk, [])})
        row["country_roles"] = [f"{link['country__code']}:{link['role']}" for link in links.get(pk, [])]
        row["programs"] = sorted({d["program__code"] for d in designations.get(pk, [])})
        row["active_programs"] = sorted(
            {d["program__code"] for d in designations.get(pk, []) if d["status"] == "active"}
        )
        row["designation_ids"] = [d["id"] for d in designations.get(pk, [])]


_DESIGNEE_FIELDS = (
    "id",
    "entry_number",
    "kind",
    "name",
    "title",
    "gender",
    "call_sign",
    "vessel_type",
    "vessel_flag",
    "vessel_owner",
    "tonnage",
    "gross_registered_tonnage",
    "aircraft_model",
    "aircraft_operator",
    "remarks",
    "source",
    "source_uid",
    "created_at",
    "updated_at",
)
_DESIGNEE_COLUMNS = (
    "id",
    "entry_number",
    "kind",
    "name",
    "title",
    "gender",
    "aliases",
    "identifiers",
    "countries",
    "country_roles",
    "programs",
    "active_programs",
    "designation_ids",
    *_DESIGNEE_FIELDS[6:],
)
DESIGNEE_CSV = CsvSpec(
    filename="designees.csv",
    columns=tuple((name, field(name)) for name in _DESIGNEE_COLUMNS),
    fields=_DESIGNEE_FIELDS,
    related=_designee_related,
)

COUNTRY_CSV = CsvSpec(
    filename="countries.csv",
    columns=(
        ("code", lambda c: c.code),
        ("name", lambda c: c.name),
        ("numeric", lambda c: c.numeric),
        ("active_designees", lambda c: getattr(c, "active_designees", None)),
    ),
)

SOURCE_DOCUMENT_CSV = CsvSpec(
    filename="source-documents.csv",
    columns=(
        ("id", lambda s: s.pk),
        ("kind", lambda s: s.kind),
        ("agency", lambda s: s.agency),
        ("source", lambda s: s.source),
        ("source_uid", lambda s: s.source_uid),
        ("title", lambda s: s.title),
        ("url", lambda s: s.url),
        ("published_on", lambda s: s.published_on),
        ("content_sha256", lambda s: s.content_sha256),
    ),
)

IMPORT_RUN_CSV = CsvSpec(
    filename="import-runs.csv",
    columns=(
        ("id", lambda r: r.pk),
        ("source", lambda r: r.source),
        ("status", lambda r: r.status),
        ("trigger", lambda r: r.trigger),
        ("as_of", lambda r: r.as_of),
        ("dry_run", lambda r: r.dry_run),
        ("started_at", lambda r: r.started_at),
        ("finished_at", lambda r: r.finished_at),
        ("raw_sha256", lambda r: r.raw_sha256),
        ("records", lambda r: r.records),
        ("created", lambda r: r.created),
        ("updated", lambda r: r.updated),
        ("unchanged", lambda r: r.unchanged),
        ("delisted", lambda r: r.delisted),
        ("skipped", lambda r: r.skipped),
        ("failed", lambda r: r.failed),
        ("warning_count", lambda r: len(r.warnings)),
        ("created_at", lambda r: r.created_at),
    ),
)

_CHANGE_FIELDS = (
    "id",
    "created_at",
    "kind",
    "occurred_on",
    "precision",
    "earliest",
    "designation_id",
    "designation__designee_id",
    "designation__designee__name",
    "designation__designee__entry_number",
    "designation__program__code",
    "designation__status",
    "source_document_id",
    "source_document__url",
    "import_run_id",
    "changes",
    "note",
)
CHANGE_CSV = CsvSpec(
    filename="changes.csv",
    columns=(
        *((name, field(name)) for name in _CHANGE_FIELDS[:7]),
        ("designee_id", field("designation__designee_id")),
        ("designee_name", field("designation__designee__name")),
        ("entry_number", field("designation__designee__entry_number")),
        ("program", field("designation__program__code")),
        ("designation_status", field("designation__status")),
        ("source_document_id", field("source_document_id")),
        ("source_document_url", field("source_document__url")),
        ("import_run_id", field("import_run_id")),
        ("changes", lambda row: row["changes"] or None),
        ("note", field("note")),
    ),
    fields=_CHANGE_FIELDS,
)


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
FTM_PROPERTIES = {
    "Person": _LEGAL_ENTITY
    | {"title", "birthDate", "birthPlace", "birthCountry", "nationality", "citizenship", "passportNumber", "gender"},
    "Organization": _LEGAL_ENTITY | {"imoNumber"},
    "Vessel": _VEHICLE | {"imoNumber", "mmsi", "callSign", "flag", "tonnage", "grossRegisteredTonnage"},
    "Airplane": _VEHICLE | {"serialNumber"},
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


def _ftm_related(ids: list[int]) -> dict[str, dict[int, list[dict]]]:
    """The child rows of a chunk of designees, one query per table, grouped by designee id."""

    def rows(model, *fields: str, order: Sequence[str] = ("pk",)) -> dict[int, list[dict]]:
        return group_values(model.objects.filter(designee_id__in=ids).order_by(*order), "designee_id", *fields)

    return {
        "aliases": rows(Alias, "name", "kind", "strength"),
        "identifiers": rows(Identifier, "kind", "value"),
        "countries": rows(DesigneeCountry, "country__code", "role", order=("role", "country__code")),
        "addresses": rows(Address, "street", "city", "country_text"),
        "birth_dates": rows(BirthDate, "date_from", "date_to", "precision", "is_range"),
        "places_of_birth": rows(PlaceOfBirth, "place"),
        "designations": rows(Designation, *_FTM_DESIGNATION_FIELDS),
    }


def ftm_entities(designees: QuerySet[Designee]) -> Iterator[dict]:
    """Each designee of ``designees`` (by id) as an FtM entity, followed by its ``Sanction`` entities.

    Costs nine queries per ``CHUNK_SIZE`` designees.
    """
    for chunk in value_chunks(designees.order_by("pk"), _FTM_DESIGNEE_FIELDS):
        related = _ftm_related([row["id"] for row in chunk])
        designations = related["designations"]
        documents = _source_documents_by_designation(d["id"] for group in designations.values() for d in group)
        for row in chunk:
            entity = ftm_designee_entity(row, {name: groups.get(row["id"], []) for name, groups in related.items()})
            yield entity
            for designation in designations.get(row["id"], []):
                yield ftm_sanction_entity(designation, entity["id"], documents.get(designation["id"], []))


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


def _birth_dates(birth_date: dict) -> list[str]:
    """``1955``, ``1980-12`` or a full date; both ends of a range ("1966 to 1968")."""
    values = [_ftm_date(birth_date["date_from"], birth_date["precision"])]
    if birth_date["is_range"]:
        values.append(_ftm_date(birth_date["date_to"], birth_date["precision"]))
    return [value for value in values if value]


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
        props.add("birthDate", *_birth_dates(birth_date))
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
