"""The API's reads of countries, designees, designations, source documents and changes, as plain dicts.

Each selector takes a filtered and ordered queryset (sliced to a page, or narrowed to one row) and returns
the rows the API answers with:

1. The page's own columns, with those of its one-to-one relations, in one ``values()`` query; the page's
   ids are chosen on the bare table first (``tracker.api.page_of``), so a deep offset never joins the
   rows it skips.
2. One ``values()`` query per nested relation (events, aliases, categories...), keyed by the page's ids
   and grouped in Python, each in the order the relation's prefetch would give.
3. The rows put together: dates as ISO 8601 text, URLs from ``links`` (each route reversed once per
   request), no model instance anywhere.

What they return equals what the serializers of ``designations.api.serializers`` make of the same objects,
key order included: the serializers stay the schema and the reference, and
``tests/designations/test_selectors.py`` compares the two on real data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NotRequired, TypedDict

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from designations.models import (
    FACT_LISTS,
    Address,
    Alias,
    BirthDate,
    Citation,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    DesigneeFact,
    Identifier,
    PlaceOfBirth,
    Relationship,
    cited_documents,
    normalised_identifier,
)
from tracker.selectors import Links, grouped, iso_date, iso_datetime, many_to_many_rows, page_of, rows_by_keys

# --------------------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------------------


class CountryBrief(TypedDict):
    code: str
    name: str
    role: str


class CountryRow(TypedDict):
    code: str
    name: str
    numeric: str
    url: str
    active_designees: int


class SourceDocumentBrief(TypedDict):
    id: int
    kind: str
    title: str
    url: str
    published_on: str | None


class SourceDocumentRow(TypedDict):
    id: int
    kind: str
    agency: str
    source: str
    source_uid: str
    title: str
    url: str
    published_on: str | None
    content_sha256: str


class CitationRow(TypedDict):
    field: str
    url: str
    title: str
    published_on: str | None


class DesigneeBrief(TypedDict):
    id: int
    url: str
    kind: str
    name: str
    entry_number: int | None


class DesignationBrief(TypedDict):
    id: int
    url: str
    program: str
    status: str
    listed_on: str | None
    listed_precision: str
    listed_earliest: str | None
    delisted_on: str | None
    delisted_precision: str
    delisted_earliest: str | None


class DesigneeRow(TypedDict):
    id: int
    url: str
    kind: str
    name: str
    entry_number: int | None
    title: str
    gender: str
    remarks: str
    call_sign: str
    vessel_type: str
    vessel_flag: str
    vessel_owner: str
    tonnage: str
    gross_registered_tonnage: str
    aircraft_model: str
    aircraft_operator: str
    source: str
    source_uid: str
    aliases: list[dict[str, str]]
    identifiers: list[dict[str, Any]]
    countries: list[CountryBrief]
    # The facts of ``designee_facts``: in the detail, and in lists with ``?expand=facts``.
    birth_dates: NotRequired[list[dict[str, Any]]]
    places_of_birth: NotRequired[list[dict[str, Any]]]
    addresses: NotRequired[list[dict[str, Any]]]
    relationships_out: NotRequired[list[dict[str, Any]]]
    relationships_in: NotRequired[list[dict[str, Any]]]
    stated_facts: NotRequired[list[dict[str, Any]]]
    designations: list[DesignationBrief]
    review_state: str
    merged_into: int | None
    citations: list[CitationRow]
    source_documents: list[SourceDocumentBrief]
    created_at: str
    updated_at: str


class EventRow(TypedDict):
    kind: str
    occurred_on: str | None
    precision: str
    earliest: str | None
    source_document: SourceDocumentBrief | None
    changes: dict
    note: str


class DesignationRow(TypedDict):
    id: int
    url: str
    designee: DesigneeBrief
    program: dict[str, str]
    authority: dict[str, str] | None
    agency: str
    status: str
    listed_on: str | None
    listed_precision: str
    listed_earliest: str | None
    delisted_on: str | None
    delisted_precision: str
    delisted_earliest: str | None
    legal_basis: str
    reason: str
    reason_source: SourceDocumentBrief | None
    curated_reason: str
    categories: list[str]
    citations: list[CitationRow]
    review_state: str
    source: str
    events: list[EventRow]
    created_at: str
    updated_at: str


class ChangeDesignation(TypedDict):
    id: int
    url: str
    designee: DesigneeBrief
    program: str
    status: str


class ChangeRow(TypedDict):
    id: int
    created_at: str
    kind: str
    occurred_on: str | None
    precision: str
    earliest: str | None
    designation: ChangeDesignation
    source_document: SourceDocumentBrief | None
    import_run: int | None
    changes: dict
    note: str


# --------------------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------------------
_DATES = ("listed_on", "listed_precision", "listed_earliest", "delisted_on", "delisted_precision", "delisted_earliest")


def _dates(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The listing and delisting dates of a designation row (its columns under ``prefix``)."""
    return {
        "listed_on": iso_date(row[f"{prefix}listed_on"]),
        "listed_precision": row[f"{prefix}listed_precision"],
        "listed_earliest": iso_date(row[f"{prefix}listed_earliest"]),
        "delisted_on": iso_date(row[f"{prefix}delisted_on"]),
        "delisted_precision": row[f"{prefix}delisted_precision"],
        "delisted_earliest": iso_date(row[f"{prefix}delisted_earliest"]),
    }


