"""The API's reads of authorities and programs, as plain dicts.

As ``designations.selectors``: the rows of a filtered, ordered queryset with ``values()``, one query per
nested relation keyed by the page's ids, URLs from ``links``. The rows equal what the serializers of
``programs.api.serializers`` make of the same objects, which stay the schema and the reference.
"""

from __future__ import annotations

from typing import TypedDict

from django.db.models import QuerySet

from programs.models import Authority, AuthorityEvent, Program
from tracker.selectors import Links, grouped, iso_date, many_to_many_rows, rows_by_keys


class AuthorityBrief(TypedDict):
    code: str
    name: str
    short_name: str
    url: str


class AuthorityEventRow(TypedDict):
    kind: str
    occurred_on: str | None
    description: str
    source_url: str
    verified: bool


class AuthorityRow(TypedDict):
    code: str
    url: str
    kind: str
    name: str
    short_name: str
    citation: str
    issuer: str
    implements: list[str]
    signed_on: str | None
    effective_on: str | None
    status: str
    ended_on: str | None
    ended_by: str | None
    is_human_rights: bool
    target_countries: list[str]
    summary: str
    events: list[AuthorityEventRow]
    official_url: str
    date_note: str


class ProgramRow(TypedDict):
    code: str
    url: str
    name: str
    agency: str
    family: str
    status: str
    replaced_by: str | None
    authorities: list[AuthorityBrief]
    target_countries: list[str]
    is_human_rights: bool
    description: str
    first_seen_on: str | None
    last_seen_on: str | None


def _codes(groups: dict, key: int) -> list[str]:
    return [row["code"] for row in groups.get(key, ())]


def _events(keys: list[int]) -> QuerySet:
    """The lifecycle of the authorities ``keys``, in the order their prefetch gives."""
    events = AuthorityEvent.objects.filter(authority_id__in=keys)
    return events.values("authority_id", "kind", "occurred_on", "description", "source_url", "verified")


def authority_rows(queryset: QuerySet, *, links: Links) -> list[AuthorityRow]:
    """Authorities with what they implement, the countries they target and their lifecycle."""
    rows = list(
        queryset.prefetch_related(None).values(
            "id",
            "code",
            "kind",
            "name",
            "short_name",
            "citation",
            "issuer",
            "signed_on",
            "effective_on",
            "status",
            "ended_on",
            "ended_by__code",
            "is_human_rights",
            "summary",
            "official_url",
            "date_note",
        )
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    implements = many_to_many_rows(Authority, "implements", ids, "code")
    countries = many_to_many_rows(Authority, "target_countries", ids, "code")
    events = grouped(rows_by_keys("authority events", ids, _events), "authority_id")
    url = links.to("programs-api:authority-detail", "code")
    return [
        {
            "code": row["code"],
            "url": url(row["code"]),
            "kind": row["kind"],
            "name": row["name"],
            "short_name": row["short_name"],
            "citation": row["citation"],
            "issuer": row["issuer"],
            "implements": _codes(implements, row["id"]),
            "signed_on": iso_date(row["signed_on"]),
            "effective_on": iso_date(row["effective_on"]),
            "status": row["status"],
            "ended_on": iso_date(row["ended_on"]),
            "ended_by": row["ended_by__code"],
            "is_human_rights": row["is_human_rights"],
            "target_countries": _codes(countries, row["id"]),
            "summary": row["summary"],
            "events": [{**event, "occurred_on": iso_date(event["occurred_on"])} for event in events.get(row["id"], ())],
            "official_url": row["official_url"],
            "date_note": row["date_note"],
        }
        for row in rows
    ]


def program_rows(queryset: QuerySet, *, links: Links) -> list[ProgramRow]:
    """Programs with the authorities behind them and the countries they target."""
    rows = list(
        queryset.prefetch_related(None).values(
            "id",
            "code",
            "name",
            "agency",
            "family",
            "status",
            "replaced_by__code",
            "is_human_rights",
            "description",
            "first_seen_on",
            "last_seen_on",
        )
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    authorities = many_to_many_rows(Program, "authorities", ids, "code", "name", "short_name")
    countries = many_to_many_rows(Program, "target_countries", ids, "code")
    url = links.to("programs-api:program-detail", "code")
    authority_url = links.to("programs-api:authority-detail", "code")
    return [
        {
            "code": row["code"],
            "url": url(row["code"]),
            "name": row["name"],
            "agency": row["agency"],
            "family": row["family"],
            "status": row["status"],
            "replaced_by": row["replaced_by__code"],
            "authorities": [
                {**authority, "url": authority_url(authority["code"])} for authority in authorities.get(row["id"], ())
            ],
            "target_countries": _codes(countries, row["id"]),
            "is_human_rights": row["is_human_rights"],
            "description": row["description"],
            "first_seen_on": iso_date(row["first_seen_on"]),
            "last_seen_on": iso_date(row["last_seen_on"]),
        }
        for row in rows
    ]