# Each published fact of a designee names the document it was read from by id (``FactSource``); the record
# lists those documents once, in ``source_documents``.
_SOURCE = "source_document"


def _document_columns(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{name}" for name in ("id", "kind", "title", "url", "published_on"))


def _document(row: dict[str, Any], prefix: str) -> SourceDocumentBrief | None:
    """A source document in brief, from its columns under ``prefix`` (None when there is none)."""
    if row[f"{prefix}id"] is None:
        return None
    return {
        "id": row[f"{prefix}id"],
        "kind": row[f"{prefix}kind"],
        "title": row[f"{prefix}title"],
        "url": row[f"{prefix}url"],
        "published_on": iso_date(row[f"{prefix}published_on"]),
    }


def _children(model: type[models.Model], link: str, ids: list[int], *fields: str) -> dict[int, list[dict]]:
    """``fields`` of ``model``'s rows whose ``link`` is one of ``ids``, grouped by it, one query.

    Within a group, rows come in the model's default order less its leading ``link`` (what a prefetch of
    the relation gives; ``DesigneeCountry`` orders by role, then by country).
    """
    ordering = [term for term in model._meta.ordering if term.lstrip("-") != link]

    def build(keys: list[int]) -> QuerySet:
        rows = model._default_manager.filter(**{f"{link}_id__in": keys}).order_by(*ordering)
        return rows.values(f"{link}_id", *fields)

    return grouped(rows_by_keys(f"{model._meta.label}.{link}:{','.join(fields)}", ids, build), f"{link}_id")


def _citations(model: type[models.Model], ids: list[int]) -> dict[int, list[CitationRow]]:
    """The citations of the ``model`` records ``ids``, grouped by record id (content types are cached)."""
    content_type = ContentType.objects.get_for_model(model)

    def build(keys: list[int]) -> QuerySet:
        citations = Citation.objects.filter(content_type=content_type, object_id__in=keys)
        return citations.values("object_id", "field", "url", "title", "published_on")

    groups = grouped(rows_by_keys(f"citations of {model._meta.label}", ids, build), "object_id")
    for group in groups.values():
        for citation in group:
            citation["published_on"] = iso_date(citation["published_on"])
    return groups


# --------------------------------------------------------------------------------------------------
# Countries and source documents
# --------------------------------------------------------------------------------------------------


def country_rows(queryset: QuerySet, *, links: Links) -> list[CountryRow]:
    """Countries of a queryset annotated ``with_active_counts()`` (a few hundred rows: read as they are)."""
    url = links.to("designations-api:country-detail", "code")
    rows = queryset.prefetch_related(None).values("code", "name", "numeric", "active_designees")
    return [
        {
            "code": row["code"],
            "name": row["name"],
            "numeric": row["numeric"],
            "url": url(row["code"]),
            "active_designees": row["active_designees"],
        }
        for row in rows
    ]


_SOURCE_DOCUMENT_COLUMNS = ("id", "kind", "agency", "source", "source_uid", "title", "url", "published_on")


def source_document_rows(queryset: QuerySet, *, links: Links) -> list[SourceDocumentRow]:
    rows = list(page_of(queryset).values(*_SOURCE_DOCUMENT_COLUMNS, "content_sha256"))
    for row in rows:
        row["published_on"] = iso_date(row["published_on"])
    return rows


# --------------------------------------------------------------------------------------------------
# Designees
# --------------------------------------------------------------------------------------------------
_DESIGNEE_TEXT = (
    "title",
    "gender",
    "remarks",
    "call_sign",
    "vessel_type",
    "vessel_flag",
    "vessel_owner",
    "tonnage",
    "gross_registered_tonnage",
    "aircraft_model",
    "aircraft_operator",
    "source",
    "source_uid",
)


_BRIEF = ("id", "kind", "name", "entry_number")


def _designee_brief(row: dict[str, Any], prefix: str, url: Callable[[Any], str]) -> DesigneeBrief | None:
    if row[f"{prefix}id"] is None:
        return None
    return {
        "id": row[f"{prefix}id"],
        "url": url(row[f"{prefix}id"]),
        "kind": row[f"{prefix}kind"],
        "name": row[f"{prefix}name"],
        "entry_number": row[f"{prefix}entry_number"],
    }


def designee_facts(ids: list[int], *, links: Links) -> dict[int, dict[str, list]]:
    """The published facts of the designees ``ids`` beyond their own columns, names, identifiers and
    countries: birth dates, places of birth, addresses, relationships both ways and the other stated facts
    (``DesigneeFact``). One query per relation (six), whatever the number of designees; every designee of
    ``ids`` gets every key.
    """
    births = _children(
        BirthDate, "designee", ids, "raw", "date_from", "date_to", "precision", "is_range", "circa", _SOURCE
    )
    places = _children(PlaceOfBirth, "designee", ids, "place", "country__code", "country__name", _SOURCE)
    addresses = _children(
        Address, "designee", ids, "street", "city", "country__code", "country__name", "country_text", "remarks", _SOURCE
    )
    outgoing = _children(
        Relationship, "from_designee", ids, "kind", *(f"to_designee__{name}" for name in _BRIEF), "to_name", _SOURCE
    )
    incoming = _children(
        Relationship, "to_designee", ids, "kind", *(f"from_designee__{name}" for name in _BRIEF), _SOURCE
    )
    stated = _children(
        DesigneeFact, "designee", ids, "kind", "value", "date_from", "date_to", "precision", "alt", _SOURCE
    )
    url = links.to("designations-api:designee-detail")
    facts = {}
    for pk in ids:
        facts[pk] = {
            "birth_dates": [
                {
                    "raw": birth["raw"],
                    "date_from": iso_date(birth["date_from"]),
                    "date_to": iso_date(birth["date_to"]),
                    "precision": birth["precision"],
                    "is_range": birth["is_range"],
                    "circa": birth["circa"],
                    "source_document": birth[_SOURCE],
                }
                for birth in births.get(pk, ())
            ],
            "places_of_birth": [
                {
                    "place": place["place"],
                    "country": place["country__code"],
                    "country_name": place["country__name"],
                    "source_document": place[_SOURCE],
                }
                for place in places.get(pk, ())
            ],
            "addresses": [
                {
                    "street": address["street"],
                    "city": address["city"],
                    "country": address["country__code"],
                    "country_name": address["country__name"],
                    "country_text": address["country_text"],
                    "remarks": address["remarks"],
                    "source_document": address[_SOURCE],
                }
                for address in addresses.get(pk, ())
            ],
            "relationships_out": [
                {
                    "kind": link["kind"],
                    "designee": _designee_brief(link, "to_designee__", url),
                    "name": link["to_name"],
                    "source_document": link[_SOURCE],
                }
                for link in outgoing.get(pk, ())
            ],
            "relationships_in": [
                {
                    "kind": link["kind"],
                    "designee": _designee_brief(link, "from_designee__", url),
                    "name": link["from_designee__name"],
                    "source_document": link[_SOURCE],
                }
                for link in incoming.get(pk, ())
            ],
            "stated_facts": [
                {
                    "kind": fact["kind"],
                    "value": fact["value"],
                    "date_from": iso_date(fact["date_from"]),
                    "date_to": iso_date(fact["date_to"]),
                    "precision": fact["precision"],
                    "alt": fact["alt"],
                    "source_document": fact[_SOURCE],
                }
                for fact in stated.get(pk, ())
            ],
        }
    return facts


def designee_rows(queryset: QuerySet, *, links: Links, facts: bool = False) -> list[DesigneeRow]:
    """Designees with their aliases, identifiers, countries, designations (all of them) and citations;
    with ``facts``, also their birth dates, places of birth, addresses and relationships (``designee_facts``).
    """
    columns = ("id", "kind", "name", "entry_number", *_DESIGNEE_TEXT, "review_state", "merged_into_id")
    rows = list(page_of(queryset).values(*columns, "created_at", "updated_at"))
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    aliases = _children(Alias, "designee", ids, "name", "kind", "strength", "script", _SOURCE)
    identifiers = _children(
        Identifier,
        "designee",
        ids,
        "kind",
        "value",
        "country__code",
        "country_text",
        "issued_on",
        "expires_on",
        "note",
        _SOURCE,
    )
    countries = _children(DesigneeCountry, "designee", ids, "country__code", "country__name", "role", _SOURCE)
    designations = _children(Designation, "designee", ids, "id", "program__code", "status", *_DATES)
    citations = _citations(Designee, ids)
    more = designee_facts(ids, links=links) if facts else {}
    designee_url = links.to("designations-api:designee-detail")
    designation_url = links.to("designations-api:designation-detail")
    zone = timezone.get_current_timezone()
    records: list[DesigneeRow] = [
        {
            "id": row["id"],
            "url": designee_url(row["id"]),
            "kind": row["kind"],
            "name": row["name"],
            "entry_number": row["entry_number"],
            **{name: row[name] for name in _DESIGNEE_TEXT},
            "aliases": aliases.get(row["id"], []),
            "identifiers": [
                {
                    "kind": identifier["kind"],
                    "value": identifier["value"],
                    "normalised_value": normalised_identifier(identifier["value"]),
                    "country": identifier["country__code"],
                    "country_text": identifier["country_text"],
                    "issued_on": iso_date(identifier["issued_on"]),
                    "expires_on": iso_date(identifier["expires_on"]),
                    "note": identifier["note"],
                    "source_document": identifier[_SOURCE],
                }
                for identifier in identifiers.get(row["id"], ())
            ],
            "countries": [
                {
                    "code": link["country__code"],
                    "name": link["country__name"],
                    "role": link["role"],
                    "source_document": link[_SOURCE],
                }
                for link in countries.get(row["id"], ())
            ],
            **more.get(row["id"], {}),
            "designations": [
                {
                    "id": designation["id"],
                    "url": designation_url(designation["id"]),
                    "program": designation["program__code"],
                    "status": designation["status"],
                    **_dates(designation),
                }
                for designation in designations.get(row["id"], ())
            ],
            "review_state": row["review_state"],
            "merged_into": row["merged_into_id"],
            "citations": citations.get(row["id"], []),
            "source_documents": [],  # filled below
            "created_at": iso_datetime(row["created_at"], zone),
            "updated_at": iso_datetime(row["updated_at"], zone),
        }
        for row in rows
    ]
    _add_fact_documents(records)
    return records


def _add_fact_documents(records: list[DesigneeRow]) -> None:
    """Give each record ``source_documents``: the documents its facts cite, oldest first, undated last (one
    query)."""
    cited = {
        record["id"]: {fact[_SOURCE] for key in FACT_LISTS for fact in record.get(key, ()) if fact[_SOURCE]}
        for record in records
    }
    wanted = set().union(*cited.values())
    briefs = [_document(row, "") for row in cited_documents(wanted).values(*_document_columns(""))] if wanted else []
    for record in records:
        record["source_documents"] = [brief for brief in briefs if brief["id"] in cited[record["id"]]]


# --------------------------------------------------------------------------------------------------
# Designations
# --------------------------------------------------------------------------------------------------
_DESIGNATION_COLUMNS = (
    "id",
    "designee_id",
    "designee__kind",
    "designee__name",
    "designee__entry_number",
    "program__code",
    "program__name",
    "authority_id",
    "authority__code",
    "authority__name",
    "authority__short_name",
    "agency",
    "status",
    *_DATES,
    "legal_basis",
    "reason",
    *_document_columns("reason_source__"),
    "curated_reason",
    "review_state",
    "source",
    "created_at",
    "updated_at",
)
_EVENT_COLUMNS = (
    "kind",
    "occurred_on",
    "precision",
    "earliest",
    *_document_columns("source_document__"),
    "changes",
    "note",
)


def designation_rows(queryset: QuerySet, *, links: Links) -> list[DesignationRow]:
    """Designations with their designee, program and authority in brief, categories, citations and events."""
    rows = list(page_of(queryset).values(*_DESIGNATION_COLUMNS))
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    events = _children(DesignationEvent, "designation", ids, *_EVENT_COLUMNS)
    categories = many_to_many_rows(Designation, "categories", ids, "code")
    citations = _citations(Designation, ids)
    designation_url = links.to("designations-api:designation-detail")
    designee_url = links.to("designations-api:designee-detail")
    program_url = links.to("programs-api:program-detail", "code")
    authority_url = links.to("programs-api:authority-detail", "code")
    zone = timezone.get_current_timezone()
    return [
        {
            "id": row["id"],
            "url": designation_url(row["id"]),
            "designee": {
                "id": row["designee_id"],
                "url": designee_url(row["designee_id"]),
                "kind": row["designee__kind"],
                "name": row["designee__name"],
                "entry_number": row["designee__entry_number"],
            },
            "program": {
                "code": row["program__code"],
                "name": row["program__name"],
                "url": program_url(row["program__code"]),
            },
            "authority": None
            if row["authority_id"] is None
            else {
                "code": row["authority__code"],
                "name": row["authority__name"],
                "short_name": row["authority__short_name"],
                "url": authority_url(row["authority__code"]),
            },
            "agency": row["agency"],
            "status": row["status"],
            **_dates(row),
            "legal_basis": row["legal_basis"],
            "reason": row["reason"],
            "reason_source": _document(row, "reason_source__"),
            "curated_reason": row["curated_reason"],
            "categories": [category["code"] for category in categories.get(row["id"], ())],
            "citations": citations.get(row["id"], []),
            "review_state": row["review_state"],
            "source": row["source"],
            "events": [
                {
                    "kind": event["kind"],
                    "occurred_on": iso_date(event["occurred_on"]),
                    "precision": event["precision"],
                    "earliest": iso_date(event["earliest"]),
                    "source_document": _document(event, "source_document__"),
                    "changes": event["changes"],
                    "note": event["note"],
                }
                for event in events.get(row["id"], ())
            ],
            "created_at": iso_datetime(row["created_at"], zone),
            "updated_at": iso_datetime(row["updated_at"], zone),
        }
        for row in rows
    ]


# --------------------------------------------------------------------------------------------------
# Changes
# --------------------------------------------------------------------------------------------------
_CHANGE_COLUMNS = (
    "id",
    "created_at",
    "kind",
    "occurred_on",
    "precision",
    "earliest",
    "designation_id",
    "designation__designee_id",
    "designation__designee__kind",
    "designation__designee__name",
    "designation__designee__entry_number",
    "designation__program__code",
    "designation__status",
    *_document_columns("source_document__"),
    "import_run_id",
    "changes",
    "note",
)


def change_rows(queryset: QuerySet, *, links: Links) -> list[ChangeRow]:
    """Designation events as the changes feed lists them: one query, whatever the page's size."""
    designation_url = links.to("designations-api:designation-detail")
    designee_url = links.to("designations-api:designee-detail")
    zone = timezone.get_current_timezone()
    return [
        {
            "id": row["id"],
            "created_at": iso_datetime(row["created_at"], zone),
            "kind": row["kind"],
            "occurred_on": iso_date(row["occurred_on"]),
            "precision": row["precision"],
            "earliest": iso_date(row["earliest"]),
            "designation": {
                "id": row["designation_id"],
                "url": designation_url(row["designation_id"]),
                "designee": {
                    "id": row["designation__designee_id"],
                    "url": designee_url(row["designation__designee_id"]),
                    "kind": row["designation__designee__kind"],
                    "name": row["designation__designee__name"],
                    "entry_number": row["designation__designee__entry_number"],
                },
                "program": row["designation__program__code"],
                "status": row["designation__status"],
            },
            "source_document": _document(row, "source_document__"),
            "import_run": row["import_run_id"],
            "changes": row["changes"],
            "note": row["note"],
        }
        for row in page_of(queryset).values(*_CHANGE_COLUMNS)
    ]
